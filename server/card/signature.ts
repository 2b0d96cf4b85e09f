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

/** The raw r‖s bytes, or undefined when not exactly 64 bytes in canonical base64url. */
function decodeSignature(signatureB64: string): Buffer | undefined {
  const sig = Buffer.from(signatureB64, 'base64url');
  if (sig.length !== ES256_SIG_BYTES) return undefined;
  // Canonical encoding only: the last of 86 characters has 4 unused bits, and accepting them
  // non-zero would give one card several valid texts (a malleable signature encoding).
  if (sig.toString('base64url') !== signatureB64) return undefined;
  return sig;
}

export function verifyEs256(signingInput: string, signatureB64: string, key: TrustedKey): boolean {
  const sig = decodeSignature(signatureB64);
  if (sig === undefined) return false;
  try {
    return verify('sha256', Buffer.from(signingInput, 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    // A key of the wrong type cannot be in a valid snapshot; refuse rather than crash.
    return false;
  }
}

/**
 * The same check with node:crypto's callback form, which runs the ECDSA operation on libuv's
 * thread pool: for the HTTP service, so the event loop is not blocked while a signature is
 * checked. Resolves false (never rejects) exactly where verifyEs256 returns false.
 */
export function verifyEs256Async(signingInput: string, signatureB64: string, key: TrustedKey): Promise<boolean> {
  const sig = decodeSignature(signatureB64);
  if (sig === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify('sha256', Buffer.from(signingInput, 'latin1'), { key: key.key, dsaEncoding: 'ieee-p1363' }, sig, (err, ok) =>
        resolve(!err && ok),
      );
    } catch {
      resolve(false);
    }
  });
}
