/**
 * The on-disk layout of an issuer directory (keys/README.md describes it for people):
 *
 *   <dir>/issuer.json                      { iss, name, demo }
 *   <dir>/private/DEMO-ONLY-<kid>.jwk.json private keys (never served, never trusted)
 *   <dir>/.well-known/jwks.json            public keys with their nbf/exp window
 *   <dir>/.well-known/crl/<kid>.json       revocation list per key (method "rid")
 *
 * `.well-known/` is exactly what a real issuer publishes under its `iss` URL, so a later
 * `serve` command can hand that folder out unchanged.
 */
import { join } from 'node:path';

export const DEFAULT_ISSUER_DIR = 'keys/demo-issuer';

export interface IssuerPaths {
  dir: string;
  meta: string;
  privateDir: string;
  wellKnown: string;
  jwks: string;
  crlDir: string;
  crl(kid: string): string;
  privateKey(kid: string): string;
}

const KID = /^[A-Za-z0-9_-]{43}$/;

/** A kid becomes part of file names: allow only the base64url SHA-256 thumbprint shape. */
export function isKidShape(kid: string): boolean {
  return KID.test(kid);
}

export function issuerPaths(dir: string): IssuerPaths {
  const wellKnown = join(dir, '.well-known');
  const crlDir = join(wellKnown, 'crl');
  const privateDir = join(dir, 'private');
  const safe = (kid: string) => {
    if (!isKidShape(kid)) throw new Error('kid is not a base64url SHA-256 thumbprint');
    return kid;
  };
  return {
    dir,
    meta: join(dir, 'issuer.json'),
    privateDir,
    wellKnown,
    jwks: join(wellKnown, 'jwks.json'),
    crlDir,
    crl: (kid) => join(crlDir, `${safe(kid)}.json`),
    // The name itself says what the file is, for anyone who stumbles on it in a repository.
    privateKey: (kid) => join(privateDir, `DEMO-ONLY-${safe(kid)}.jwk.json`),
  };
}
