/**
 * The outbox worker: drains one destination's transactional outbox (the medical-history store's,
 * server/sync/; the portal's check-in records, server/check-in-report/).
 *
 * Exactly-once = at-least-once sending + an idempotent destination. A visit is marked `sent` only
 * after the destination acknowledged it (the store's `stored` / `duplicate`, the portal's 200 /
 * 201); anything else — a crash, a timeout, a 500, a stop in the middle of a request — leaves it
 * `pending` and it is sent again, which the destination recognises (the store by visit id, the
 * portal by MA_LK). Items refused for good are parked with the reason for auditors rather than
 * retried forever.
 *
 * Batches go in visit sequence order, one request at a time: batch N+1 leaves only once batch N
 * was acknowledged. What overlaps is the kiosk's own database work — while batch N is out the
 * worker already reads batch N+1 (the visits after N's last sequence number), and while N+1 is
 * out it records N's acknowledgement — so a drain is paced by the destination, not by the sum of
 * both sides. Should the kiosk die before N's acknowledgement is recorded, N is simply sent again
 * (with N+1, if it was out): a kill costs at most two batches resent. A destination that counts
 * every file it is sent (the portal, one record per call) says overlapBookkeeping: false, and
 * then only the one request out at the kill goes again.
 *
 * After a failed batch the whole queue waits (exponential backoff, full jitter, capped), so order
 * is kept and a struggling destination is not hammered. All state is in the database, so a
 * restart simply carries on.
 *
 * Why one file of this size: the class is one state machine. The read-ahead, the background
 * bookkeeping of the last acknowledgement, the batch limit while a refused batch is bisected,
 * the backoff and the stop grace all act on the same few fields, and its guarantees (outcomes
 * recorded in batch order, a read-ahead dropped on any failure, an abandoned batch left pending)
 * hold across those steps together; split over files they would be invariants nobody sees whole.
 * What has its own job lives elsewhere: the SQL (outbox-table.ts and each destination's
 * repository), the wire (each destination), the delay formula (server/lib/backoff.ts), the status
 * shape (server/wire/status.ts).
 */
