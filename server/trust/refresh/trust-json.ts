/**
 * Turns a trust snapshot back into trust-file JSON (spec §5, everything inline), so a refreshed
 * store can be re-validated by buildTrustSnapshot and written to disk in the very format the
 * kiosk reads at start-up.
 */
import { createHash } from 'node:crypto';
import type { RevocationList, TrustedIssuer, TrustSnapshot } from '../types.js';

export interface CrlJson {
  kid: string;
  method: 'rid';
  ctr: number;
  rids: string[];
}

export interface IssuerJson {
  iss: string;
  name: string;
  demo?: boolean;
  refreshUrl?: string;
  jwks: { keys: Record<string, unknown>[] };
  crl: Record<string, CrlJson>;
}

export interface TrustJson {
  updatedAt: string;
  crlCheckedAt: string;
  issuers: IssuerJson[];
}

export function crlToJson(list: RevocationList): CrlJson {
  const rids = [...list.rids.entries()].map(([rid, cutoff]) => (cutoff === null ? rid : `${rid}.${cutoff}`));
  return { kid: list.kid, method: 'rid', ctr: list.ctr, rids };
}

export function issuerToJson(issuer: TrustedIssuer): IssuerJson {
  const out: IssuerJson = {
    iss: issuer.iss,
    name: issuer.name,
    jwks: { keys: issuer.keys.map((k) => ({ ...k.jwk })) },
    crl: Object.fromEntries([...issuer.crl.values()].map((l) => [l.kid, crlToJson(l)])),
  };
  if (issuer.demo) out.demo = true;
  if (issuer.refreshUrl !== undefined) out.refreshUrl = issuer.refreshUrl;
  return out;
}

export function snapshotToJson(snap: TrustSnapshot): TrustJson {
  return {
    updatedAt: new Date(snap.updatedAt).toISOString(),
    crlCheckedAt: new Date(snap.crlCheckedAt).toISOString(),
    issuers: [...snap.issuers.values()].map(issuerToJson),
  };
}

/** JSON with object keys sorted: equal content gives equal text, whatever the member order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('base64url');
}

/** What an issuer's trust content is, for "did anything change?" (names and times excluded). */
export function issuerContentDigest(issuer: IssuerJson): string {
  const crl = Object.fromEntries(Object.entries(issuer.crl).map(([kid, l]) => [kid, { ...l, rids: [...l.rids].sort() }]));
  return digestOf({ jwks: issuer.jwks, crl });
}
