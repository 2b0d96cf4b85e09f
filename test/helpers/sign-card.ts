/**
 * Test-only card signer: raw DEFLATE + ES256 (P1363), written independently of the issuing side
 * (server/card/issue.ts) so verifier tests do not depend on it. Lets tests build any header,
 * payload or signature encoding, including the wrong ones.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { ecThumbprint } from '../../server/trust/thumbprint.js';
import { buildTrustSnapshot } from '../../server/trust/build-snapshot.js';
import type { TrustSnapshot } from '../../server/trust/types.js';

export const TEST_ISS = 'https://issuer.test.bhyt.invalid';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  /** Public JWK as the trust file lists it (no window / revoked flags). */
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; use: 'sig'; alg: 'ES256' };
}

export function makeTestKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const kid = ecThumbprint({ crv: 'P-256', x: jwk.x, y: jwk.y });
  return { kid, privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' } };
}

export interface SignOptions {
  /** Header object to use instead of {alg, kid, zip}; serialised as JSON. */
  header?: Record<string, unknown>;
  /** Exact header text (before base64url), overriding `header`. */
  headerText?: string;
  /** How the payload bytes are compressed (default raw DEFLATE). */
  compression?: 'raw' | 'zlib' | 'none';
  /** Use a DER-encoded signature instead of raw r‖s. */
  der?: boolean;
  /** Replace the signature bytes entirely. */
  signature?: Buffer;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signs `payload` (object → minified JSON; string/Buffer used as the bytes) as a compact JWS. */
export function signJws(payload: unknown, key: TestKey, opts: SignOptions = {}): string {
  const headerText = opts.headerText ?? JSON.stringify(opts.header ?? { zip: 'DEF', alg: 'ES256', kid: key.kid });
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  const compressed =
    opts.compression === 'none' ? bytes : opts.compression === 'zlib' ? deflateSync(bytes) : deflateRawSync(bytes, { level: 9 });
  const signingInput = `${b64u(headerText)}.${b64u(compressed)}`;
  const sig =
    opts.signature ??
    sign('sha256', Buffer.from(signingInput, 'ascii'), { key: key.privateKey, dsaEncoding: opts.der ? 'der' : 'ieee-p1363' });
  return `${signingInput}.${b64u(sig)}`;
}

/** `shc:/` numeric QR text, written here independently of qr-text.ts's encoder. */
export function toShc(jws: string): string {
  return 'shc:/' + [...jws].map((c) => String(c.charCodeAt(0) - 45).padStart(2, '0')).join('');
}

export interface PatientIn {
  name?: string;
  birthDate?: string;
  gender?: string;
  maSo?: string | null;
}

export interface CoverageIn {
  subscriberId?: string | null;
  objectCode?: string | null;
  benefit?: string | null;
  network?: string | null;
  start?: string | null;
  end?: string | null;
  payor?: string | null;
  fiveYear?: string | null;
  area?: string | null;
}

export interface PayloadIn {
  iss?: string;
  nbf?: number | null;
  exp?: number | null;
  rid?: string | null;
  patient?: PatientIn;
  coverage?: CoverageIn;
}

/** Seconds for an ISO instant. */
export const sec = (iso: string) => Date.parse(iso) / 1000;

/** A typical BHYT card payload per docs/card-format.md; `null` removes a member. */
export function cardPayload(p: PayloadIn = {}): Record<string, unknown> {
  const pa = p.patient ?? {};
  const co = p.coverage ?? {};
  const patient: Record<string, unknown> = {
    resourceType: 'Patient',
    name: [{ text: pa.name ?? 'Nguyễn Đức Thiện' }],
    gender: pa.gender ?? 'male',
    birthDate: pa.birthDate ?? '1990-03-20',
  };
  if (pa.maSo !== null) patient.identifier = [{ system: 'urn:vn:bhxh:ma-so', value: pa.maSo ?? '1201234567' }];
  const ext: unknown[] = [];
  if (co.fiveYear !== null) ext.push({ url: 'urn:vn:bhyt:du-5-nam', valueDate: co.fiveYear ?? '2028-01-01' });
  if (co.area !== null && co.area !== undefined) ext.push({ url: 'urn:vn:bhyt:khu-vuc', valueCode: co.area });
  const classes: unknown[] = [];
  if (co.objectCode !== null) {
    classes.push({ type: { coding: [{ system: 'urn:vn:bhyt:class', code: 'doi-tuong' }] }, value: co.objectCode ?? 'DN' });
  }
  if (co.benefit !== null) {
    classes.push({ type: { coding: [{ system: 'urn:vn:bhyt:class', code: 'muc-huong' }] }, value: co.benefit ?? '4' });
  }
  const coverage: Record<string, unknown> = {
    resourceType: 'Coverage',
    status: 'active',
    beneficiary: { reference: 'resource:0' },
  };
  if (ext.length) coverage.extension = ext;
  if (co.subscriberId !== null) coverage.subscriberId = co.subscriberId ?? 'DN4121201234567';
  const period: Record<string, string> = {};
  if (co.start !== null) period.start = co.start ?? '2026-01-01';
  if (co.end !== null) period.end = co.end ?? '2026-12-31';
  coverage.period = period;
  if (co.payor !== null) coverage.payor = [{ display: co.payor ?? 'BHXH tỉnh Lai Châu' }];
  if (classes.length) coverage.class = classes;
  if (co.network !== null) coverage.network = co.network ?? '12001';

  const vc: Record<string, unknown> = {
    type: ['https://smarthealth.cards#health-card'],
    credentialSubject: {
      fhirVersion: '4.0.1',
      fhirBundle: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          { fullUrl: 'resource:0', resource: patient },
          { fullUrl: 'resource:1', resource: coverage },
        ],
      },
    },
  };
  if (p.rid !== null && p.rid !== undefined) vc.rid = p.rid;
  const out: Record<string, unknown> = { iss: p.iss ?? TEST_ISS };
  if (p.nbf !== null) out.nbf = p.nbf ?? sec('2026-11-20T00:00:00Z');
  if (p.exp !== null) out.exp = p.exp ?? sec('2026-12-20T00:00:00Z');
  out.vc = vc;
  return out;
}

