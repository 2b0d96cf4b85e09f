import { createPublicKey } from 'node:crypto';
import { TrustStoreError } from '../errors.js';
import { ecThumbprint } from './thumbprint.js';
import type { PublicJwk, RevocationList, TrustedIssuer, TrustedKey, TrustSnapshot } from './types.js';

/**
 * Builds the immutable trust snapshot from the trust file's JSON (with any `jwks`/`crl` paths
 * already replaced by their content). Pure: no I/O. Any malformed key makes the whole file
 * invalid (spec §5): a half-trusted store is worse than a refused one.
 */

/** The bundled demo issuer (keys/demo-issuer/): trusted only for development and tests. */
export const DEMO_ISSUER_ISS = 'https://demo-issuer.bhyt-kiosk.invalid';

const B64URL = /^[A-Za-z0-9_-]+$/;
const RID = /^[A-Za-z0-9_-]{1,24}$/;
const MAX_ISSUERS = 64;
const MAX_KEYS_PER_ISSUER = 64;
const MAX_RIDS_PER_LIST = 1_000_000;

export interface TrustFileJson {
  updatedAt?: unknown;
  crlCheckedAt?: unknown;
  issuers?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSeconds(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Validates one public JWK; pushes problems and returns the key when usable. */
export function parseIssuerKey(raw: unknown, iss: string, where: string, problems: string[]): TrustedKey | undefined {
  if (!isObject(raw)) {
    problems.push(`${where}: not a JSON object`);
    return undefined;
  }
  const start = problems.length;
  if (raw.kty !== 'EC') problems.push(`${where}: kty must be "EC"`);
  if (raw.crv !== 'P-256') problems.push(`${where}: crv must be "P-256"`);
  if ('d' in raw) problems.push(`${where}: carries a private member "d"`);
  for (const m of ['p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const) {
    if (m in raw) problems.push(`${where}: carries a private or foreign member "${m}"`);
  }
  if (typeof raw.x !== 'string' || !B64URL.test(raw.x)) problems.push(`${where}: x is not base64url`);
  if (typeof raw.y !== 'string' || !B64URL.test(raw.y)) problems.push(`${where}: y is not base64url`);
  if (typeof raw.kid !== 'string' || raw.kid.length === 0) problems.push(`${where}: kid missing`);
  if (raw.alg !== undefined && raw.alg !== 'ES256') problems.push(`${where}: alg must be "ES256"`);
  if (raw.use !== undefined && raw.use !== 'sig') problems.push(`${where}: use must be "sig"`);
  if (raw.nbf !== undefined && !isSeconds(raw.nbf)) problems.push(`${where}: nbf must be seconds since epoch`);
  if (raw.exp !== undefined && !isSeconds(raw.exp)) problems.push(`${where}: exp must be seconds since epoch`);
  if (raw.revoked !== undefined && typeof raw.revoked !== 'boolean') problems.push(`${where}: revoked must be a boolean`);
  if (problems.length > start) return undefined;

  const jwk = raw as unknown as PublicJwk;
  const thumb = ecThumbprint(jwk);
  if (jwk.kid !== thumb) {
    problems.push(`${where}: kid is not the key's RFC 7638 thumbprint`);
    return undefined;
  }
  let key;
  try {
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    problems.push(`${where}: not a point on P-256`);
    return undefined;
  }
  const clean: PublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid };
  if (jwk.use !== undefined) clean.use = jwk.use;
  if (jwk.alg !== undefined) clean.alg = jwk.alg;
  if (jwk.nbf !== undefined) clean.nbf = jwk.nbf;
  if (jwk.exp !== undefined) clean.exp = jwk.exp;
  if (jwk.revoked !== undefined) clean.revoked = jwk.revoked;
  const out: TrustedKey = { kid: jwk.kid, iss, key, jwk: clean, revoked: jwk.revoked === true };
  if (jwk.nbf !== undefined) out.nbf = jwk.nbf;
  if (jwk.exp !== undefined) out.exp = jwk.exp;
  return out;
}

/** Validates one revocation list (SMART Health Cards CRL). */
export function parseRevocationList(raw: unknown, kid: string, where: string, problems: string[]): RevocationList | undefined {
  if (!isObject(raw)) {
    problems.push(`${where}: not a JSON object`);
    return undefined;
  }
  const start = problems.length;
  if (raw.kid !== undefined && raw.kid !== kid) problems.push(`${where}: kid does not match the list's key`);
  if (raw.method !== 'rid') problems.push(`${where}: method must be "rid"`);
  if (!Number.isSafeInteger(raw.ctr) || (raw.ctr as number) < 0) problems.push(`${where}: ctr must be a non-negative integer`);
  if (!Array.isArray(raw.rids)) problems.push(`${where}: rids must be an array`);
  else if (raw.rids.length > MAX_RIDS_PER_LIST) problems.push(`${where}: too many rids`);
  if (problems.length > start) return undefined;

  const rids = new Map<string, number | null>();
  for (const [i, entry] of (raw.rids as unknown[]).entries()) {
    if (typeof entry !== 'string') {
      problems.push(`${where}: rids[${i}] is not a string`);
      continue;
    }
    const dot = entry.indexOf('.');
    const rid = dot === -1 ? entry : entry.slice(0, dot);
    const tsText = dot === -1 ? undefined : entry.slice(dot + 1);
    if (!RID.test(rid)) {
      problems.push(`${where}: rids[${i}] is not a base64url rid of at most 24 characters`);
      continue;
    }
    let cutoff: number | null = null;
    if (tsText !== undefined) {
      if (!/^\d{1,12}$/.test(tsText)) {
        problems.push(`${where}: rids[${i}] has a malformed timestamp`);
        continue;
      }
      cutoff = Number(tsText);
    }
    const prev = rids.get(rid);
    // Two entries for one rid: a bare rid (all cards) wins, else the latest cut-off.
    if (prev === null) continue;
    rids.set(rid, cutoff === null ? null : Math.max(prev ?? 0, cutoff));
  }
  return { kid, method: 'rid', ctr: raw.ctr as number, rids };
}

function parseTime(v: unknown, where: string, problems: string[]): number | undefined {
  if (typeof v !== 'string') {
    problems.push(`${where} must be an ISO-8601 date-time`);
    return undefined;
  }
  const t = Date.parse(v);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    problems.push(`${where} must be an ISO-8601 date-time`);
    return undefined;
  }
  return t;
}

export function buildTrustSnapshot(file: TrustFileJson): TrustSnapshot {
  const problems: string[] = [];
  if (!isObject(file)) throw new TrustStoreError(['the trust file is not a JSON object']);
  const updatedAt = parseTime(file.updatedAt, 'updatedAt', problems);
  const crlCheckedAt = file.crlCheckedAt === undefined ? updatedAt : parseTime(file.crlCheckedAt, 'crlCheckedAt', problems);
  const issuers = new Map<string, TrustedIssuer>();
  const keysByKid = new Map<string, TrustedKey>();

  if (!Array.isArray(file.issuers) || file.issuers.length === 0) {
    problems.push('issuers must be a non-empty array');
  } else if (file.issuers.length > MAX_ISSUERS) {
    problems.push(`at most ${MAX_ISSUERS} issuers`);
  } else {
    for (const [i, entry] of file.issuers.entries()) {
      const where = `issuers[${i}]`;
      if (!isObject(entry)) {
        problems.push(`${where}: not a JSON object`);
        continue;
      }
      const iss = entry.iss;
      if (typeof iss !== 'string' || !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(iss) || iss.endsWith('/')) {
        problems.push(`${where}.iss must be an https URL without a trailing slash`);
        continue;
      }
      if (issuers.has(iss)) {
        problems.push(`${where}: issuer ${iss} listed twice`);
        continue;
      }
      if (entry.refreshUrl !== undefined && (typeof entry.refreshUrl !== 'string' || !/^https?:\/\/\S+$/.test(entry.refreshUrl))) {
        problems.push(`${where}.refreshUrl must be an http(s) URL`);
      }
      const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name : iss;
      const jwks = entry.jwks;
      const keys: TrustedKey[] = [];
      if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
        problems.push(`${where}.jwks must be an object with a keys array`);
      } else if (jwks.keys.length > MAX_KEYS_PER_ISSUER) {
        problems.push(`${where}.jwks: at most ${MAX_KEYS_PER_ISSUER} keys`);
      } else {
        for (const [k, rawKey] of jwks.keys.entries()) {
          const key = parseIssuerKey(rawKey, iss, `${where}.jwks.keys[${k}]`, problems);
          if (!key) continue;
          if (keysByKid.has(key.kid)) {
            problems.push(`${where}.jwks.keys[${k}]: duplicate kid ${key.kid}`);
            continue;
          }
          keysByKid.set(key.kid, key);
          keys.push(key);
        }
      }
      const crl = new Map<string, RevocationList>();
      if (entry.crl !== undefined) {
        if (!isObject(entry.crl)) problems.push(`${where}.crl must be an object keyed by kid`);
        else {
          for (const [kid, rawList] of Object.entries(entry.crl)) {
            const list = parseRevocationList(rawList, kid, `${where}.crl[${kid}]`, problems);
            if (list) crl.set(kid, list);
          }
        }
      }
      const issuer: TrustedIssuer = {
        iss,
        name,
        demo: entry.demo === true || iss === DEMO_ISSUER_ISS,
        keys,
        crl,
      };
      if (typeof entry.refreshUrl === 'string') issuer.refreshUrl = entry.refreshUrl.replace(/\/+$/, '');
      issuers.set(iss, issuer);
    }
  }
  if (problems.length > 0) throw new TrustStoreError(problems);
  return Object.freeze({
    updatedAt: updatedAt!,
    crlCheckedAt: crlCheckedAt!,
    issuers,
    keysByKid,
    demo: [...issuers.values()].some((i) => i.demo),
  });
}
