/**
 * All SQL about visits, the sync outbox, idempotency keys and auditor reads. The write path is
 * built for the check-in hot path: one transaction per check-in, cached prepared statements, and
 * the chain head kept in memory (read once at start; the database queue serialises writers and
 * this service is the only writer of visits).
 */
import { EventEmitter } from 'node:events';
import type { Database, Queryable, Tx } from '../db/database.js';
import { ChainWalker, GENESIS_HASH, chainHash, type IntegrityReport, type VisitContent, type VisitRow } from './chain.js';

export interface VisitRecordedEvent {
  seq: number;
  id: string;
  verdict: VisitRow['verdict'];
  /** True when a sync_outbox row was written with the visit (accepted / needs_review). */
  outbox: boolean;
}

export interface VisitFilter {
  /** Inclusive lower bound, ms. */
  fromMs?: number;
  /** Exclusive upper bound, ms. */
  toMs?: number;
  cardNumber?: string;
  maSoBhxh?: string;
  verdict?: VisitRow['verdict'];
  reasonCode?: string;
  operator?: string;
  desk?: string;
}

export interface IdempotencyRecord {
  requestHash: string;
  status: number;
  response: string;
}

export interface DaySummaryRow {
  day: string;
  verdict: VisitRow['verdict'];
  n: number;
}

