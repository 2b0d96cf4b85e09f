/**
 * The store's rule for a new checkpoint, against what it holds for the same kiosk: one home for
 * it, used by both store backends. Each chain is judged on its own, the way a Certificate
 * Transparency monitor judges a log's signed tree heads (RFC 9162): a log only grows, so
 *
 *   - another hash at a sequence number held is a fork (the log was rewritten);
 *   - a sequence number lower than the highest one held is a rollback (the log was cut), even
 *     when that lower head was held once: a log cut back to an old checkpoint is still cut, and
 *     an honest kiosk never sends an older checkpoint after a newer one (it sends one at a time,
 *     server/anchor/anchor.ts). A restore from an old backup is refused too, rightly: the visits
 *     since that backup are gone from the kiosk, and the alarm says so;
 *   - the very same heads as a checkpoint held is a duplicate (an idle kiosk's heartbeat, a
 *     resend after a lost answer);
 *   - anything else is new, and recorded.
 *
 * A hash chain cannot prove that a longer head extends a shorter one without the rows between
 * (that is what a Merkle tree's consistency proof would add): the store cannot tell an honest
 * extension from a rewrite that kept every held hash, which is why `audit verify --store` checks
 * every held checkpoint against the kiosk's rows.
 */
import type { CheckpointClaims, CheckpointRefusal } from '../wire/checkpoints.js';

/** What the store holds for one chain of one kiosk. */
export interface HeldChain {
  /** The highest sequence number held, undefined when none. */
  maxSeq: number | undefined;
  /** The hash held at the candidate's sequence number, if one is held there. */
  hashAtSeq: string | undefined;
}

export interface HeldFacts {
  visits: HeldChain;
  cardChecks: HeldChain;
  /** A checkpoint with exactly the candidate's two heads is held. */
  exact: boolean;
}

export type Judgement = { kind: 'recorded' } | { kind: 'duplicate' } | { kind: 'refused'; code: CheckpointRefusal; detail: string };

export function judgeCheckpoint(candidate: CheckpointClaims, held: HeldFacts): Judgement {
  for (const [name, label] of [
    ['visits', 'visit log'],
    ['cardChecks', 'card-check log'],
  ] as const) {
    const c = candidate[name];
    const h = held[name];
    if (h.hashAtSeq !== undefined && h.hashAtSeq !== c.hash) {
      return { kind: 'refused', code: 'CHECKPOINT_FORK', detail: `the ${label} has another hash at ${c.seq} than the store holds` };
    }
    if (h.maxSeq !== undefined && c.seq < h.maxSeq) {
      return { kind: 'refused', code: 'CHECKPOINT_ROLLBACK', detail: `the ${label} is at ${c.seq}, the store holds ${h.maxSeq}` };
    }
  }
  return held.exact ? { kind: 'duplicate' } : { kind: 'recorded' };
}
