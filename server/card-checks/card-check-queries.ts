/**
 * The auditor's search of the card checks (GET /api/audit/card-checks and its CSV): the filter's
 * WHERE clause, newest first by (created_at, id), keyset-paged, each check with its re-check.
 * Every value is a bound parameter; rows carry no name, birth date, address or QR, and the
 * patient's CCCD masked (records.ts auditFromRow).
 */
import type { Database } from '../db/database.js';
import { auditFromRow, type CardCheckAuditRow, type CardCheckCursor, type CardCheckFilter } from './records.js';

const AUDIT_COLUMNS = `c.id, c.created_at, c.answered_at, c.facility, c.desk_id, c.operator, c.operator_name, c.source,
  c.card_number, c.ma_so_bhxh, c.cccd, c.local_verdict, c.local_code, c.verdict, c.code, c.reason_codes, c.portal_state,
  c.portal_code, c.portal_message, c.latency_ms, c.attempts, c.visit_id,
  r.at AS r_at, r.state AS r_state, r.portal_code AS r_portal_code, r.verdict AS r_verdict, r.code AS r_code, r.flagged AS r_flagged`;

function whereClause(f: CardCheckFilter): { where: string[]; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, v?: string | number) => {
    where.push(sql);
    if (v !== undefined) params.push(v);
  };
  if (f.fromMs !== undefined) add('c.created_at >= ?', f.fromMs);
  if (f.toMs !== undefined) add('c.created_at < ?', f.toMs);
  if (f.cardNumber !== undefined) add('c.card_number = ?', f.cardNumber);
  if (f.cardNumberPart !== undefined) add("c.card_number LIKE '%' || ? || '%'", f.cardNumberPart);
  if (f.maSoBhxh !== undefined) add('c.ma_so_bhxh = ?', f.maSoBhxh);
  if (f.verdict !== undefined) add('c.verdict = ?', f.verdict);
  if (f.reasonCode !== undefined) add('EXISTS (SELECT 1 FROM json_each(c.reason_codes) j WHERE j.value = ?)', f.reasonCode);
  if (f.operator !== undefined) add('c.operator = ?', f.operator);
  if (f.operators !== undefined) add('c.operator IN (SELECT value FROM json_each(?))', JSON.stringify(f.operators));
  if (f.desk !== undefined) add('c.desk_id = ?', f.desk);
  if (f.portalCode !== undefined) add('c.portal_code = ?', f.portalCode);
  if (f.portalState !== undefined) add('c.portal_state = ?', f.portalState);
  if (f.source !== undefined) add('c.source = ?', f.source);
  if (f.linked === true) add('c.visit_id IS NOT NULL');
  if (f.linked === false) add('c.visit_id IS NULL');
  return { where, params };
}

export class CardCheckQueries {
  constructor(private readonly db: Database) {}

  /** Auditors' search, newest first; `before` continues a page. Every value is a bound parameter. */
  async search(filter: CardCheckFilter, page: { before?: CardCheckCursor; limit: number }): Promise<CardCheckAuditRow[]> {
    const { where, params } = whereClause(filter);
    if (page.before !== undefined) {
      where.push('(c.created_at < ? OR (c.created_at = ? AND c.id < ?))');
      params.push(page.before.createdAt, page.before.createdAt, page.before.id);
    }
    params.push(page.limit);
    const rows = await this.db.all(
      `SELECT ${AUDIT_COLUMNS} FROM card_checks c LEFT JOIN visit_rechecks r ON r.card_check_id = c.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
      params,
    );
    return rows.map(auditFromRow);
  }

  /** Every operator who made a check, under each name recorded (the auditors' operator search). */
  async operatorNames(): Promise<Array<{ operator: string; operator_name: string }>> {
    return this.db.all('SELECT DISTINCT operator, operator_name FROM card_checks');
  }

  /** The whole search in batches (CSV export): one short query per batch, never the whole set in memory. */
  async *searchAll(filter: CardCheckFilter, batchSize = 500): AsyncGenerator<CardCheckAuditRow[]> {
    let before: CardCheckCursor | undefined;
    for (;;) {
      const rows = await this.search(filter, { limit: batchSize, ...(before ? { before } : {}) });
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1]!;
      before = { createdAt: last.createdAt, id: last.id };
    }
  }
}
