/**
 * The sync outbox: every SQL statement the sync worker (and the auditors' view of sync state)
 * runs against the kiosk database lives here.
 *
 * The visit writer's trigger writes one `sync_outbox` row per recorded visit, in the visit's own
 * INSERT statement (OUTBOX_TRIGGER in server/visits/visit-writer.ts: a TEMP trigger on the
 * kiosk's connection; the table itself is in server/db/schema.ts), so a visit can never be
 * recorded and forgotten. This module moves
 * rows from `pending` to `sent` (only on the store's acknowledgement) or `parked` (the store
 * refused the item for good), and records attempts and errors.
 */
import type { Database, Queryable } from '../db/database.js';

export type OutboxState = 'pending' | 'sent' | 'parked';

/** A pending visit in the store's wire shape (fields the visit lacks are left out). */
export interface OutboxItem {
  seq: number;
  visitId: string;
  /** The body item for POST /v1/visits:batch. */
  payload: Record<string, string>;
}

export interface OutboxStats {
  pending: number;
  parked: number;
  /** recorded_at (ms) of the oldest pending visit; null when nothing is pending. */
  oldestPendingAt: number | null;
}

/** Per-visit sync state, for auditors. */
export interface SyncState {
  visitSeq: number;
  visitId: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  sentAt: number | null;
  parkedReason: string | null;
}

export type ItemOutcome = { seq: number; kind: 'sent' } | { seq: number; kind: 'parked'; reason: string };

/** The worker's view of the outbox; the SQLite implementation is `SqliteOutbox`. */
export interface OutboxRepository {
  /**
   * The oldest pending items, in visit sequence order; with `afterSeq`, only those after it (the
   * worker reads the next batch ahead while the previous one is still being acknowledged).
   */
  nextBatch(limit: number, afterSeq?: number): Promise<OutboxItem[]>;
  /** Applies a batch's per-item outcomes (one transaction); each counts one attempt. */
  recordOutcomes(outcomes: readonly ItemOutcome[], now: number): Promise<void>;
  /** The whole batch failed (network, 5xx, timeout): one attempt each, the error, the next try. */
  recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void>;
  stats(): Promise<OutboxStats>;
}

