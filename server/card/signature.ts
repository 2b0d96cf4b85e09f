import { verify } from 'node:crypto';
import type { TrustedKey } from '../trust/types.js';

/**
 * ES256 signature check. The key always comes from the trust snapshot by `kid`, never from the
 * card.
 *
 * Why node:crypto and not jose's compactVerify: the verifier must reach at least 0.6× the raw
 * ECDSA verify throughput (benchmark requirement). node:crypto's one-shot `verify` is
 * synchronous and uses the KeyObject imported once when the trust snapshot was built, so the
 * per-scan cost is essentially the ECDSA operation; jose's compactVerify is async (a promise and
 * WebCrypto round trip per call) and re-does the header/base64 work we already did.
 */

/** ES256 signatures are raw r‖s: exactly 64 bytes. A DER signature (70–72 bytes) is refused. */
const ES256_SIG_BYTES = 64;

export function verifyEs256(signingInput: string, signatureB64: string, key: TrustedKey): boolean {
  const sig = Buffer.from(signatureB64, 'base64url');
  if (sig.length !== ES256_SIG_BYTES) return false;
  // Canonical encoding only: the last of 86 characters has 4 unused bits, and accepting them
  // non-zero would give one card several valid texts (a malleable signature encoding).
  if (sig.toString('base64url') !== signatureB64) return false;
  try {
    return verify('sha256', Buffer.from(signingInput, 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    // A key of the wrong type cannot be in a valid snapshot; refuse rather than crash.
    return false;
  }
}