export interface TrustIssuerIn {
  iss?: string;
  name?: string;
  demo?: boolean;
  keys: (TestKey | { key: TestKey; nbf?: number; exp?: number; revoked?: boolean })[];
  /** kid → rids entries */
  crl?: Record<string, string[]>;
}

/** A trust snapshot for tests, built through the real buildTrustSnapshot. */
export function testTrust(issuers: TrustIssuerIn[], opts: { updatedAt?: string; crlCheckedAt?: string } = {}): TrustSnapshot {
  return buildTrustSnapshot({
    updatedAt: opts.updatedAt ?? '2026-11-24T00:00:00Z',
    ...(opts.crlCheckedAt ? { crlCheckedAt: opts.crlCheckedAt } : {}),
    issuers: issuers.map((i) => ({
      iss: i.iss ?? TEST_ISS,
      name: i.name ?? 'BHXH test',
      ...(i.demo ? { demo: true } : {}),
      jwks: {
        keys: i.keys.map((k) => {
          if ('privateKey' in k) return k.publicJwk;
          const jwk: Record<string, unknown> = { ...k.key.publicJwk };
          if (k.nbf !== undefined) jwk.nbf = k.nbf;
          if (k.exp !== undefined) jwk.exp = k.exp;
          if (k.revoked !== undefined) jwk.revoked = k.revoked;
          return jwk;
        }),
      },
      crl: Object.fromEntries(Object.entries(i.crl ?? {}).map(([kid, rids]) => [kid, { kid, method: 'rid', ctr: 1, rids }])),
    })),
  });
}

/** The order n of the P-256 group. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Big-endian 32-byte encoding of 0 ≤ v < 2^256. */
export function be32(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}

/**
 * The ECDSA "malleability" twin of a compact ES256 JWS: the same header and payload with the
 * signature's s replaced by n − s. It verifies exactly when the original does (ES256 does not
 * require low-S), so it is the same card in different bytes.
 */
export function highSTwin(jws: string): string {
  const dot = jws.lastIndexOf('.');
  const sig = Buffer.from(jws.slice(dot + 1), 'base64url');
  if (sig.length !== 64) throw new Error('not a raw r‖s signature');
  const s = BigInt('0x' + sig.subarray(32).toString('hex'));
  return `${jws.slice(0, dot)}.${Buffer.concat([sig.subarray(0, 32), be32(P256_N - s)]).toString('base64url')}`;
}

/** The compact JWS inside `shc:/` numeric QR text (the inverse of toShc). */
export function fromShc(qr: string): string {
  const digits = qr.replace(/^shc:\//, '');
  let out = '';
  for (let i = 0; i < digits.length; i += 2) out += String.fromCharCode(Number(digits.slice(i, i + 2)) + 45);
  return out;
}
