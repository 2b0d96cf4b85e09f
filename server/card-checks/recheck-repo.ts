/**
 * The SQL of the visits' re-checks (table `visit_rechecks`, append-only, beside `card_checks`):
 * which visits await a re-check (checked in while the portal was unavailable), appending the one
 * conclusive re-check of a check, and the auditor's reads of them (a visit's, a page of visits',
 * the flagged ones). Parameterised always; each re-check's card-check log entry
 * (card-check-log.ts) is written in its own transaction.
 */
import type { Database } from '../db/database.js';
import { isConstraintError } from '../db/database.js';
import { appendLogEntry } from './card-check-log.js';
import { flaggedFromRow, recheckFromRow, type FlaggedRecheck, type NewRecheck, type RecheckRecord } from './records.js';

/** A visit checked in while the portal was unavailable, and the check it was made from. */
export interface AwaitingRecheck {
  visitId: string;
  cardCheckId: string;
}

/** What the RecheckWorker needs from the visit log. */
export interface RecheckSource {
  awaitingRecheck(limit: number): Promise<AwaitingRecheck[]>;
  /** The text scanned for the visit (the visit row keeps it), for a wedge-typed ID card's name. */
  scannedText(visitId: string): Promise<string | undefined>;
}

const RECHECK_COLUMNS = `r.seq, r.id, r.visit_id, r.card_check_id, r.at, r.state, r.portal_code, r.portal_message, r.latency_ms,
  r.attempts, r.verdict, r.code, r.reason_codes, r.flagged`;

export class RecheckRepository implements RecheckSource {
  constructor(private readonly db: Database) {}

  /** Visits checked in while the portal was unavailable and not re-checked yet, oldest first. */
  async awaitingRecheck(limit: number): Promise<AwaitingRecheck[]> {
    const rows = await this.db.all<{ id: string; visit_id: string }>(
      `SELECT c.id, c.visit_id FROM card_checks c
        WHERE c.portal_state = 'unavailable' AND c.visit_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM visit_rechecks r WHERE r.card_check_id = c.id)
        ORDER BY c.created_at, c.id LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ visitId: r.visit_id, cardCheckId: r.id }));
  }

  async scannedText(visitId: string): Promise<string | undefined> {
    const row = await this.db.get<{ qr_text: string }>('SELECT qr_text FROM visits WHERE id = ?', [visitId]);
    return row?.qr_text;
  }

  async countAwaitingRecheck(): Promise<number> {
    const r = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM card_checks c WHERE c.portal_state = 'unavailable' AND c.visit_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM visit_rechecks r WHERE r.card_check_id = c.id)`,
    );
    return r?.n ?? 0;
  }

  /** Appends a re-check record; false when the check has one already (one conclusive re-check each). */
  async appendRecheck(r: NewRecheck): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO visit_rechecks (id, visit_id, card_check_id, at, state, portal_code, portal_message, latency_ms, attempts,
           verdict, code, reason_codes, flagged)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            r.id,
            r.visitId,
            r.cardCheckId,
            r.at,
            r.state,
            r.portalCode,
            r.portalMessage === null ? null : r.portalMessage.slice(0, 500),
            r.latencyMs,
            r.attempts,
            r.verdict,
            r.code,
            JSON.stringify(r.reasonCodes),
            r.flagged ? 1 : 0,
          ],
        );
        await appendLogEntry(tx, 'recheck', r.id, 'recorded', r.at);
      });
      return true;
    } catch (err) {
      if (isConstraintError(err) && (await this.recheckOf(r.cardCheckId)) !== undefined) return false;
      throw err;
    }
  }

  async recheckOf(cardCheckId: string): Promise<RecheckRecord | undefined> {
    const row = await this.db.get(`SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.card_check_id = ?`, [cardCheckId]);
    return row ? recheckFromRow(row) : undefined;
  }

  /** The re-checks recorded beside a visit (an auditor's visit page). */
  async rechecksOfVisit(visitId: string): Promise<RecheckRecord[]> {
    const rows = await this.db.all(`SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.visit_id = ? ORDER BY r.seq`, [visitId]);
    return rows.map(recheckFromRow);
  }

  /** The latest re-check of each of these visits (one query: an auditor's page of visits). */
  async latestRechecksOfVisits(visitIds: readonly string[]): Promise<Map<string, RecheckRecord>> {
    const out = new Map<string, RecheckRecord>();
    if (visitIds.length === 0) return out;
    const rows = await this.db.all(
      `SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.visit_id IN (SELECT value FROM json_each(?)) ORDER BY r.seq`,
      [JSON.stringify(visitIds)],
    );
    for (const row of rows) {
      const r = recheckFromRow(row);
      out.set(r.visitId, r);
    }
    return out;
  }

  /** Flagged re-checks, newest first; `beforeSeq` continues a page. */
  async flaggedRechecks(page: { beforeSeq?: number; limit: number }): Promise<FlaggedRecheck[]> {
    const params: Array<string | number> = [];
    let cond = 'r.flagged = 1';
    if (page.beforeSeq !== undefined) {
      cond += ' AND r.seq < ?';
      params.push(page.beforeSeq);
    }
    params.push(page.limit);
    const rows = await this.db.all(
      `SELECT ${RECHECK_COLUMNS}, c.desk_id, c.operator, c.card_number, c.ma_so_bhxh, c.verdict AS original_verdict
         FROM visit_rechecks r JOIN card_checks c ON c.id = r.card_check_id
        WHERE ${cond} ORDER BY r.seq DESC LIMIT ?`,
      params,
    );
    return rows.map(flaggedFromRow);
  }
}
