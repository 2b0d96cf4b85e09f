/**
 * The store's side of the kiosks' checkpoints (server/wire/checkpoints.ts): per kiosk (one per
 * API key: its `slot`), the pinned key and every checkpoint accepted. `recordCheckpoint` is the
 * one procedure both backends run; each backend supplies only its SQL (CheckpointTables), inside
 * a transaction that serialises one slot's checkpoints.
 */
import { checkpointKey, verifyCheckpoint, CheckpointInvalid } from '../anchor/checkpoint.js';
import { judgeCheckpoint, type HeldFacts } from '../anchor/consistency.js';
import type { AnchoredCheckpoint, CheckpointAnswer, CheckpointClaims, CheckpointPage } from '../wire/checkpoints.js';

export interface PinnedKey {
  thumbprint: string;
  jwk: Record<string, string>;
}

export interface NewCheckpoint {
  slot: string;
  claims: CheckpointClaims;
  jws: string;
  receivedAt: number;
}

/** One slot's rows, within the backend's transaction. */
export interface CheckpointTables {
  pinnedKey(slot: string): Promise<PinnedKey | undefined>;
  /** Pins the slot's key, replacing a pinned one (a re-registered key). */
  pinKey(slot: string, facility: string, key: PinnedKey, at: number): Promise<void>;
  facts(slot: string, claims: CheckpointClaims): Promise<HeldFacts>;
  insert(c: NewCheckpoint): Promise<void>;
  /** The exact checkpoint was sent again: its last-seen time moves. */
  touch(slot: string, claims: CheckpointClaims, at: number): Promise<void>;
}

export interface CheckpointLedger {
  /** Runs `fn` in one transaction holding the slot's lock. */
  inSlot<T>(slot: string, fn: (t: CheckpointTables) => Promise<T>): Promise<T>;
  /** The slot's pinned key and checkpoints after `after` (oldest first), at most `limit`. */
  list(slot: string, after: number, limit: number): Promise<CheckpointPage>;
}

export interface CheckpointCaller {
  facility: string;
  slot: string;
  /** A thumbprint registered beside the API key: the only key this slot may pin. */
  registeredKey?: string;
}

export interface RecordOutcome {
  answer: CheckpointAnswer;
  /** Set when the store pinned the kiosk's key just now (first use). */
  pinned?: string;
}

/**
 * Checks a checkpoint (format, key, signature, facility), then judges it against what the slot
 * holds and records it. Every refusal is an answer, not a throw: the caller decides whether it
 * fails the request (POST /v1/checkpoints) or only reports it (a batch's header).
 */
export async function recordCheckpoint(
  ledger: CheckpointLedger,
  caller: CheckpointCaller,
  jws: unknown,
  now: number,
): Promise<RecordOutcome> {
  let claims: CheckpointClaims;
  let proposed: PinnedKey;
  try {
    const key = await checkpointKey(jws);
    proposed = { thumbprint: key.thumbprint, jwk: key.jwk as Record<string, string> };
    // The signature is checked with the proposed key; below, that key must be the slot's.
    claims = await verifyCheckpoint(jws as string, key.jwk);
  } catch (err) {
    if (err instanceof CheckpointInvalid) return { answer: { status: 'refused', code: 'CHECKPOINT_INVALID', detail: err.detail } };
    throw err;
  }
  if (claims.facility !== caller.facility) {
    return {
      answer: { status: 'refused', code: 'CHECKPOINT_FACILITY', detail: "the checkpoint names another facility than the API key's" },
    };
  }
  const mismatch: RecordOutcome = {
    answer: { status: 'refused', code: 'CHECKPOINT_KEY_MISMATCH', detail: 'signed by another key than the one this API key is pinned to' },
  };
  if (caller.registeredKey !== undefined && caller.registeredKey !== proposed.thumbprint) return mismatch;
  return ledger.inSlot(caller.slot, async (t) => {
    const pinnedKey = await t.pinnedKey(caller.slot);
    let pinned: string | undefined;
    // A key registered beside the API key outranks one pinned on first use: that is how the
    // agency re-registers a kiosk whose key was lost (the held checkpoints still bind it).
    const reRegistered =
      pinnedKey !== undefined && pinnedKey.thumbprint !== proposed.thumbprint && caller.registeredKey === proposed.thumbprint;
    if (pinnedKey && pinnedKey.thumbprint !== proposed.thumbprint && !reRegistered) return mismatch;
    if (!pinnedKey || reRegistered) {
      await t.pinKey(caller.slot, caller.facility, proposed, now);
      pinned = proposed.thumbprint;
    }
    const judgement = judgeCheckpoint(claims, await t.facts(caller.slot, claims));
    if (judgement.kind === 'refused') return { answer: { status: 'refused', code: judgement.code, detail: judgement.detail } };
    if (judgement.kind === 'recorded') await t.insert({ slot: caller.slot, claims, jws: jws as string, receivedAt: now });
    else await t.touch(caller.slot, claims, now);
    return { answer: { status: judgement.kind }, ...(pinned ? { pinned } : {}) };
  });
}

/** A stored row as the wire shows it. */
export function anchoredFromRow(r: {
  visit_seq: number | string;
  visit_hash: string;
  card_seq: number | string;
  card_hash: string;
  signed_at: string;
  received_at: number | string | Date;
  last_seen_at: number | string | Date;
  jws: string;
}): AnchoredCheckpoint {
  const iso = (v: number | string | Date) => new Date(v instanceof Date ? v : Number(v)).toISOString();
  return {
    visits: { seq: Number(r.visit_seq), hash: r.visit_hash },
    cardChecks: { seq: Number(r.card_seq), hash: r.card_hash },
    signedAt: r.signed_at,
    receivedAt: iso(r.received_at),
    lastSeenAt: iso(r.last_seen_at),
    jws: r.jws,
  };
}