const COLS = 'v.seq, v.id, v.facility, v.desk_id, v.operator, v.operator_name, v.operator_cccd, v.recorded_at, v.checked_at, v.visit_type, v.verdict, v.code, v.reason_codes, v.review_note, v.source, v.card_key, v.card_number, v.ma_so_bhxh, v.card_json, v.issuer, v.key_id, v.rid, v.demo, v.qr_text, v.prev_hash, v.hash';
const INSERT_VISIT = `INSERT INTO visits (seq, id, facility, desk_id, operator, operator_name, operator_cccd, recorded_at, checked_at, visit_type, verdict, code, reason_codes, review_note, source, card_key, card_number, ma_so_bhxh, card_json, issuer, key_id, rid, demo, qr_text, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const VN_OFFSET_MS = 7 * 3600 * 1000;
const WALK_BATCH = 1000;

export class VisitRepository {
  #head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  #events = new EventEmitter();

  constructor(readonly db: Database) {
    this.#events.setMaxListeners(50);
  }

  /** Reads the chain head once; call before the first insert. */
  async init(): Promise<void> {
    const r = await this.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM visits ORDER BY seq DESC LIMIT 1');
    this.#head = r ? { seq: r.seq, hash: r.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  get head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  /**
   * Subscribes to committed visits (e.g. to wake the sync worker). Called after COMMIT, never
   * for a rolled-back insert; returns an unsubscribe function.
   */
  onVisitRecorded(listener: (e: VisitRecordedEvent) => void): () => void {
    this.#events.on('recorded', listener);
    return () => this.#events.off('recorded', listener);
  }

  // ── write path (inside a transaction) ──

  async findIdempotency(q: Queryable, operator: string, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await q.get<{ request_hash: string; status: number; response: string }>(
      'SELECT request_hash, status, response FROM idempotency_keys WHERE operator = ? AND key = ?',
      [operator, key],
    );
    return r ? { requestHash: r.request_hash, status: r.status, response: r.response } : undefined;
  }

  async saveIdempotency(q: Queryable, rec: { operator: string; key: string; requestHash: string; status: number; visitSeq: number; response: string; at: number }): Promise<void> {
    await q.run('INSERT INTO idempotency_keys (operator, key, request_hash, status, visit_seq, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      rec.operator,
      rec.key,
      rec.requestHash,
      rec.status,
      rec.visitSeq,
      rec.response,
      rec.at,
    ]);
  }

  /** The newest recorded (non-rejected) visit of this card at this facility since `sinceMs`. */
  async findRecentVisitOfCard(q: Queryable, facility: string, cardKey: string, sinceMs: number): Promise<VisitRow | undefined> {
    return q.get<VisitRow>(
      `SELECT ${COLS} FROM visits v WHERE v.facility = ? AND v.card_key = ? AND v.recorded_at >= ? AND v.verdict != 'rejected' ORDER BY v.seq DESC LIMIT 1`,
      [facility, cardKey, sinceMs],
    );
  }

  /**
   * Appends a row to the chain (and, unless rejected, its sync_outbox row) inside `tx`. The head
   * advances and listeners hear of it only after COMMIT.
   */
  async insert(tx: Tx, content: Omit<VisitContent, 'seq'>): Promise<VisitRow> {
    const seq = this.#head.seq + 1;
    const prevHash = this.#head.hash;
    const full: VisitContent = { ...content, seq };
    const row: VisitRow = { ...full, prev_hash: prevHash, hash: chainHash(prevHash, full) };
    await tx.run(INSERT_VISIT, [
      row.seq, row.id, row.facility, row.desk_id, row.operator, row.operator_name, row.operator_cccd, row.recorded_at, row.checked_at,
      row.visit_type, row.verdict, row.code, row.reason_codes, row.review_note, row.source, row.card_key, row.card_number, row.ma_so_bhxh,
      row.card_json, row.issuer, row.key_id, row.rid, row.demo, row.qr_text, row.prev_hash, row.hash,
    ]);
    const outbox = row.verdict !== 'rejected';
    if (outbox) await tx.run('INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (?, ?)', [row.seq, row.id]);
    tx.afterCommit(() => {
      this.#head = { seq: row.seq, hash: row.hash };
      const event: VisitRecordedEvent = { seq: row.seq, id: row.id, verdict: row.verdict, outbox };
      // Listeners run outside the queue job: a slow or throwing listener cannot stall writes.
      setImmediate(() => {
        try {
          this.#events.emit('recorded', event);
        } catch {
          // A listener's failure is its own business; the visit is committed.
        }
      });
    });
    return row;
  }

  // ── reads ──

  async recentAtDesk(facility: string, desk: string, limit: number): Promise<VisitRow[]> {
    return this.db.all<VisitRow>(`SELECT ${COLS} FROM visits v WHERE v.facility = ? AND v.desk_id = ? ORDER BY v.seq DESC LIMIT ?`, [facility, desk, limit]);
  }

  async bySeq(seq: number): Promise<VisitRow | undefined> {
    return this.db.get<VisitRow>(`SELECT ${COLS} FROM visits v WHERE v.seq = ?`, [seq]);
  }

  /** Newest first; `beforeSeq` continues a page. Every value is a bound parameter. */
  async search(filter: VisitFilter, page: { beforeSeq?: number; limit: number }): Promise<VisitRow[]> {
    const { where, params } = whereClause(filter);
    if (page.beforeSeq !== undefined) {
      where.push('v.seq < ?');
      params.push(page.beforeSeq);
    }
    params.push(page.limit);
    return this.db.all<VisitRow>(`SELECT ${COLS} FROM visits v${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY v.seq DESC LIMIT ?`, params);
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

  async recordAuditRead(username: string, endpoint: string, filter: unknown, at: number): Promise<void> {
    await this.db.run('INSERT INTO audit_reads (at, username, endpoint, filter) VALUES (?, ?, ?, ?)', [at, username, endpoint, JSON.stringify(filter)]);
  }

  async auditReads(limit: number): Promise<Array<{ id: number; at: number; username: string; endpoint: string; filter: string }>> {
    return this.db.all('SELECT id, at, username, endpoint, filter FROM audit_reads ORDER BY id DESC LIMIT ?', [limit]);
  }

  /**
   * Walks the whole chain in batches (each batch its own queue job, so check-ins keep flowing
   * during a long walk) and checks the append-only triggers and the outbox's back-references.
   */
  async verifyChain(): Promise<IntegrityReport> {
    const walker = new ChainWalker();
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = await this.db.all<VisitRow & { has_outbox: number }>(
        `SELECT ${COLS}, (o.visit_seq IS NOT NULL) AS has_outbox FROM visits v LEFT JOIN sync_outbox o ON o.visit_seq = v.seq WHERE v.seq > ? ORDER BY v.seq LIMIT ?`,
        [after, WALK_BATCH],
      );
      for (const r of rows) {
        const { has_outbox, ...row } = r;
        walker.add(row, has_outbox === 1);
      }
      if (rows.length < WALK_BATCH) break;
      after = rows[rows.length - 1]!.seq;
    }
    const report: IntegrityReport = { intact: true, count: walker.count, headSeq: walker.headSeq, headHash: walker.headHash };
    if (walker.firstBreak) {
      return { ...report, intact: false, firstBrokenSeq: walker.firstBreak.seq, problem: walker.firstBreak.kind, message: walker.firstBreak.message };
    }
    // A sync record whose visit is gone: the visit was deleted (e.g. the last row, which no
    // later link would reveal).
    const orphan = await this.db.get<{ seq: number | null }>('SELECT min(visit_seq) AS seq FROM sync_outbox WHERE visit_seq NOT IN (SELECT seq FROM visits)');
    if (orphan?.seq != null) {
      return { ...report, intact: false, firstBrokenSeq: orphan.seq, problem: 'OUTBOX_ORPHAN', message: `row ${orphan.seq} was removed (its sync record remains)` };
    }
    const triggers = await this.db.all<{ name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'",
    );
    const guards = ['visits_no_update', 'visits_no_delete'].filter((n) => triggers.some((t) => t.name === n && /RAISE\s*\(\s*ABORT/i.test(t.sql)));
    if (guards.length !== 2) {
      return { ...report, intact: false, problem: 'TRIGGERS_MISSING', message: 'the append-only triggers on visits were removed or altered' };
    }
    return report;
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
  return { where, params };
}
