import type { KeyObject } from 'node:crypto';

/**
 * The in-memory trust store: an immutable snapshot built once from the trust file
 * (../shared/spec/digital-card.md §5) and swapped whole on refresh. Keys are imported once
 * here, never per scan.
 */

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  use?: string;
  alg?: string;
  nbf?: number;
  exp?: number;
  revoked?: boolean;
}

export interface TrustedKey {
  kid: string;
  /** The issuer this key belongs to; a key never vouches for another issuer. */
  iss: string;
  /** Imported once, ready for node:crypto verify with dsaEncoding 'ieee-p1363'. */
  key: KeyObject;
  jwk: PublicJwk;
  /** Key window, seconds since epoch: cards whose nbf falls outside it are KEY_INACTIVE. */
  nbf?: number;
  exp?: number;
  revoked: boolean;
}

/** One key's revocation list (SMART Health Cards CRL, method "rid"). */
export interface RevocationList {
  kid: string;
  method: 'rid';
  ctr: number;
  /** rid → cut-off time in seconds (cards with nbf before it are revoked), or null: all revoked. */
  rids: Map<string, number | null>;
}

export interface TrustedIssuer {
  iss: string;
  name: string;
  /** True for the bundled demo issuer (keys/demo-issuer): shout about it. */
  demo: boolean;
  /** Base URL to refresh jwks/crl from (trust lifecycle issue); optional. */
  refreshUrl?: string;
  keys: TrustedKey[];
  /** kid → revocation list */
  crl: Map<string, RevocationList>;
}

export interface TrustSnapshot {
  /** When the trust content was last updated (ms since epoch), from the file's updatedAt. */
  updatedAt: number;
  /** When revocation lists were last fetched/confirmed fresh (ms); defaults to updatedAt. */
  crlCheckedAt: number;
  issuers: ReadonlyMap<string, TrustedIssuer>;
  keysByKid: ReadonlyMap<string, TrustedKey>;
  /** True when any trusted issuer is the demo issuer. */
  demo: boolean;
}
