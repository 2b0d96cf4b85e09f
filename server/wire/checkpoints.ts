/**
 * Checkpoints: the kiosk's log heads, signed by the kiosk and anchored at the medical-history
 * store (design: docs/security.md "The visit log's anchor"). Shared by the kiosk
 * (server/anchor/), the store (server/history-store/) and the audit CLI.
 *
 *   POST /v1/visits:batch          header `Bhyt-Checkpoint: <compact JWS>` (optional): every batch
 *                                  carries the kiosk's current checkpoint; the answer's
 *                                  `checkpoint` field says what the store made of it. A refused
 *                                  checkpoint never refuses the batch's visits.
 *   POST /v1/checkpoints           { checkpoint: "<compact JWS>" } → CheckpointAnswer (idle kiosks)
 *   GET  /v1/checkpoints?after=POS&limit=N → CheckpointPage (the caller's kiosk, oldest first)
 *
 * The JWS: protected header { alg: "ES256", typ: CHECKPOINT_TYP, kid: <RFC 7638 thumbprint of
 * jwk>, jwk: <the kiosk's P-256 public key> }, payload CheckpointClaims. The store uses the
 * embedded key only to pin it the first time it hears from an API key; afterwards it must be the
 * pinned (or registered) key.
 */

export const CHECKPOINT_TYP = 'bhyt-checkpoint+jws';
export const CHECKPOINT_HEADER = 'bhyt-checkpoint';
/** A compact JWS of ours is ~700 characters; anything much longer is not one. */
export const MAX_CHECKPOINT_CHARS = 4096;
export const MAX_CHECKPOINT_PAGE = 1000;

/** One hash chain's head: the last entry's sequence number and hash (0 and 64 zeros when empty). */
export interface ChainHeadClaim {
  seq: number;
  hash: string;
}

export interface CheckpointClaims {
  v: 1;
  /** The facility (mã cơ sở KCB) the kiosk speaks for: must be the API key's. */
  facility: string;
  /** The visit log's hash chain. */
  visits: ChainHeadClaim;
  /** The card-check log's hash chain. */
  cardChecks: ChainHeadClaim;
  /** When the kiosk signed it, ISO-8601. */
  signedAt: string;
}

/**
 * What the store made of a checkpoint. `recorded`: new, kept. `duplicate`: the same heads as one
 * it holds. `refused` with a code: it contradicts what the store holds (CHECKPOINT_ROLLBACK,
 * CHECKPOINT_FORK), is signed by another key (CHECKPOINT_KEY_MISMATCH), names another facility
 * (CHECKPOINT_FACILITY) or is not a checkpoint (CHECKPOINT_INVALID).
 */
export type CheckpointStatus = 'recorded' | 'duplicate' | 'refused';

export type CheckpointRefusal =
  'CHECKPOINT_INVALID' | 'CHECKPOINT_KEY_MISMATCH' | 'CHECKPOINT_FACILITY' | 'CHECKPOINT_ROLLBACK' | 'CHECKPOINT_FORK';

export interface CheckpointAnswer {
  status: CheckpointStatus;
  code?: CheckpointRefusal;
  detail?: string;
}

/** A checkpoint the store holds. */
export interface AnchoredCheckpoint {
  visits: ChainHeadClaim;
  cardChecks: ChainHeadClaim;
  signedAt: string;
  receivedAt: string;
  /** Last time the kiosk sent these same heads again (an idle kiosk's heartbeat). */
  lastSeenAt: string;
  /** The checkpoint as signed, for anyone to verify against `kioskKey`. */
  jws: string;
}

export interface CheckpointPage {
  /** The kiosk key pinned (or registered) for this API key: its thumbprint and public JWK; null before the first checkpoint. */
  kioskKey: { thumbprint: string; jwk: Record<string, string> } | null;
  items: AnchoredCheckpoint[];
  /** `after` for the next page (the store's position, opaque), or null. */
  next: number | null;
}

/** `anchor` in the kiosk's /api/status (server/anchor/anchor.ts). */
export interface AnchorStatus {
  enabled: true;
  kioskKey: string;
  /** The last checkpoint the store accepted (the kiosk's memory of it). */
  lastAnchored: { visits: ChainHeadClaim; cardChecks: ChainHeadClaim; signedAt: string; anchoredAt: string } | null;
  lastAttemptAt: string | null;
  /** The last refusal's code (CHECKPOINT_ROLLBACK, …) until a checkpoint is accepted again. */
  refused: string | null;
  /** The last transport failure's code, until a checkpoint gets through. */
  lastError: string | null;
}
