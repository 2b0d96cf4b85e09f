/**
 * The transactional outbox's contract, whatever the destination: the medical-history store
 * (server/sync/) and the agency portal's check-in records (server/check-in-report/) are two
 * destinations of the same mechanism. The visit writer puts one row per destination in the same
 * statement as the visit; a repository reads pending rows as payloads and records outcomes; a
 * destination sends a batch and says, per item, what became of it; the worker (worker.ts) moves
 * them with the guarantees both need.
 */

export type OutboxState = 'pending' | 'sent' | 'parked';

/** A pending visit in its destination's wire shape. */
export interface OutboxItem<P> {
  seq: number;
  visitId: string;
  payload: P;
}

/**
 * What became of one item: acknowledged (with the destination's receipt, when it gives one), or
 * refused for good and parked with the reason for an auditor.
 */
export type ItemOutcome<R = never> = { seq: number; kind: 'sent'; receipt?: R } | { seq: number; kind: 'parked'; reason: string };

export interface OutboxStats {
  pending: number;
  parked: number;
  /** recorded_at (ms) of the oldest pending visit; null when nothing is pending. */
  oldestPendingAt: number | null;
}

/** The worker's view of one destination's outbox. */
export interface OutboxRepository<P, R = never> {
  /**
   * The oldest pending items, in visit sequence order; with `afterSeq`, only those after it (the
   * worker reads the next batch ahead while the previous one is still being acknowledged).
   */
  nextBatch(limit: number, afterSeq?: number): Promise<OutboxItem<P>[]>;
  /** Applies a batch's per-item outcomes (one transaction); each counts one attempt. */
  recordOutcomes(outcomes: readonly ItemOutcome<R>[], now: number): Promise<void>;
  /** The whole batch failed (network, 5xx, timeout): one attempt each, the error, the next try. */
  recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void>;
  stats(): Promise<OutboxStats>;
}

/**
 * Sends a batch. Resolves with one outcome per item, in item order. Throws an
 * OutboxTransportError when the batch as a whole was not acknowledged.
 */
export interface Destination<P, R = never> {
  send(items: readonly OutboxItem<P>[], signal: AbortSignal): Promise<ItemOutcome<R>[]>;
}

/**
 * A batch that was not acknowledged. `ABORTED`: the worker is stopping (the batch stays pending).
 * `refusesBatch`: the destination refused the request itself (something in it is poison: the
 * worker bisects the batch down to the culprit and parks it). Anything else: retry with backoff.
 */
export class OutboxTransportError extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly httpStatus?: number,
    readonly refusesBatch = false,
  ) {
    super(detail);
    this.name = 'OutboxTransportError';
  }
}
