/**
 * The check-in report's outbox (`checkin_outbox`, migration 4): pending rows read as the visits
 * they report (the record is built and signed when it is sent, from the visit as logged), and
 * the portal's receipts recorded with the rows' move to `sent`, in one transaction.
 *
 * The rows are written by the visit writer's trigger in the visit's own INSERT while the report
 * is on (server/visits/visit-writer.ts), so a checked-in patient is never left unreported.
 */
import type { Database } from '../db/database.js';
import { OutboxTable } from '../outbox/outbox-table.js';
import type { ItemOutcome, OutboxItem, OutboxRepository, OutboxStats } from '../outbox/types.js';
import { VISIT_SELECT, visitFromRow, type VisitRow } from '../visits/visit-record.js';

/** The portal's acknowledgement of one record: 200 received, 201 already received (same MA_LK). */
export interface CheckInReceipt {
  code: '200' | '201';
  /** The portal's transaction id (maGiaoDich), kept for reconciliation. */
  maGiaoDich: string | null;
  /** thoiGianTiepNhan as the portal gave it. */
  receivedAt: string | null;
}

const MAX_RECEIPT_CHARS = 100;

export class CheckInOutbox implements OutboxRepository<VisitRow, CheckInReceipt> {
  readonly #table: OutboxTable;

  constructor(private readonly db: Database) {
    this.#table = new OutboxTable(db, 'checkin_outbox');
  }

  async nextBatch(limit: number, afterSeq = 0): Promise<OutboxItem<VisitRow>[]> {
    const rows = await this.db.all(
      `SELECT ${VISIT_SELECT} FROM checkin_outbox o JOIN visits v ON v.seq = o.visit_seq
        WHERE o.state = 'pending' AND o.visit_seq > ?
        ORDER BY o.visit_seq
        LIMIT ?`,
      [afterSeq, limit],
    );
    return rows.map((r) => {
      const visit = visitFromRow(r);
      return { seq: visit.seq, visitId: visit.id, payload: visit };
    });
  }

  recordOutcomes(outcomes: readonly ItemOutcome<CheckInReceipt>[], now: number): Promise<void> {
    const received = outcomes.filter((o) => o.kind === 'sent');
    return this.#table.recordOutcomes(
      outcomes,
      now,
      received.length === 0
        ? undefined
        : async (tx) => {
            for (const o of received) {
              const r = o.receipt;
              // A receipt is recorded once: a later resend's 201 (the kiosk died before it
              // recorded the first answer) keeps the first one that made it into the file.
              await tx.run(
                `INSERT INTO checkin_receipts (visit_seq, visit_id, portal_code, ma_giao_dich, received_at, recorded_at)
                 SELECT visit_seq, visit_id, ?, ?, ?, ? FROM checkin_outbox WHERE visit_seq = ?
                 ON CONFLICT (visit_seq) DO NOTHING`,
                [r?.code ?? '200', bounded(r?.maGiaoDich), bounded(r?.receivedAt), now, o.seq],
              );
            }
          },
    );
  }

  recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
    return this.#table.recordFailure(seqs, error, nextAttemptAt);
  }

  stats(): Promise<OutboxStats> {
    return this.#table.stats();
  }

  /** Puts a parked record back in the queue (an administrator fixed the cause). */
  requeueParked(visitId: string): Promise<boolean> {
    return this.#table.requeueParked(visitId);
  }
}

function bounded(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : text.slice(0, MAX_RECEIPT_CHARS);
}
