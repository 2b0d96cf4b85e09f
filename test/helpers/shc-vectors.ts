/** The SMART Health Cards public vectors (../shared/vectors) and a trust snapshot for their issuer. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildTrustSnapshot } from '../../server/trust/build-snapshot.js';
import type { TrustSnapshot } from '../../server/trust/types.js';

export const VECTORS = path.resolve(process.cwd(), '../shared/vectors');
export const SHC_ISS = 'https://spec.smarthealth.cards/examples/issuer';
export const KID_1 = '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s';
export const KID_2 = 'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw';

export function vector(rel: string): string {
  return readFileSync(path.join(VECTORS, rel), 'utf8');
}

export function vectorJson(rel: string): unknown {
  return JSON.parse(vector(rel));
}

/** Trust store with the spec issuer's two keys and its revocation list for KID_1. */
export function shcTrust(opts: { updatedAt?: string; crlCheckedAt?: string } = {}): TrustSnapshot {
  const jwks = vectorJson('shc-spec/issuer/.well-known/jwks.json');
  const crl = vectorJson(`shc-spec/issuer/.well-known/crl/${KID_1}.json`);
  return buildTrustSnapshot({
    updatedAt: opts.updatedAt ?? '2026-11-24T00:00:00Z',
    ...(opts.crlCheckedAt ? { crlCheckedAt: opts.crlCheckedAt } : {}),
    issuers: [{ iss: SHC_ISS, name: 'SMART Health Cards spec examples', jwks, crl: { [KID_1]: crl } }],
  });
}