interface PendingRow {
  seq: number;
  id: string;
  facility: string;
  ma_so_bhxh: string | null;
  card_number: string | null;
  visit_type: string;
  recorded_at: number;
  verdict: string;
  source: string | null;
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

const MAX_ERROR_CHARS = 300;

function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/**
 * A batch's sequence numbers as one JSON parameter (`IN (SELECT value FROM json_each(?))`): one
 * statement text whatever the batch size, so the connection's statement cache stays small.
 */
const seqList = (seqs: readonly number[]) => JSON.stringify(seqs);
const IN_SEQS = 'visit_seq IN (SELECT value FROM json_each(?))';

/** Maps a visit row to the store's item: only what the patient's yearly book needs. */
export function toPayload(r: PendingRow): Record<string, string> {
  const p: Record<string, string> = {
    id: r.id,
    facility: r.facility,
    visitType: r.visit_type,
    checkedInAt: new Date(r.recorded_at).toISOString(),
    verdict: r.verdict,
  };
  if (r.ma_so_bhxh !== null) p.maSoBhxh = r.ma_so_bhxh;
  if (r.card_number !== null) p.cardNumber = r.card_number;
  if (r.source !== null) p.source = r.source;
  return p;
}

function toState(r: StateRow): SyncState {
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

const STATE_COLUMNS = 'visit_seq, visit_id, state, attempts, last_error, next_attempt_at, sent_at, parked_reason';

export class SqliteOutbox implements OutboxRepository {
  constructor(private readonly db: Database) {}

  async nextBatch(limit: number, afterSeq = 0): Promise<OutboxItem[]> {
    const rows = await this.db.all<PendingRow>(
      `SELECT o.visit_seq AS seq, v.id, v.facility, v.ma_so_bhxh, v.card_number, v.visit_type, v.recorded_at, v.verdict, v.source
         FROM sync_outbox o JOIN visits v ON v.seq = o.visit_seq
        WHERE o.state = 'pending' AND o.visit_seq > ?
        ORDER BY o.visit_seq
        LIMIT ?`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({ seq: r.seq, visitId: r.id, payload: toPayload(r) }));
  }

  async recordOutcomes(outcomes: readonly ItemOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    const sent = outcomes.filter((o) => o.kind === 'sent').map((o) => o.seq);
    const parked = outcomes.filter((o): o is Extract<ItemOutcome, { kind: 'parked' }> => o.kind === 'parked');
    const markSent = `UPDATE sync_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = 0
                        WHERE state = 'pending' AND ${IN_SEQS}`;
    // The usual case, everything acknowledged: one statement, atomic on its own (no BEGIN/COMMIT
    // round trips through the connection's queue).
    if (parked.length === 0) {
      await this.db.run(markSent, [now, seqList(sent)]);
      return;
    }
    await this.db.transaction(async (tx) => {
      if (sent.length > 0) await tx.run(markSent, [now, seqList(sent)]);
      for (const p of parked) {
        const reason = p.reason.slice(0, MAX_ERROR_CHARS);
        await tx.run(
          `UPDATE sync_outbox SET state = 'parked', parked_reason = ?, last_error = ?, attempts = attempts + 1, next_attempt_at = 0
            WHERE state = 'pending' AND visit_seq = ?`,
          [reason, reason, p.seq],
        );
      }
    });
  }

  async recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.run(
      `UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
        WHERE state = 'pending' AND ${IN_SEQS}`,
      [error.slice(0, MAX_ERROR_CHARS), nextAttemptAt, seqList(seqs)],
    );
  }

  stats(): Promise<OutboxStats> {
    return this.db.read(async (q) => {
      const pending = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sync_outbox WHERE state = 'pending'`);
      const parked = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sync_outbox WHERE state = 'parked'`);
      // The oldest pending visit is the lowest pending sequence number (the index gives it directly).
      const oldest = await q.get<{ recorded_at: number }>(
        `SELECT v.recorded_at FROM sync_outbox o JOIN visits v ON v.seq = o.visit_seq
          WHERE o.state = 'pending' ORDER BY o.visit_seq LIMIT 1`,
      );
      return { pending: pending?.n ?? 0, parked: parked?.n ?? 0, oldestPendingAt: oldest?.recorded_at ?? null };
    });
  }
}

// ── For auditors (the audit module calls these; read-only except requeue) ───────────────────

/** Parked visits (the store refused them), oldest first, with the reason; keyset by sequence. */
export async function listParked(db: Database | Queryable, opts: { limit?: number; afterSeq?: number } = {}): Promise<SyncState[]> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const rows = await db.all<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM sync_outbox WHERE state = 'parked' AND visit_seq > ? ORDER BY visit_seq LIMIT ?`,
    [opts.afterSeq ?? 0, limit],
  );
  return rows.map(toState);
}

/** Sync state of the given visits by id (visits without an outbox row are simply absent). */
export async function syncStatesFor(db: Database | Queryable, visitIds: readonly string[]): Promise<Map<string, SyncState>> {
  const out = new Map<string, SyncState>();
  // Chunks keep the statement under SQLite's parameter limit whatever the page size.
  for (let i = 0; i < visitIds.length; i += 500) {
    const chunk = visitIds.slice(i, i + 500);
    const rows = await db.all<StateRow>(
      `SELECT ${STATE_COLUMNS} FROM sync_outbox WHERE visit_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) out.set(r.visit_id, toState(r));
  }
  return out;
}

export async function syncStateOf(db: Database | Queryable, visitId: string): Promise<SyncState | undefined> {
  return (await syncStatesFor(db, [visitId])).get(visitId);
}

/**
 * Puts a parked visit back in the queue (an administrator fixed the cause, e.g. the store's
 * validation). Returns whether a parked row was found. The attempt history is kept.
 */
export async function requeueParked(db: Database, visitId: string): Promise<boolean> {
  const r = await db.run(
    `UPDATE sync_outbox SET state = 'pending', parked_reason = NULL, next_attempt_at = 0 WHERE visit_id = ? AND state = 'parked'`,
    [visitId],
  );
  return r.changes > 0;
}