import type { Clock, Random } from '../clock.js';
import { backoffDelayMs } from '../lib/backoff.js';
import { realSleep, type Sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import type { OutboxStatus } from '../wire/status.js';
import {
  OutboxTransportError,
  type Destination,
  type ItemOutcome,
  type OutboxItem,
  type OutboxRepository,
  type OutboxStats,
} from './types.js';

/** How a destination's worker names itself in logs, error codes and warnings. */
export interface OutboxNames {
  /** In log messages: "sync", "check-in report". */
  label: string;
  /** Prefix of the worker's own codes: `${prefix}_INTERNAL`, `${prefix}_PARKED`, `${prefix}_CRASHED`. */
  codePrefix: string;
  /** The warning raised when the oldest pending item waited longer than behindAfterMs. */
  behindWarning: string;
}

export interface OutboxWorkerOptions {
  batchSize?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long stop() lets an in-flight batch finish before abandoning it (it stays pending). */
  stopGraceMs?: number;
  /** Pending visits older than this raise the SYNC_BEHIND warning. */
  behindAfterMs?: number;
  /**
   * Record batch N's acknowledgement while N+1 is out (default). False: N is recorded before
   * N+1 leaves, so a kill resends at most the one batch in flight, for a slower drain.
   */
  overlapBookkeeping?: boolean;
  /** Waits `ms` unless `signal` aborts first (injectable for tests). */
  sleep?: Sleep;
}

export const DEFAULTS = {
  // The store's limit (MAX_BATCH_ITEMS): a drain pays the per-request costs as rarely as it can.
  // A destination that takes one item per call (the portal) says batchSize: 1.
  batchSize: 500,
  baseBackoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  stopGraceMs: 5_000,
  behindAfterMs: 3_600_000,
  overlapBookkeeping: true,
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class OutboxWorker<P, R = never> {
  private readonly opts: Required<OutboxWorkerOptions>;
  private state: OutboxStatus['state'] = 'starting';
  private stats: OutboxStats = { pending: 0, parked: 0, oldestPendingAt: null };
  private lastAttemptAt: number | null = null;
  private lastSuccessAt: number | null = null;
  private lastError: { at: number; code: string; detail: string } | null = null;
  private nextAttemptAt: number | null = null;
  private failures = 0;
  /** Shrinks while a refused batch is being bisected. */
  private batchLimit: number;

  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Aborts sleeps and the idle wait on stop. */
  private readonly stopSignal = new AbortController();
  /** Aborts the in-flight request when the stop grace runs out. */
  private readonly abandon = new AbortController();
  private woken = false;
  private wakeIdle: (() => void) | undefined;
  private statsRefresh: Promise<void> | undefined;
  private firstCount: Promise<void> | undefined;
  /** The next batch, read while the current one is out (see the header). */
  private readAhead: Promise<OutboxItem<P>[]> | undefined;
  /** Recording the last acknowledged batch's outcomes (and fresh counts) in the background. */
  private bookkeeping: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly outbox: OutboxRepository<P, R>,
    private readonly destination: Destination<P, R>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
    private readonly names: OutboxNames,
    options: OutboxWorkerOptions = {},
  ) {
    // Options given as undefined fall back to the defaults.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULTS, sleep: realSleep, ...given };
    this.batchLimit = this.opts.batchSize;
  }

  /**
   * Resolves once the outbox has been counted, so /api/status never shows a backlog left from
   * before a restart as "0 pending" while the worker is still starting.
   */
  counted(): Promise<void> {
    this.firstCount ??= this.outbox.stats().then(
      (s) => {
        if (this.state === 'starting') this.stats = s;
      },
      () => undefined,
    );
    return this.firstCount;
  }

  /** Starts draining (whatever is pending from before a restart goes first). */
  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      // run() handles its own failures; this is a last line of defence for the service.
      this.state = 'stopped';
      this.logger.error(`${this.names.label} worker stopped on an unexpected error`, {
        code: `${this.names.codePrefix}_CRASHED`,
        error: err instanceof Error ? err.name : typeof err,
      });
    });
  }

  /** A visit was recorded: send it now if the worker is idle (a backoff is not cut short). */
  wake(): void {
    this.woken = true;
    this.wakeIdle?.();
    if (this.state === 'backoff') this.refreshStatsSoon();
  }

  /**
   * Stops: ends any wait at once, lets an in-flight batch finish for up to stopGraceMs and then
   * abandons it (its visits stay pending; the destination's idempotency absorbs the resend).
   * Resolves when the worker is idle. Idempotent.
   */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.stopSignal.abort();
      this.wakeIdle?.();
    }
    const grace = setTimeout(() => this.abandon.abort(), this.opts.stopGraceMs);
    try {
      await this.loop;
    } finally {
      clearTimeout(grace);
      this.state = 'stopped';
    }
  }

  close(): Promise<void> {
    return this.stop();
  }

  /** Test and monitoring hook: called on every state step (sending, batch done, failure, idle). */
  onCycle(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  status(): OutboxStatus {
    const now = this.clock.now();
    const oldest = this.stats.oldestPendingAt;
    return {
      enabled: true,
      state: this.state,
      pending: this.stats.pending,
      parked: this.stats.parked,
      oldestPendingAgeSec: oldest === null ? null : Math.max(0, Math.round((now - oldest) / 1000)),
      lastAttemptAt: iso(this.lastAttemptAt),
      lastSuccessAt: iso(this.lastSuccessAt),
      lastError: this.lastError ? { at: iso(this.lastError.at)!, code: this.lastError.code, detail: this.lastError.detail } : null,
      nextAttemptAt: this.state === 'backoff' ? iso(this.nextAttemptAt) : null,
      consecutiveFailures: this.failures,
    };
  }

  /** Warnings for /api/status: the "behind" warning when a visit has waited longer than behindAfterMs. */
  warnings(): string[] {
    const oldest = this.stats.oldestPendingAt;
    return oldest !== null && this.clock.now() - oldest > this.opts.behindAfterMs ? [this.names.behindWarning] : [];
  }

  private emit(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch {
        // a listener's failure is not the worker's
      }
    }
  }

  private refreshStatsSoon(): void {
    this.statsRefresh ??= this.outbox
      .stats()
      .then((s) => {
        this.stats = s;
      })
      .catch(() => undefined)
      .finally(() => {
        this.statsRefresh = undefined;
      });
  }

  private async run(): Promise<void> {
    this.stats = await this.outbox.stats().catch(() => this.stats);
    while (!this.stopping) {
      try {
        if (!(await this.step())) break;
      } catch (err) {
        // A database hiccup (busy, disk full…): keep the service up and try again later.
        await this.quiesce();
        if (this.stopping) break;
        const code = `${this.names.codePrefix}_INTERNAL`;
        this.logger.error(`${this.names.label} step failed`, { code, error: err instanceof Error ? err.name : typeof err });
        await this.backoff(code, `internal error in the ${this.names.label} (see the service log)`);
      }
    }
    // Whatever was acknowledged is recorded before the worker reports itself stopped.
    await this.quiesce();
    this.state = 'stopped';
    this.emit();
  }

  /** One batch (or one idle wait). Returns false when the worker must stop. */
  private async step(): Promise<boolean> {
    this.woken = false;
    let batch = await this.takeReadAhead();
    if (batch === undefined || batch.length === 0) {
      // Nothing read ahead (or nothing after the last batch): once the last acknowledgement is
      // recorded, read from the head of the queue, which also finds visits an auditor requeued.
      await this.settle();
      batch = await this.outbox.nextBatch(this.batchLimit);
    }
    if (batch.length === 0) {
      this.stats = await this.outbox.stats();
      this.state = 'idle';
      this.emit();
      await this.waitForWork();
      return true;
    }
    this.state = 'sending';
    this.lastAttemptAt = this.clock.now();
    this.emit();
    this.startReadAhead(batch[batch.length - 1]!.seq);
    let outcomes: ItemOutcome<R>[];
    try {
      outcomes = await this.destination.send(batch, this.abandon.signal);
      if (outcomes.length !== batch.length || outcomes.some((o, i) => o.seq !== batch[i]!.seq))
        throw new OutboxTransportError('BAD_OUTCOMES', 'the destination did not answer item by item');
    } catch (err) {
      // The batch was not acknowledged: it goes again, so whatever was read behind it is stale.
      await this.quiesce();
      if (!(err instanceof OutboxTransportError)) throw err;
      if (err.code === 'ABORTED') return false; // stopping: the batch stays pending
      if (err.refusesBatch) return this.refused(batch, err);
      this.logger.warn(`${this.names.label} batch failed; will retry`, {
        code: err.code,
        status: err.httpStatus,
        items: batch.length,
        failures: this.failures + 1,
      });
      await this.backoff(
        err.code,
        err.message,
        batch.map((b) => b.seq),
      );
      return true;
    }
    const parked = outcomes.filter((o) => o.kind === 'parked').length;
    if (parked > 0)
      this.logger.warn(`${this.names.label}: refused items parked for auditors`, {
        code: `${this.names.codePrefix}_PARKED`,
        count: parked,
      });
    this.failures = 0;
    this.batchLimit = this.opts.batchSize;
    // The previous batch's bookkeeping (started when this batch left, long done by now) first:
    // acknowledgements are recorded in batch order and one failure surfaces before the next.
    await this.settle();
    this.bookkeeping = this.record(outcomes);
    if (!this.opts.overlapBookkeeping) await this.settle();
    return true;
  }

  /** Marks a batch's visits sent or parked, then refreshes the counts /api/status shows. */
  private async record(outcomes: readonly ItemOutcome<R>[]): Promise<void> {
    await this.outbox.recordOutcomes(outcomes, this.clock.now());
    this.lastSuccessAt = this.clock.now();
    this.stats = await this.outbox.stats();
    this.emit();
  }

  /** Waits for the last batch's bookkeeping; a failure there is the current step's failure. */
  private async settle(): Promise<void> {
    const pending = this.bookkeeping;
    this.bookkeeping = undefined;
    await pending;
  }

  private startReadAhead(afterSeq: number): void {
    const items = this.outbox.nextBatch(this.batchLimit, afterSeq);
    // Consumed (and its error surfaced) by takeReadAhead, or dropped by quiesce.
    items.catch(() => undefined);
    this.readAhead = items;
  }

  private takeReadAhead(): Promise<OutboxItem<P>[]> | undefined {
    const ahead = this.readAhead;
    this.readAhead = undefined;
    return ahead;
  }

  /** Drops any read-ahead and lets the bookkeeping finish (its failure is logged, not thrown). */
  private async quiesce(): Promise<void> {
    const ahead = this.readAhead;
    this.readAhead = undefined;
    await ahead?.catch(() => undefined);
    await this.settle().catch((err: unknown) => {
      // The visits stay pending and are sent again; the destination recognises them.
      this.logger.error(`${this.names.label} bookkeeping failed`, {
        code: `${this.names.codePrefix}_INTERNAL`,
        error: err instanceof Error ? err.name : typeof err,
      });
    });
  }

  /**
   * The destination refused the whole request (e.g. the store's 4xx other than authentication):
   * something in the batch is poison. Halve the batch until the culprit is alone, then park it
   * with the reason, so one bad visit never blocks the queue behind it.
   */
  private async refused(batch: readonly { seq: number }[], err: OutboxTransportError): Promise<boolean> {
    if (batch.length > 1) {
      this.batchLimit = Math.ceil(batch.length / 2);
      return true;
    }
    const reason = `REFUSED:${err.message}`;
    await this.outbox.recordOutcomes([{ seq: batch[0]!.seq, kind: 'parked', reason }], this.clock.now());
    this.logger.warn(`${this.names.label}: a refused item was parked for auditors`, {
      code: `${this.names.codePrefix}_PARKED`,
      status: err.httpStatus,
    });
    this.batchLimit = this.opts.batchSize;
    this.stats = await this.outbox.stats();
    this.emit();
    return true;
  }

  /**
   * Records a failure (on the batch's visits too: one more attempt, the error, the next try) and
   * waits — exponential backoff, full jitter; only stop() ends the wait early.
   */
  private async backoff(code: string, detail: string, seqs: readonly number[] = []): Promise<void> {
    this.failures++;
    const delay = backoffDelayMs(this.failures, { baseMs: this.opts.baseBackoffMs, maxMs: this.opts.maxBackoffMs }, this.random);
    const now = this.clock.now();
    if (seqs.length > 0) await this.outbox.recordFailure(seqs, `${code}: ${detail}`, now + delay);
    // Counts first, then the error: a status read never sees the error with stale counts.
    this.stats = await this.outbox.stats().catch(() => this.stats);
    this.nextAttemptAt = now + delay;
    this.lastError = { at: now, code, detail };
    this.state = 'backoff';
    this.emit();
    await this.opts.sleep(delay, this.stopSignal.signal);
  }

  private waitForWork(): Promise<void> {
    if (this.woken || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeIdle = () => {
        this.wakeIdle = undefined;
        resolve();
      };
    });
  }
}
