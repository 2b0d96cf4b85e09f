/**
 * Reads of the visit log: a desk's recent visits, one visit by seq, the auditors' search and
 * summaries, and the auditors' own read trail (audit_reads). Nothing here writes a visit.
 */
import type { Database } from '../db/database.js';
import { VISIT_SELECT, visitFromRow, type Verdict, type VisitRow } from './visit-record.js';
import { VN_OFFSET_MS } from '../wire/vietnam-time.js';

export interface VisitFilter {
  /** Inclusive lower bound, ms. */
  fromMs?: number;
  /** Exclusive upper bound, ms. */
  toMs?: number;
  cardNumber?: string;
  maSoBhxh?: string;
  verdict?: Verdict;
  reasonCode?: string;
  operator?: string;
  desk?: string;
  /** Part of a card number (upper case letters and digits): the visits whose number contains it. */
  cardNumberPart?: string;
  /** Any of these operators (usernames), e.g. resolved from a name the auditor typed; empty: none. */
  operators?: readonly string[];
  /** Any of these patients' full names (as recorded), e.g. resolved from a name typed without marks; empty: none. */
  patientNames?: readonly string[];
}

export interface DaySummaryRow {
  day: string;
  verdict: Verdict;
  n: number;
}

export interface AuditReadRow {
  id: number;
  at: number;
  username: string;
  endpoint: string;
  filter: string;
}

export class VisitQueries {
  constructor(private readonly db: Database) {}

  async recentAtDesk(facility: string, desk: string, limit: number): Promise<VisitRow[]> {
    const rows = await this.db.all(
      `SELECT ${VISIT_SELECT} FROM visits v WHERE v.facility = ? AND v.desk_id = ? ORDER BY v.seq DESC LIMIT ?`,
      [facility, desk, limit],
    );
    return rows.map(visitFromRow);
  }

  async bySeq(seq: number): Promise<VisitRow | undefined> {
    const row = await this.db.get(`SELECT ${VISIT_SELECT} FROM visits v WHERE v.seq = ?`, [seq]);
    return row ? visitFromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` continues a page. Every value is a bound parameter. */
  async search(filter: VisitFilter, page: { beforeSeq?: number; limit: number }): Promise<VisitRow[]> {
    const { where, params } = whereClause(filter);
    if (page.beforeSeq !== undefined) {
      where.push('v.seq < ?');
      params.push(page.beforeSeq);
    }
    params.push(page.limit);
    const rows = await this.db.all(
      `SELECT ${VISIT_SELECT} FROM visits v${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY v.seq DESC LIMIT ?`,
      params,
    );
    return rows.map(visitFromRow);
  }

  /** Counts per Vietnam calendar day and verdict. */
  async countsPerDay(filter: VisitFilter): Promise<DaySummaryRow[]> {
    const { where, params } = whereClause(filter);
    return this.db.all<DaySummaryRow>(
      `SELECT strftime('%Y-%m-%d', (v.recorded_at + ${VN_OFFSET_MS}) / 1000, 'unixepoch') AS day, v.verdict AS verdict, count(*) AS n
         FROM visits v${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        GROUP BY day, v.verdict ORDER BY day, v.verdict`,
      params,
    );
  }

  /** The most frequent reason codes among rejected check-ins. */
  async topRejectReasons(filter: VisitFilter, limit: number): Promise<Array<{ code: string; n: number }>> {
    const { where, params } = whereClause({ ...filter, verdict: 'rejected' });
    params.push(limit);
    return this.db.all<{ code: string; n: number }>(
      `SELECT j.value AS code, count(*) AS n FROM visits v, json_each(v.reason_codes) j
        WHERE ${where.join(' AND ')} AND j.value != 'OK'
        GROUP BY j.value ORDER BY n DESC, code LIMIT ?`,
      params,
    );
  }

  /** Every operator who recorded a visit, with the names they were recorded under (for the auditors' name search). */
  async operatorNames(): Promise<Array<{ operator: string; operator_name: string }>> {
    return this.db.all('SELECT DISTINCT operator, operator_name FROM visits');
  }

  /** Every patient name on a recorded card (for the auditors' name search, with or without diacritics). */
  async patientNames(): Promise<string[]> {
    const rows = await this.db.all<{ name: string }>(
      "SELECT DISTINCT json_extract(card_json, '$.fullName') AS name FROM visits WHERE card_json IS NOT NULL AND json_extract(card_json, '$.fullName') IS NOT NULL",
    );
    return rows.map((r) => r.name);
  }

  async recordAuditRead(username: string, endpoint: string, filter: unknown, at: number): Promise<void> {
    await this.db.run('INSERT INTO audit_reads (at, username, endpoint, filter) VALUES (?, ?, ?, ?)', [
      at,
      username,
      endpoint,
      JSON.stringify(filter),
    ]);
  }

  async auditReads(limit: number): Promise<AuditReadRow[]> {
    return this.db.all<AuditReadRow>('SELECT id, at, username, endpoint, filter FROM audit_reads ORDER BY id DESC LIMIT ?', [limit]);
  }
}

function whereClause(f: VisitFilter): { where: string[]; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, v: string | number) => {
    where.push(sql);
    params.push(v);
  };
  if (f.fromMs !== undefined) add('v.recorded_at >= ?', f.fromMs);
  if (f.toMs !== undefined) add('v.recorded_at < ?', f.toMs);
  if (f.cardNumber !== undefined) add('v.card_number = ?', f.cardNumber);
  if (f.maSoBhxh !== undefined) add('v.ma_so_bhxh = ?', f.maSoBhxh);
  if (f.verdict !== undefined) add('v.verdict = ?', f.verdict);
  if (f.reasonCode !== undefined) add('EXISTS (SELECT 1 FROM json_each(v.reason_codes) r WHERE r.value = ?)', f.reasonCode);
  if (f.operator !== undefined) add('v.operator = ?', f.operator);
  if (f.desk !== undefined) add('v.desk_id = ?', f.desk);
  // A part of a card number: letters and digits only (the filter checks), so no LIKE escapes are needed.
  if (f.cardNumberPart !== undefined) add("v.card_number LIKE '%' || ? || '%'", f.cardNumberPart);
  // Lists travel as one JSON parameter, whatever their length.
  if (f.operators !== undefined) add('v.operator IN (SELECT value FROM json_each(?))', JSON.stringify(f.operators));
  if (f.patientNames !== undefined)
    add("json_extract(v.card_json, '$.fullName') IN (SELECT value FROM json_each(?))", JSON.stringify(f.patientNames));
  return { where, params };
}
