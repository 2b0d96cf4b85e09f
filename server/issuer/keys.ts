/**
 * Issuer signing keys: generation (P-256, kid = RFC 7638 thumbprint) and the private-key file
 * format. The private file carries a `_warning` member and a DEMO-ONLY file name: these keys
 * are committed to the repository for development, so they must never be trusted for real.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { AppError } from '../errors.js';
import { ecThumbprint } from '../trust/thumbprint.js';
import type { PublicJwk } from '../trust/types.js';

export const DEMO_KEY_WARNING = 'DEMO ONLY — never trust in production';

export interface PrivateJwkFile {
  _warning: string;
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface KeyWindow {
  /** seconds since epoch */
  nbf?: number;
  /** seconds since epoch */
  exp?: number;
}

export interface GeneratedKey {
  kid: string;
  publicJwk: PublicJwk;
  privateJwk: PrivateJwkFile;
}

/** Generates a P-256 key pair; the public JWK carries the key's validity window. */
export async function generateIssuerKey(window: KeyWindow = {}): Promise<GeneratedKey> {
  if (window.nbf !== undefined && window.exp !== undefined && window.exp <= window.nbf) {
    throw new AppError('ISSUER_KEY_INVALID', 'key exp must be after nbf');
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  if (pub.kty !== 'EC' || pub.crv !== 'P-256' || !pub.x || !pub.y || !priv.d) {
    throw new AppError('ISSUER_KEY_INVALID', 'generated key is not an EC P-256 key');
  }
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  // The kiosk computes kids with its own synchronous thumbprint: both must agree, always.
  if (kid !== ecThumbprint({ crv: pub.crv, x: pub.x, y: pub.y })) {
    throw new AppError('ISSUER_KEY_INVALID', 'jose and ecThumbprint disagree on the kid');
  }
  const publicJwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, use: 'sig', alg: 'ES256' };
  if (window.nbf !== undefined) publicJwk.nbf = window.nbf;
  if (window.exp !== undefined) publicJwk.exp = window.exp;
  const privateJwk: PrivateJwkFile = {
    _warning: DEMO_KEY_WARNING,
    kty: 'EC',
    crv: 'P-256',
    x: pub.x,
    y: pub.y,
    d: priv.d,
    kid,
    alg: 'ES256',
    use: 'sig',
  };
  return { kid, publicJwk, privateJwk };
}

/** Imports a private-key file's JWK, checking that its kid is its thumbprint. */
export function privateKeyFromJwk(raw: unknown, where: string): { kid: string; key: KeyObject } {
  const j = raw as Partial<PrivateJwkFile> | null;
  if (
    typeof j !== 'object' ||
    j === null ||
    j.kty !== 'EC' ||
    j.crv !== 'P-256' ||
    typeof j.x !== 'string' ||
    typeof j.y !== 'string' ||
    typeof j.d !== 'string' ||
    typeof j.kid !== 'string'
  ) {
    throw new AppError('ISSUER_DIR_INVALID', `${where} is not an EC P-256 private JWK`);
  }
  if (ecThumbprint({ crv: j.crv, x: j.x, y: j.y }) !== j.kid) {
    throw new AppError('ISSUER_DIR_INVALID', `${where}: kid is not the key's thumbprint`);
  }
  try {
    const key = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: j.x, y: j.y, d: j.d }, format: 'jwk' });
    return { kid: j.kid, key };
  } catch (err) {
    throw new AppError('ISSUER_DIR_INVALID', `${where} is not a usable P-256 key`, undefined, { cause: err });
  }
}
