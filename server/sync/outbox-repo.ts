/**
 * The sync outbox (`sync_outbox`): how its pending rows become the store's batch items, and the
 * auditors' view of sync state. The state moves (sent / parked / attempts) are every outbox's
 * (server/outbox/outbox-table.ts).
 *
 * The visit writer's trigger writes one `sync_outbox` row per recorded visit, in the visit's own
 * INSERT statement (OUTBOX_TRIGGER in server/visits/visit-writer.ts: a TEMP trigger on the
 * kiosk's connection; the table itself is in server/db/schema.ts), so a visit can never be
 * recorded and forgotten.
 */
import type { Database, Queryable } from '../db/database.js';
import { OutboxTable, type OutboxRowState } from '../outbox/outbox-table.js';
import type { ItemOutcome, OutboxItem, OutboxRepository, OutboxStats } from '../outbox/types.js';

/** The body item for POST /v1/visits:batch (fields the visit lacks are left out). */
export type StorePayload = Record<string, string>;

/** Per-visit sync state, for auditors. */
export type SyncState = OutboxRowState;

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

/** Maps a visit row to the store's item: only what the patient's yearly book needs. */
export function toPayload(r: PendingRow): StorePayload {
  const p: StorePayload = {
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

export class SqliteOutbox implements OutboxRepository<StorePayload> {
  readonly #table: OutboxTable;

  constructor(private readonly db: Database) {
    this.#table = new OutboxTable(db, 'sync_outbox');
  }

  async nextBatch(limit: number, afterSeq = 0): Promise<OutboxItem<StorePayload>[]> {
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

  recordOutcomes(outcomes: readonly ItemOutcome[], now: number): Promise<void> {
    return this.#table.recordOutcomes(outcomes, now);
  }

  recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
    return this.#table.recordFailure(seqs, error, nextAttemptAt);
  }

  stats(): Promise<OutboxStats> {
    return this.#table.stats();
  }
}

// ── For auditors (the audit module calls these; read-only except requeue) ───────────────────

/** Parked visits (the store refused them), oldest first, with the reason; keyset by sequence. */
export function listParked(db: Database | Queryable, opts: { limit?: number; afterSeq?: number } = {}): Promise<SyncState[]> {
  return OutboxTable.listParked(db, 'sync_outbox', opts);
}

/** Sync state of the given visits by id (visits without an outbox row are simply absent). */
export function syncStatesFor(db: Database | Queryable, visitIds: readonly string[]): Promise<Map<string, SyncState>> {
  return OutboxTable.statesFor(db, 'sync_outbox', visitIds);
}

export async function syncStateOf(db: Database | Queryable, visitId: string): Promise<SyncState | undefined> {
  return (await syncStatesFor(db, [visitId])).get(visitId);
}

/**
 * Puts a parked visit back in the queue (an administrator fixed the cause, e.g. the store's
 * validation). Returns whether a parked row was found. The attempt history is kept.
 */
export function requeueParked(db: Database, visitId: string): Promise<boolean> {
  return new OutboxTable(db, 'sync_outbox').requeueParked(visitId);
}
