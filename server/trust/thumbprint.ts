import { createHash } from 'node:crypto';

/**
 * RFC 7638 SHA-256 thumbprint of an EC public key, base64url: the `kid` rule of the card format.
 * Synchronous (jose's calculateJwkThumbprint is async); test/server/trust checks both agree.
 */
export function ecThumbprint(jwk: { crv: string; x: string; y: string }): string {
  // Members in lexicographic order, no whitespace: exactly what RFC 7638 §3 hashes.
  const canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
