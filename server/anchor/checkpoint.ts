/**
 * A checkpoint as signed and as checked: the kiosk's two log heads (visits, card checks) in a
 * compact JWS (server/wire/checkpoints.ts). One module for both sides so the kiosk, the store
 * and the audit CLI cannot disagree on the format.
 *
 * Checking pins everything the way the card verifier does: ES256 only, the exact `typ`, no
 * `crit`, a P-256 public JWK with no private part, `kid` equal to that key's thumbprint, and a
 * payload with exactly the known fields. The key the signature is checked against is given by
 * the caller (the store's pinned key); the embedded `jwk` is only a proposal for the first pin.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, compactVerify, decodeProtectedHeader, type JWK } from 'jose';
import { AppError } from '../errors.js';
import { isFacilityCode } from '../lib/facility-code.js';
import { CHECKPOINT_TYP, MAX_CHECKPOINT_CHARS, type ChainHeadClaim, type CheckpointClaims } from '../wire/checkpoints.js';
import { GENESIS_HASH } from '../visits/chain.js';

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const HASH = /^[0-9a-f]{64}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const HEADER_FIELDS = ['alg', 'typ', 'kid', 'jwk'];
const CLAIM_FIELDS = ['v', 'facility', 'visits', 'cardChecks', 'signedAt'];

/** Why a text is not a checkpoint; `code` is always CHECKPOINT_INVALID, `detail` is safe to show. */
export class CheckpointInvalid extends AppError {
  constructor(detail: string) {
    super('CHECKPOINT_INVALID', `Not a checkpoint: ${detail}.`, { detail });
    this.name = 'CheckpointInvalid';
  }
}

/** The public half of a P-256 key as a minimal JWK (kty, crv, x, y), whatever it came from. */
export function publicJwk(key: KeyObject): JWK {
  const j = createPublicKey(key).export({ format: 'jwk' });
  if (j.kty !== 'EC' || j.crv !== 'P-256') throw new Error('the kiosk key must be an EC P-256 key');
  return { kty: 'EC', crv: 'P-256', x: j.x!, y: j.y! };
}

export function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! }, 'sha256');
}

export async function signCheckpoint(claims: CheckpointClaims, privateKey: KeyObject): Promise<string> {
  const jwk = publicJwk(privateKey);
  const kid = await jwkThumbprint(jwk);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: CHECKPOINT_TYP, kid, jwk })
    .sign(privateKey);
}

/** What a checkpoint's header proposes: its key and that key's thumbprint (checked to match `kid`). */
export interface CheckpointKey {
  thumbprint: string;
  jwk: JWK;
}

/** Reads the header and the key it names, without trusting either yet. Throws CheckpointInvalid. */
export async function checkpointKey(jws: unknown): Promise<CheckpointKey> {
  if (typeof jws !== 'string' || jws.length > MAX_CHECKPOINT_CHARS || !COMPACT.test(jws)) throw new CheckpointInvalid('not a compact JWS');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new CheckpointInvalid('unreadable header');
  }
  if (Object.keys(header).some((k) => !HEADER_FIELDS.includes(k))) throw new CheckpointInvalid('unexpected header field');
  if (header.alg !== 'ES256') throw new CheckpointInvalid('alg must be ES256');
  if (header.typ !== CHECKPOINT_TYP) throw new CheckpointInvalid(`typ must be ${CHECKPOINT_TYP}`);
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (
    typeof jwk !== 'object' ||
    jwk === null ||
    Object.keys(jwk).sort().join(',') !== 'crv,kty,x,y' ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string'
  ) {
    throw new CheckpointInvalid('jwk must be a P-256 public key (kty, crv, x, y only)');
  }
  const key = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  let thumbprint: string;
  try {
    createPublicKey({ key, format: 'jwk' });
    thumbprint = await jwkThumbprint(key);
  } catch {
    throw new CheckpointInvalid('jwk is not a point on P-256');
  }
  if (header.kid !== thumbprint) throw new CheckpointInvalid("kid must be the key's RFC 7638 thumbprint");
  return { thumbprint, jwk: key };
}

function chainHead(v: unknown, name: string): ChainHeadClaim {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Object.keys(o).sort().join(',') !== 'hash,seq')
    throw new CheckpointInvalid(`${name} must be { seq, hash }`);
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 0) throw new CheckpointInvalid(`${name}.seq must be a whole number ≥ 0`);
  if (typeof o.hash !== 'string' || !HASH.test(o.hash)) throw new CheckpointInvalid(`${name}.hash must be 64 lowercase hex characters`);
  if (((o.seq as number) === 0) !== (o.hash === GENESIS_HASH))
    throw new CheckpointInvalid(`${name}: seq 0 goes with the genesis hash only`);
  return { seq: o.seq as number, hash: o.hash };
}

/**
 * Checks the signature against `jwk` (the key the caller trusts for this kiosk) and returns the
 * claims. Throws CheckpointInvalid for anything else.
 */
export async function verifyCheckpoint(jws: string, jwk: JWK): Promise<CheckpointClaims> {
  await checkpointKey(jws); // the header's rules (size, alg, typ, no other field, kid): the same for every caller
  let payload: Uint8Array;
  try {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, format: 'jwk' });
    let header;
    ({ payload, protectedHeader: header } = await compactVerify(jws, key, { algorithms: ['ES256'] }));
    if (header.typ !== CHECKPOINT_TYP) throw new Error('typ');
  } catch {
    throw new CheckpointInvalid('the signature does not verify with the kiosk key');
  }
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as Record<string, unknown>;
  } catch {
    throw new CheckpointInvalid('payload is not JSON');
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new CheckpointInvalid('payload must be an object');
  if (Object.keys(c).sort().join(',') !== [...CLAIM_FIELDS].sort().join(','))
    throw new CheckpointInvalid(`payload must have exactly ${CLAIM_FIELDS.join(', ')}`);
  if (c.v !== 1) throw new CheckpointInvalid('v must be 1');
  if (!isFacilityCode(c.facility)) throw new CheckpointInvalid('facility must be a 5-character facility code');
  // Date.parse rolls impossible dates over (02-30 → 03-02, 24:00 → the next day): the instant must print back as written.
  if (
    typeof c.signedAt !== 'string' ||
    !ISO_INSTANT.test(c.signedAt) ||
    !Number.isFinite(Date.parse(c.signedAt)) ||
    new Date(Date.parse(c.signedAt)).toISOString().slice(0, 19) !== c.signedAt.slice(0, 19)
  )
    throw new CheckpointInvalid('signedAt must be an ISO-8601 UTC instant');
  return {
    v: 1,
    facility: c.facility,
    visits: chainHead(c.visits, 'visits'),
    cardChecks: chainHead(c.cardChecks, 'cardChecks'),
    signedAt: c.signedAt,
  };
}
