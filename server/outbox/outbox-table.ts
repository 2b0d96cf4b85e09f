/**
 * The state SQL every outbox table shares (`sync_outbox`, `checkin_outbox`: the same columns,
 * server/db/schema.ts): moving rows from `pending` to `sent` (only on the destination's
 * acknowledgement) or `parked` (refused for good), counting attempts and errors, the counts
 * /api/status shows, and the auditors' views. Each destination's repository adds how its pending
 * rows become payloads (and, for the portal, where its receipts go).
 */
import type { Database, Queryable } from '../db/database.js';
import type { ItemOutcome, OutboxState, OutboxStats } from './types.js';

/** The outbox tables (a closed set: table names are never taken from input). */
export type OutboxTableName = 'sync_outbox' | 'checkin_outbox';

/** One visit's state in an outbox, for auditors. */
export interface OutboxRowState {
  visitSeq: number;
  visitId: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  sentAt: number | null;
  parkedReason: string | null;
}

interface StateRow {
  visit_seq: number;
  visit_id: string;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: number;
  sent_at: number | null;
  parked_reason: string | null;
}

export const MAX_ERROR_CHARS = 300;

const STATE_COLUMNS = 'visit_seq, visit_id, state, attempts, last_error, next_attempt_at, sent_at, parked_reason';

/**
 * A batch's sequence numbers as one JSON parameter (`IN (SELECT value FROM json_each(?))`): one
 * statement text whatever the batch size, so the connection's statement cache stays small.
 */
const seqList = (seqs: readonly number[]) => JSON.stringify(seqs);
const IN_SEQS = 'visit_seq IN (SELECT value FROM json_each(?))';

function toState(r: StateRow): OutboxRowState {
  return {
    visitSeq: r.visit_seq,
    visitId: r.visit_id,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.state === 'pending' && r.next_attempt_at > 0 ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    parkedReason: r.parked_reason,
  };
}

export class OutboxTable {
  constructor(
    private readonly db: Database,
    readonly table: OutboxTableName,
  ) {}

  /**
   * Applies a batch's outcomes; each counts one attempt. `alsoInTx` runs in the same transaction
   * (the portal's receipts are recorded with their rows' move to `sent`, or not at all).
   */
  async recordOutcomes<R>(outcomes: readonly ItemOutcome<R>[], now: number, alsoInTx?: (tx: Queryable) => Promise<void>): Promise<void> {
    if (outcomes.length === 0) return;
    const sent = outcomes.filter((o) => o.kind === 'sent').map((o) => o.seq);
    const parked = outcomes.filter((o): o is Extract<ItemOutcome<R>, { kind: 'parked' }> => o.kind === 'parked');
    const markSent = `UPDATE ${this.table} SET state = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = 0
                        WHERE state = 'pending' AND ${IN_SEQS}`;
    // The usual case, everything acknowledged and nothing else to write: one statement, atomic on
    // its own (no BEGIN/COMMIT round trips through the connection's queue).
    if (parked.length === 0 && alsoInTx === undefined) {
      await this.db.run(markSent, [now, seqList(sent)]);
      return;
    }
    await this.db.transaction(async (tx) => {
      if (sent.length > 0) await tx.run(markSent, [now, seqList(sent)]);
      for (const p of parked) {
        const reason = p.reason.slice(0, MAX_ERROR_CHARS);
        await tx.run(
          `UPDATE ${this.table} SET state = 'parked', parked_reason = ?, last_error = ?, attempts = attempts + 1, next_attempt_at = 0
            WHERE state = 'pending' AND visit_seq = ?`,
          [reason, reason, p.seq],
        );
      }
      if (alsoInTx) await alsoInTx(tx);
    });
  }

  async recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.run(
      `UPDATE ${this.table} SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
        WHERE state = 'pending' AND ${IN_SEQS}`,
      [error.slice(0, MAX_ERROR_CHARS), nextAttemptAt, seqList(seqs)],
    );
  }

  stats(): Promise<OutboxStats> {
    return this.db.read(async (q) => {
      const pending = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.table} WHERE state = 'pending'`);
      const parked = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.table} WHERE state = 'parked'`);
      // The oldest pending visit is the lowest pending sequence number (the index gives it directly).
      const oldest = await q.get<{ recorded_at: number }>(
        `SELECT v.recorded_at FROM ${this.table} o JOIN visits v ON v.seq = o.visit_seq
          WHERE o.state = 'pending' ORDER BY o.visit_seq LIMIT 1`,
      );
      return { pending: pending?.n ?? 0, parked: parked?.n ?? 0, oldestPendingAt: oldest?.recorded_at ?? null };
    });
  }

  /** Parked visits, oldest first, with the reason; keyset by sequence (any connection or read job). */
  static async listParked(
    q: Queryable,
    table: OutboxTableName,
    opts: { limit?: number; afterSeq?: number } = {},
  ): Promise<OutboxRowState[]> {
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
    const rows = await q.all<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM ${table} WHERE state = 'parked' AND visit_seq > ? ORDER BY visit_seq LIMIT ?`,
      [opts.afterSeq ?? 0, limit],
    );
    return rows.map(toState);
  }

  /** The state of the given visits by id (visits without a row here are simply absent). */
  static async statesFor(q: Queryable, table: OutboxTableName, visitIds: readonly string[]): Promise<Map<string, OutboxRowState>> {
    const out = new Map<string, OutboxRowState>();
    // Chunks keep the statement under SQLite's parameter limit whatever the page size.
    for (let i = 0; i < visitIds.length; i += 500) {
      const chunk = visitIds.slice(i, i + 500);
      const rows = await q.all<StateRow>(
        `SELECT ${STATE_COLUMNS} FROM ${table} WHERE visit_id IN (${new Array(chunk.length).fill('?').join(', ')})`,
        chunk,
      );
      for (const r of rows) out.set(r.visit_id, toState(r));
    }
    return out;
  }

  /**
   * Puts a parked visit back in the queue (an administrator fixed the cause). Returns whether a
   * parked row was found. The attempt history is kept.
   */
  async requeueParked(visitId: string): Promise<boolean> {
    const r = await this.db.run(
      `UPDATE ${this.table} SET state = 'pending', parked_reason = NULL, next_attempt_at = 0 WHERE visit_id = ? AND state = 'parked'`,
      [visitId],
    );
    return r.changes > 0;
  }
}
