/**
 * The forged-card matrix against the real service: every kind of card an attacker can make
 * without the issuer's private key (and a few the issuer's key signed but the rules refuse).
 * Each goes through POST /api/verify (200 with a rejected result and its reason code: a bad
 * card is an answer, not an error) and POST /api/check-ins (422 CARD_REJECTED carrying the same
 * result: recorded as an attempt, never a visit). At the end no forged card produced a visit
 * and the log's chain is intact. Expected codes: ../shared/spec/digital-card.md §1 and §4.
 */
import { createHmac, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import type { ReasonCode } from '../../server/wire/verification.js';
import { P256_N, be32, highSTwin, makeTestKey, signJws, toShc, type SignOptions, type TestKey } from '../helpers/sign-card.js';
import { NOW, integrity, startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

const B64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const OTHER_ISS = 'https://other-province.bhyt-kiosk.invalid';

let k: SecurityKiosk;
/** The trusted issuer's key (the kiosk's test issuer), as a signer for sign-card.ts. */
let A: TestKey;
/** A second trusted issuer (another province): trusted for its own cards only. */
const B = makeTestKey();
/** The attacker's own key: in no trust store. */
const EVIL = makeTestKey();
/** A genuine card payload of issuer A (issued by the real issuing code). */
let payloadA: Record<string, unknown>;
/** A genuine card of A: its JWS. */
let genuine: string;

/** Issuer A's payload with `iss` (and anything else) replaced. */
const payloadOf = (over: Record<string, unknown> = {}) => ({ ...payloadA, ...over });

beforeAll(async () => {
  k = await startSecurityKiosk();
  const signer = k.issuer.signer;
  A = { kid: signer.kid, privateKey: signer.privateKey as KeyObject, publicJwk: { ...EVIL.publicJwk, kid: signer.kid } };
  const card = await k.issuer.issue({ cardNumber: 'DN4121209990001' });
  payloadA = card.payload as unknown as Record<string, unknown>;
  genuine = card.jws;
  // Issuer B joins the trust file; an admin's refresh reads the file again.
  const trust = JSON.parse(readFileSync(k.issuer.trustFile, 'utf8')) as { issuers: unknown[] };
  trust.issuers.push({ iss: OTHER_ISS, name: 'BHXH tỉnh khác (test)', jwks: { keys: [B.publicJwk] }, crl: {} });
  writeFileSync(k.issuer.trustFile, JSON.stringify(trust));
  const refreshed = await k.request('POST', '/api/admin/trust/refresh', { cookie: k.cookies.admin, body: {} });
  expect(refreshed.status).toBe(200);
});
afterAll(async () => {
  await k?.close();
});

/** Replaces the signature part of a compact JWS. */
const withSig = (jws: string, sig: Buffer | string) => `${jws.slice(0, jws.lastIndexOf('.'))}.${typeof sig === 'string' ? sig : B64(sig)}`;
const sigOf = (jws: string) => Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
const rs = (jws: string) => {
  const s = sigOf(jws);
  return { r: BigInt('0x' + s.subarray(0, 32).toString('hex')), s: BigInt('0x' + s.subarray(32).toString('hex')) };
};
/** An unsigned-style token: header and payload as given, any signature part. */
const token = (header: unknown, payload: Buffer, sig: string) =>
  `${B64(typeof header === 'string' ? header : JSON.stringify(header))}.${B64(payload)}.${sig}`;
const deflated = (p: unknown) => deflateRawSync(Buffer.from(JSON.stringify(p), 'utf8'), { level: 9 });
const hdr = (kid: string, extra: Record<string, unknown> = {}) => ({ alg: 'ES256', kid, zip: 'DEF', ...extra });
/** A card of issuer A signed by `key` with a header of its own. */
const signedBy = (key: TestKey, header: Record<string, unknown> | string, payload: unknown = payloadA, o: SignOptions = {}) =>
  signJws(Buffer.isBuffer(payload) ? payload : JSON.stringify(payload), key, {
    ...(typeof header === 'string' ? { headerText: header } : { header }),
    ...o,
  });
/** The HS256 tag of `jws`'s signing input keyed with `secret` (the classic alg-confusion forgery). */
const hmacSig = (input: string, secret: Buffer | string) => createHmac('sha256', secret).update(input).digest();
const cyrillic = (s: string) => s.replace(/a/, '\u0430').replace(/e/, '\u0435').replace(/o/, '\u043e');

interface Case {
  name: string;
  qr: () => string;
  code: ReasonCode;
  /** When the `shc:/` framing of the same JWS answers otherwise (its digits are twice as long). */
  shcCode?: ReasonCode;
}

/** All rejected; grouped as the brief lists them. */
const CASES: Record<string, Case[]> = {
  'alg confusion': [
    {
      name: 'alg none, empty signature',
      qr: () => token({ alg: 'none', kid: A.kid, zip: 'DEF' }, deflated(payloadA), ''),
      code: 'JWS_MALFORMED',
    },
    ...['none', 'None', 'NONE', 'nOnE'].map((alg) => ({
      name: `alg "${alg}" with a signature part`,
      qr: () => token({ alg, kid: A.kid, zip: 'DEF' }, deflated(payloadA), B64('x')),
      code: 'HEADER_INVALID' as const,
    })),
    ...(['jwk', 'pem', 'x', 'raw point'] as const).map((form) => ({
      name: `HS256 keyed with the issuer's public key (${form})`,
      qr: () => {
        const pub = A.publicJwk;
        const secret =
          form === 'jwk'
            ? JSON.stringify({ kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y })
            : form === 'x'
              ? Buffer.from(pub.x, 'base64url')
              : form === 'raw point'
                ? Buffer.concat([Buffer.from([4]), Buffer.from(pub.x, 'base64url'), Buffer.from(pub.y, 'base64url')])
                : `-----BEGIN PUBLIC KEY-----\n${B64(pub.x)}\n-----END PUBLIC KEY-----\n`;
        const input = `${B64(JSON.stringify({ alg: 'HS256', kid: A.kid, zip: 'DEF' }))}.${B64(deflated(payloadA))}`;
        return `${input}.${B64(hmacSig(input, secret))}`;
      },
      code: 'HEADER_INVALID' as const,
    })),
    {
      name: 'an HMAC tag under alg ES256 (32 bytes)',
      qr: () => {
        const input = `${B64(JSON.stringify(hdr(A.kid)))}.${B64(deflated(payloadA))}`;
        return `${input}.${B64(hmacSig(input, JSON.stringify(A.publicJwk)))}`;
      },
      code: 'SIGNATURE_INVALID',
    },
    ...['es256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA', 'ES256K', ''].map((alg) => ({
      name: `alg "${alg}" signed by the issuer's key`,
      qr: () => signedBy(A, { alg, kid: A.kid, zip: 'DEF' }),
      code: 'HEADER_INVALID' as const,
    })),
    { name: 'alg missing', qr: () => signedBy(A, { kid: A.kid, zip: 'DEF' }), code: 'HEADER_INVALID' },
  ],
  'keys from the card and header parameters': [
    {
      name: 'embedded jwk (attacker key, its kid)',
      qr: () => signedBy(EVIL, hdr(EVIL.kid, { jwk: EVIL.publicJwk })),
      code: 'HEADER_INVALID',
    },
    { name: 'embedded jwk with the trusted kid', qr: () => signedBy(EVIL, hdr(A.kid, { jwk: EVIL.publicJwk })), code: 'HEADER_INVALID' },
    { name: 'jku', qr: () => signedBy(EVIL, hdr(A.kid, { jku: 'https://evil.invalid/jwks.json' })), code: 'HEADER_INVALID' },
    { name: 'x5u', qr: () => signedBy(EVIL, hdr(A.kid, { x5u: 'https://evil.invalid/cert.pem' })), code: 'HEADER_INVALID' },
    { name: 'x5c', qr: () => signedBy(EVIL, hdr(A.kid, { x5c: ['MIIBszCCAVmgAwIBAgIUFAKE'] })), code: 'HEADER_INVALID' },
    { name: 'x5t#S256', qr: () => signedBy(A, hdr(A.kid, { 'x5t#S256': 'AAAA' })), code: 'HEADER_INVALID' },
    { name: 'crit (signed by the issuer)', qr: () => signedBy(A, hdr(A.kid, { crit: ['exp'], exp: 1 })), code: 'HEADER_INVALID' },
    { name: 'b64: false (signed by the issuer)', qr: () => signedBy(A, hdr(A.kid, { b64: false, crit: ['b64'] })), code: 'HEADER_INVALID' },
    { name: 'b64: false alone', qr: () => signedBy(A, hdr(A.kid, { b64: false })), code: 'HEADER_INVALID' },
    { name: 'typ JWT', qr: () => signedBy(A, hdr(A.kid, { typ: 'JWT' })), code: 'HEADER_INVALID' },
    { name: 'cty', qr: () => signedBy(A, hdr(A.kid, { cty: 'json' })), code: 'HEADER_INVALID' },
    {
      name: '__proto__ member',
      qr: () => signedBy(A, `{"alg":"ES256","kid":"${A.kid}","zip":"DEF","__proto__":{"x":1}}`),
      code: 'HEADER_INVALID',
    },
    { name: 'zip GZIP', qr: () => signedBy(A, hdr(A.kid, { zip: 'GZIP' })), code: 'HEADER_INVALID' },
    {
      name: 'zip missing (payload uncompressed)',
      qr: () => signedBy(A, { alg: 'ES256', kid: A.kid }, payloadA, { compression: 'none' }),
      code: 'HEADER_INVALID',
    },
    { name: 'kid missing', qr: () => signedBy(A, { alg: 'ES256', zip: 'DEF' }), code: 'HEADER_INVALID' },
    { name: 'kid a number', qr: () => signedBy(A, { alg: 'ES256', kid: 7, zip: 'DEF' }), code: 'HEADER_INVALID' },
    { name: 'kid empty', qr: () => signedBy(A, { alg: 'ES256', kid: '', zip: 'DEF' }), code: 'HEADER_INVALID' },
    { name: 'kid an object', qr: () => signedBy(A, { alg: 'ES256', kid: { $ne: null }, zip: 'DEF' }), code: 'HEADER_INVALID' },
    { name: 'header a JSON array', qr: () => signedBy(A, `["ES256","${A.kid}","DEF"]`), code: 'JWS_MALFORMED' },
    { name: 'header null', qr: () => signedBy(A, 'null'), code: 'JWS_MALFORMED' },
    { name: 'header not JSON', qr: () => signedBy(A, '{alg:ES256}'), code: 'JWS_MALFORMED' },
    { name: 'header over 512 characters', qr: () => signedBy(A, hdr(A.kid + 'x'.repeat(600))), code: 'JWS_MALFORMED' },
  ],
  'whose key': [
    { name: 'kid of an untrusted issuer (the attacker’s key)', qr: () => signedBy(EVIL, hdr(EVIL.kid)), code: 'KEY_UNKNOWN' },
    { name: 'kid of the trusted issuer, signed by another key', qr: () => signedBy(EVIL, hdr(A.kid)), code: 'SIGNATURE_INVALID' },
    { name: 'kid of the other trusted issuer, signed by another key', qr: () => signedBy(EVIL, hdr(B.kid)), code: 'SIGNATURE_INVALID' },
    { name: 'the other trusted issuer’s key vouching for issuer A', qr: () => signedBy(B, hdr(B.kid)), code: 'ISSUER_MISMATCH' },
    {
      name: 'issuer A’s key, payload claims issuer B',
      qr: () => signedBy(A, hdr(A.kid), payloadOf({ iss: OTHER_ISS })),
      code: 'ISSUER_MISMATCH',
    },
    { name: 'kid lookalike (Cyrillic letters)', qr: () => signedBy(EVIL, hdr(cyrillicKid())), code: 'KEY_UNKNOWN' },
    { name: 'kid lookalike (full-width letters)', qr: () => signedBy(EVIL, hdr(fullWidth(A.kid))), code: 'KEY_UNKNOWN' },
    { name: 'kid with a zero-width space', qr: () => signedBy(EVIL, hdr(A.kid + '\u200b')), code: 'KEY_UNKNOWN' },
    { name: 'kid with a NUL', qr: () => signedBy(EVIL, hdr(A.kid + '\u0000')), code: 'KEY_UNKNOWN' },
    { name: 'kid in another case', qr: () => signedBy(EVIL, hdr(swapCase(A.kid))), code: 'KEY_UNKNOWN' },
    {
      name: 'iss lookalike (Cyrillic) signed by issuer B',
      qr: () => signedBy(B, hdr(B.kid), payloadOf({ iss: cyrillic(String(payloadA.iss)) })),
      code: 'ISSUER_MISMATCH',
    },
    {
      name: 'iss lookalike (Cyrillic) of B signed by B',
      qr: () => signedBy(B, hdr(B.kid), payloadOf({ iss: cyrillic(OTHER_ISS) })),
      code: 'ISSUER_MISMATCH',
    },
    {
      name: 'iss with a trailing slash',
      qr: () => signedBy(A, hdr(A.kid), payloadOf({ iss: `${String(payloadA.iss)}/` })),
      code: 'ISSUER_MISMATCH',
    },
    {
      name: 'iss in upper case',
      qr: () => signedBy(A, hdr(A.kid), payloadOf({ iss: String(payloadA.iss).toUpperCase() })),
      code: 'ISSUER_MISMATCH',
    },
    {
      // RFC 7515 §4: duplicate header names are rejected or the lexically last one is used: here the last.
      name: 'duplicated kid in the header: the last (the attacker’s) counts',
      qr: () => signedBy(EVIL, `{"alg":"ES256","kid":"${A.kid}","zip":"DEF","kid":"${EVIL.kid}"}`),
      code: 'KEY_UNKNOWN',
    },
    {
      name: 'duplicated kid in the header: the last (the trusted one) counts, the signature is not its',
      qr: () => signedBy(EVIL, `{"alg":"ES256","kid":"${EVIL.kid}","zip":"DEF","kid":"${A.kid}"}`),
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'duplicated alg in the header: the last (none) counts',
      qr: () => signedBy(A, `{"alg":"ES256","kid":"${A.kid}","zip":"DEF","alg":"none"}`),
      code: 'HEADER_INVALID',
    },
    {
      name: 'duplicated iss in the payload, signed by B: the last (A) counts',
      qr: () =>
        signedBy(
          B,
          hdr(B.kid),
          Buffer.from(JSON.stringify(payloadOf({ iss: OTHER_ISS })).replace(/}$/, `,"iss":"${String(payloadA.iss)}"}`)),
        ),
      code: 'ISSUER_MISMATCH',
    },
  ],
  signatures: [
    {
      name: 'DER-encoded signature by the issuer’s key',
      qr: () => signedBy(A, hdr(A.kid), payloadA, { der: true }),
      code: 'SIGNATURE_INVALID',
    },
    { name: 'r = 0', qr: () => withSig(genuine, Buffer.concat([be32(0n), be32(rs(genuine).s)])), code: 'SIGNATURE_INVALID' },
    { name: 's = 0', qr: () => withSig(genuine, Buffer.concat([be32(rs(genuine).r), be32(0n)])), code: 'SIGNATURE_INVALID' },
    { name: 'r = s = 0', qr: () => withSig(genuine, Buffer.alloc(64)), code: 'SIGNATURE_INVALID' },
    { name: 'r = n', qr: () => withSig(genuine, Buffer.concat([be32(P256_N), be32(rs(genuine).s)])), code: 'SIGNATURE_INVALID' },
    { name: 's = n', qr: () => withSig(genuine, Buffer.concat([be32(rs(genuine).r), be32(P256_N)])), code: 'SIGNATURE_INVALID' },
    {
      name: 'r + n (if it fits in 32 bytes)',
      qr: () => withSig(genuine, Buffer.concat([be32(plusN(rs(genuine).r)), be32(rs(genuine).s)])),
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 's + n (if it fits in 32 bytes)',
      qr: () => withSig(genuine, Buffer.concat([be32(rs(genuine).r), be32(plusN(rs(genuine).s))])),
      code: 'SIGNATURE_INVALID',
    },
    { name: 'r = s = 2^256 − 1', qr: () => withSig(genuine, Buffer.alloc(64, 0xff)), code: 'SIGNATURE_INVALID' },
    {
      name: 'r and s swapped',
      qr: () => withSig(genuine, Buffer.concat([sigOf(genuine).subarray(32), sigOf(genuine).subarray(0, 32)])),
      code: 'SIGNATURE_INVALID',
    },
    { name: '63 bytes', qr: () => withSig(genuine, sigOf(genuine).subarray(0, 63)), code: 'SIGNATURE_INVALID' },
    { name: '65 bytes', qr: () => withSig(genuine, Buffer.concat([sigOf(genuine), Buffer.from([0])])), code: 'SIGNATURE_INVALID' },
    {
      name: '65 bytes (leading zero)',
      qr: () => withSig(genuine, Buffer.concat([Buffer.from([0]), sigOf(genuine)])),
      code: 'SIGNATURE_INVALID',
    },
    { name: '32 bytes', qr: () => withSig(genuine, sigOf(genuine).subarray(0, 32)), code: 'SIGNATURE_INVALID' },
    { name: '128 bytes', qr: () => withSig(genuine, Buffer.concat([sigOf(genuine), sigOf(genuine)])), code: 'SIGNATURE_INVALID' },
    { name: '1 byte', qr: () => withSig(genuine, Buffer.from([1])), code: 'SIGNATURE_INVALID' },
    { name: 'empty', qr: () => withSig(genuine, ''), code: 'JWS_MALFORMED' },
    // (Deterministic: base64url digits plus '=' padding, which the shc digits can carry too.)
    { name: 'base64url with padding', qr: () => withSig(genuine, B64(sigOf(genuine)) + '=='), code: 'JWS_MALFORMED' },
    { name: 'non-canonical last base64url character', qr: () => withSig(genuine, nonCanonical(sigOf(genuine))), code: 'SIGNATURE_INVALID' },
    { name: 'one bit flipped', qr: () => withSig(genuine, flip(sigOf(genuine))), code: 'SIGNATURE_INVALID' },
    {
      name: 'the issuer’s signature transplanted onto another payload',
      qr: () => `${B64(JSON.stringify(hdr(A.kid)))}.${B64(deflated(payloadOf({ nbf: Number(payloadA.nbf) + 1 })))}.${B64(sigOf(genuine))}`,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'a signature by the issuer’s key over the payload only',
      qr: () => withSig(genuine, sign('sha256', Buffer.from(genuine.split('.')[1]!), { key: A.privateKey, dsaEncoding: 'ieee-p1363' })),
      code: 'SIGNATURE_INVALID',
    },
    { name: 'four parts', qr: () => `${genuine}.${B64('x')}`, code: 'JWS_MALFORMED' },
  ],
  'bombs and sizes': [
    {
      name: 'deflate bomb: 64 KiB of JSON in a few hundred bytes, signed by the issuer',
      qr: () => signedBy(A, hdr(A.kid), payloadOf({ pad: 'a'.repeat(64 * 1024) })),
      code: 'PAYLOAD_INVALID',
    },
    {
      name: 'deflate bomb: just over the 16 KiB cap',
      qr: () => signedBy(A, hdr(A.kid), Buffer.from(JSON.stringify(payloadOf({ pad: '' })).padEnd(16 * 1024 + 1, ' '))),
      code: 'PAYLOAD_INVALID',
    },
    {
      name: 'deflate bomb: 2 MiB of zeros (too long to be a card)',
      qr: () => `${B64(JSON.stringify(hdr(A.kid)))}.${B64(deflateRawSync(Buffer.alloc(2 << 20), { level: 9 }))}.${B64(sigOf(genuine))}`,
      code: 'JWS_MALFORMED',
      shcCode: 'QR_MALFORMED',
    },
    { name: 'zlib-wrapped payload', qr: () => signedBy(A, hdr(A.kid), payloadA, { compression: 'zlib' }), code: 'PAYLOAD_INVALID' },
    {
      name: 'gzip payload',
      qr: () => signJws(gzipSync(Buffer.from(JSON.stringify(payloadA))), A, { header: hdr(A.kid), compression: 'none' }),
      code: 'PAYLOAD_INVALID',
    },
    {
      name: 'uncompressed JSON under zip DEF',
      qr: () => signedBy(A, hdr(A.kid), { iss: payloadA.iss, nbf: payloadA.nbf }, { compression: 'none' }),
      code: 'PAYLOAD_INVALID',
    },
    {
      name: 'an uncompressed card (too long)',
      qr: () => signedBy(A, hdr(A.kid), payloadA, { compression: 'none' }),
      code: 'JWS_MALFORMED',
    },
    {
      name: 'deflate of deflate',
      qr: () => signJws(deflateRawSync(deflated(payloadA)), A, { header: hdr(A.kid), compression: 'none' }),
      code: 'PAYLOAD_INVALID',
    },
    { name: 'payload a JSON array', qr: () => signedBy(A, hdr(A.kid), [payloadA]), code: 'PAYLOAD_INVALID' },
    { name: 'payload not UTF-8', qr: () => signedBy(A, hdr(A.kid), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), code: 'PAYLOAD_INVALID' },
    { name: 'payload empty', qr: () => signedBy(A, hdr(A.kid), Buffer.alloc(0)), code: 'PAYLOAD_INVALID' },
    {
      name: 'payload 4,000 arrays deep (within the cap)',
      qr: () =>
        signedBy(
          A,
          hdr(A.kid),
          Buffer.from(JSON.stringify(payloadOf({ vc: 0 })).replace('"vc":0', `"vc":${'['.repeat(4000)}${']'.repeat(4000)}`)),
        ),
      code: 'CREDENTIAL_INVALID',
    },
    {
      name: 'a validly signed JWS over 1195 characters',
      qr: () => signedBy(A, hdr(A.kid), payloadOf({ pad: randomText(900) })),
      code: 'JWS_MALFORMED',
    },
    { name: 'QR text over 4096 characters', qr: () => 'shc:/' + '56'.repeat(2100), code: 'QR_MALFORMED' },
    { name: 'chunked shc:/1/2/', qr: () => `shc:/1/2/${toShc(genuine).slice(5)}`, code: 'CHUNKED_QR' },
    { name: 'shc digits with a pair above 77', qr: () => toShc(genuine).slice(0, -2) + '99', code: 'QR_MALFORMED' },
    { name: 'shc digits odd count', qr: () => toShc(genuine) + '1', code: 'QR_MALFORMED' },
    {
      name: 'shc with full-width digits',
      qr: () =>
        'shc:/' +
        toShc(genuine)
          .slice(5)
          .replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      code: 'QR_MALFORMED',
    },
    { name: 'SHC:/ in capitals', qr: () => 'SHC:/' + toShc(genuine).slice(5), code: 'QR_MALFORMED' },
  ],
};

function plusN(v: bigint): bigint {
  const w = v + P256_N;
  return w < 1n << 256n ? w : P256_N + 1n;
}
function flip(b: Buffer): Buffer {
  const c = Buffer.from(b);
  c[5] = c[5]! ^ 0x10;
  return c;
}
function nonCanonical(b: Buffer): string {
  const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const t = B64(b);
  return t.slice(0, -1) + ALPHA[ALPHA.indexOf(t.at(-1)!) | 1]!;
}
function cyrillicKid(): string {
  // Latin letters with Cyrillic twins: a e o p c x (lower) and A E O P C X (upper).
  const twins: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', A: 'А', E: 'Е', O: 'О', P: 'Р', C: 'С', X: 'Х' };
  const i = [...A.kid].findIndex((ch) => ch in twins);
  return i === -1 ? 'а' + A.kid.slice(1) : A.kid.slice(0, i) + twins[A.kid[i]!]! + A.kid.slice(i + 1);
}
function fullWidth(s: string): string {
  return s.replace(/[A-Za-z0-9]/, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}
function swapCase(s: string): string {
  const i = [...s].findIndex((ch) => /[A-Za-z]/.test(ch));
  const ch = s[i]!;
  return s.slice(0, i) + (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) + s.slice(i + 1);
}
/** Text that does not compress (so the JWS really is long). */
function randomText(n: number): string {
  let x = 12345;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out += String.fromCharCode(0x21 + (x % 90));
  }
  return out.replace(/["\\]/g, 'a');
}

/** Both framings: the `shc:/` digits a camera reads and the bare JWS a file or scanner gives. */
const framings = (jws: string) => (jws.startsWith('shc:/') || jws.startsWith('SHC:/') ? [jws] : [toShc(jws), jws]);

let forgedAttempts = 0;

describe('controls: genuine cards are accepted', () => {
  it('issuer A’s card, its high-S twin, and issuer B’s own card', async () => {
    for (const qr of [toShc(genuine), toShc(highSTwin(genuine)), toShc(signedBy(B, hdr(B.kid), payloadOf({ iss: OTHER_ISS })))]) {
      const r = await k.request('POST', '/api/verify', { body: { qr } });
      expect([r.status, r.json.verdict, r.json.code]).toEqual([200, 'accepted', 'OK']);
    }
  });
});

for (const [family, cases] of Object.entries(CASES)) {
  describe(`forged cards: ${family}`, () => {
    for (const c of cases) {
      it(`${c.name} → ${c.code}${c.shcCode ? ` (shc: ${c.shcCode})` : ''}`, async () => {
        for (const qr of framings(c.qr())) {
          const code = qr.startsWith('shc:/') ? (c.shcCode ?? c.code) : c.code;
          const v = await k.request('POST', '/api/verify', { body: { qr } });
          expect([v.status, v.json.verdict, v.json.code], `verify ${qr.slice(0, 60)}`).toEqual([200, 'rejected', code]);
          expect(v.json.card).toBeUndefined();
          const ci = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
          expect([ci.status, ci.json.code, ci.json.result.code]).toEqual([422, 'CARD_REJECTED', code]);
          forgedAttempts++;
        }
      });
    }
  });
}

describe('the request layer', () => {
  it('a qr field over 8192 characters → 400 FIELD_TOO_LONG; a body over 16 KiB → 413 BODY_TOO_LARGE', async () => {
    for (const path of ['/api/verify', '/api/check-ins']) {
      const long = await k.request('POST', path, { cookie: k.cookies.receptionist, body: { qr: 'shc:/' + '5'.repeat(9000) } });
      expect([long.status, long.json.code]).toEqual([400, 'FIELD_TOO_LONG']);
      const big = await k.request('POST', path, { cookie: k.cookies.receptionist, body: { qr: 'x', pad: 'y'.repeat(17 * 1024) } });
      expect([big.status, big.json.code]).toEqual([413, 'BODY_TOO_LARGE']);
    }
  });

  it('a qr that is not a string, or extra members → 400', async () => {
    for (const body of [{ qr: 5 }, { qr: ['shc:/00'] }, { qr: { $gt: '' } }]) {
      const r = await k.request('POST', '/api/verify', { body });
      expect([r.status, r.json.code]).toEqual([400, 'FIELD_INVALID']);
    }
    const extra = await k.request('POST', '/api/verify', { body: { qr: toShc(genuine), trusted: true } });
    expect([extra.status, extra.json.code]).toEqual([400, 'FIELD_UNKNOWN']);
  });
});

describe('afterwards', () => {
  it('every forged card was an attempt, none a visit; the chain is intact', async () => {
    expect(forgedAttempts).toBeGreaterThan(150);
    const { db } = await openKioskDatabase(k.dataDir, NOW);
    try {
      const rows = await db.all<{ verdict: string; n: number }>('SELECT verdict, count(*) AS n FROM visits GROUP BY verdict');
      expect(rows).toEqual([{ verdict: 'rejected', n: forgedAttempts }]);
      expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM sync_outbox'))!.n).toBe(0);
    } finally {
      await db.close();
    }
    expect(await integrity(k)).toEqual({ intact: true, count: forgedAttempts });
  });
});
