/**
 * All SQL about visits, the sync outbox, idempotency keys and auditor reads. The write path is
 * built for the check-in hot path: a new visit is ONE statement (the duplicate rule folded into
 * the INSERT, the outbox row written by a trigger in the same implicit transaction), cached
 * prepared statements, and the chain head kept in memory (read once at start; the database queue
 * serialises writers and this service is the only writer of visits).
 */
import { EventEmitter } from 'node:events';
import { DatabaseError, type Database, type Queryable, type Tx } from '../db/database.js';
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

const COLS =
  'v.seq, v.id, v.facility, v.desk_id, v.operator, v.operator_name, v.operator_cccd, v.recorded_at, v.checked_at, v.visit_type, v.verdict, v.code, v.reason_codes, v.review_note, v.source, v.card_key, v.card_number, v.ma_so_bhxh, v.card_json, v.issuer, v.key_id, v.rid, v.demo, v.qr_text, v.prev_hash, v.hash';
const INSERT_VISIT = `INSERT INTO visits (seq, id, facility, desk_id, operator, operator_name, operator_cccd, recorded_at, checked_at, visit_type, verdict, code, reason_codes, review_note, source, card_key, card_number, ma_so_bhxh, card_json, issuer, key_id, rid, demo, qr_text, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const VISIT_VALUES = `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`;
/**
 * The duplicate-visit rule folded into the insert: the row is written only when this card has no
 * recorded (non-rejected) visit at this facility since the window's start (the visits_card_window
 * index answers the NOT EXISTS). changes = 0 means "duplicate"; the existing visit is then read.
 */
const INSERT_VISIT_UNLESS_RECENT = `INSERT INTO visits (seq, id, facility, desk_id, operator, operator_name, operator_cccd, recorded_at, checked_at, visit_type, verdict, code, reason_codes, review_note, source, card_key, card_number, ma_so_bhxh, card_json, issuer, key_id, rid, demo, qr_text, prev_hash, hash)
SELECT ${VISIT_VALUES}
 WHERE NOT EXISTS (SELECT 1 FROM visits d WHERE d.facility = ? AND d.card_key = ? AND d.recorded_at >= ? AND d.verdict != 'rejected')`;
/**
 * The outbox row of every recorded (non-rejected) visit, written by the visit's own INSERT so the
 * two can never be apart and cost one statement. A TEMP trigger on purpose: it exists only on the
 * kiosk's own connection, not in the file, so a row inserted into the file by anything else (a
 * person with the file, another program) still gets no sync record and `audit verify` reports it
 * as OUTBOX_MISSING, exactly as before this trigger existed; and nobody can drop it from the file.
 */
const OUTBOX_TRIGGER = `CREATE TEMP TRIGGER IF NOT EXISTS visits_outbox_row AFTER INSERT ON main.visits
WHEN NEW.verdict != 'rejected'
BEGIN INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (NEW.seq, NEW.id); END`;
/** Rows per group write (26 parameters each). */
export const MAX_BATCH = 64;
/**
 * The row counts a group INSERT is prepared for. A group of n rows uses the smallest shape that
 * holds it and fills the rest with NULL rows, which the statement drops (see insertVisitsSql).
 * Why: one prepared statement per distinct n (up to 64 of them, the larger ones tens of KB of
 * VDBE code each, and every one keeping its last bound values alive) was megabytes of native
 * memory that never went away; four shapes are a fraction of that, and a group is still ONE
 * statement (atomic, one round trip).
 */
export const INSERT_SHAPES = [1, 8, 32, MAX_BATCH] as const;
const COLUMNS = VISIT_VALUES.split(',').length;
/**
 * The group INSERT for up to `shape` rows: the rows come from a VALUES list and padding rows
 * (all NULL) are filtered out by `column1` (seq, never NULL in a real row). Column affinity and
 * row order are those of a plain multi-row INSERT.
 */
const insertVisitsSql = (shape: number) =>
  `${INSERT_VISIT.slice(0, INSERT_VISIT.indexOf('VALUES'))}SELECT * FROM (VALUES ${Array.from({ length: shape }, () => `(${VISIT_VALUES})`).join(', ')}) WHERE column1 IS NOT NULL`;
const INSERT_SQL_BY_SHAPE = new Map<number, string>(INSERT_SHAPES.map((n) => [n, insertVisitsSql(n)]));

/** The prepared group INSERT for `rows` rows and its parameters (padded with NULL rows). */
export function groupInsert(rows: ReadonlyArray<VisitRow>): { sql: string; params: Array<string | number | null> } {
  const shape = INSERT_SHAPES.find((n) => n >= rows.length);
  if (shape === undefined) throw new DatabaseError(`a group write holds at most ${MAX_BATCH} rows`);
  const params: Array<string | number | null> = rows.flatMap(visitValues);
  for (let i = params.length, end = shape * COLUMNS; i < end; i++) params.push(null);
  return { sql: INSERT_SQL_BY_SHAPE.get(shape)!, params };
}
const VN_OFFSET_MS = 7 * 3600 * 1000;
const WALK_BATCH = 1000;

/** A new row, or (duplicate rule) the visit already recorded for this card in the window. */
export type AppendResult = { inserted: true; row: VisitRow } | { inserted: false; existing: VisitRow };

export interface AppendOptions {
  /**
   * Apply the duplicate-visit rule: write nothing when this card (content.card_key) has a
   * non-rejected visit at content.facility recorded at or after this time (ms).
   */
  unlessRecentSince?: number;
}

interface QueuedAppend {
  content: Omit<VisitContent, 'seq'>;
  since: number | undefined;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

export class VisitRepository {
  #head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  #ready = false;
  /** record() calls waiting for the next group write. */
  #queued: QueuedAppend[] = [];
  #batchScheduled = false;
  #events = new EventEmitter();
  /**
   * The duplicate rule's working set for group writes: per facility + card key, the newest
   * non-rejected visit (seq) and the latest time one was recorded. This process is the log's
   * only writer (every commit passes #committed), so it mirrors the table; it spares each group
   * write a SELECT round trip, which under load waited behind the whole thread pool.
   */
  #recent = new Map<string, { seq: number; at: number }>();
  readonly #recentKeepMs: number;

  /** `duplicateWindowMs`: the longest duplicate window in use (default 24 h). */
  constructor(
    readonly db: Database,
    opts: { duplicateWindowMs?: number } = {},
  ) {
    this.#events.setMaxListeners(50);
    this.#recentKeepMs = Math.max(opts.duplicateWindowMs ?? 86_400_000, 60_000);
  }

  /** Reads the chain head once and installs the outbox trigger; call before the first insert. */
  async init(): Promise<void> {
    await this.db.exec(OUTBOX_TRIGGER);
    const r = await this.db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM visits ORDER BY seq DESC LIMIT 1');
    this.#head = r ? { seq: r.seq, hash: r.hash } : { seq: 0, hash: GENESIS_HASH };
    // Visits recent enough for the duplicate rule, measured from the newest one (not this
    // machine's clock, which may be off): what group writes check instead of a SELECT.
    const recent = await this.db.all<{ seq: number; facility: string; card_key: string; recorded_at: number }>(
      `SELECT seq, facility, card_key, recorded_at FROM visits
        WHERE verdict != 'rejected' AND recorded_at >= (SELECT coalesce(max(recorded_at), 0) FROM visits) - ?
        ORDER BY seq`,
      [this.#recentKeepMs],
    );
    this.#recent.clear();
    for (const v of recent) this.#remember(v.facility, v.card_key, v.seq, v.recorded_at);
    this.#ready = true;
  }

  #remember(facility: string, cardKey: string, seq: number, at: number): void {
    const key = `${facility}\u0000${cardKey}`;
    const prev = this.#recent.get(key);
    // Re-inserted so the Map's order stays oldest-first, which makes pruning a walk from the front.
    if (prev) this.#recent.delete(key);
    this.#recent.set(key, { seq, at: prev ? Math.max(prev.at, at) : at });
  }

  #prune(newestAt: number): void {
    const cutoff = newestAt - this.#recentKeepMs;
    for (const [key, v] of this.#recent) {
      if (v.at >= cutoff) break;
      this.#recent.delete(key);
    }
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

  // ── write path ──

  async findIdempotency(q: Queryable, operator: string, key: string): Promise<IdempotencyRecord | undefined> {
    const r = await q.get<{ request_hash: string; status: number; response: string }>(
      'SELECT request_hash, status, response FROM idempotency_keys WHERE operator = ? AND key = ?',
      [operator, key],
    );
    return r ? { requestHash: r.request_hash, status: r.status, response: r.response } : undefined;
  }

  async saveIdempotency(
    q: Queryable,
    rec: { operator: string; key: string; requestHash: string; status: number; visitSeq: number; response: string; at: number },
  ): Promise<void> {
    await q.run(
      'INSERT INTO idempotency_keys (operator, key, request_hash, status, visit_seq, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [rec.operator, rec.key, rec.requestHash, rec.status, rec.visitSeq, rec.response, rec.at],
    );
  }

  /** The newest recorded (non-rejected) visit of this card at this facility since `sinceMs`. */
  async findRecentVisitOfCard(q: Queryable, facility: string, cardKey: string, sinceMs: number): Promise<VisitRow | undefined> {
    return q.get<VisitRow>(
      `SELECT ${COLS} FROM visits v WHERE v.facility = ? AND v.card_key = ? AND v.recorded_at >= ? AND v.verdict != 'rejected' ORDER BY v.seq DESC LIMIT 1`,
      [facility, cardKey, sinceMs],
    );
  }

  /**
   * Appends a visit (and, by trigger, its sync_outbox row) outside any caller's transaction.
   *
   * Group write: calls are collected and written by one database job per batch (up to
   * MAX_BATCH), so under load a check-in costs a share of a few thread-pool round trips rather
   * than several of its own (the queue is serial and every round trip also waits for the busy
   * event loop). A batch is: one SELECT for the duplicate rule of all its cards, one multi-row
   * INSERT (one statement: atomic, and the outbox trigger fires per row). A lone call is the
   * single INSERT … WHERE NOT EXISTS statement. The chain links are computed in the job from the
   * head and the head moves only after the statement succeeded. If a batch's INSERT fails the
   * rows are retried one by one, so a bad row fails alone. Two calls for the same card in one
   * batch: the later waits for the next batch, where it finds the first (committed) visit.
   */
  record(content: Omit<VisitContent, 'seq'>, opts: AppendOptions = {}): Promise<AppendResult> {
    if (opts.unlessRecentSince !== undefined && content.verdict === 'rejected') {
      return Promise.reject(new DatabaseError('the duplicate rule does not apply to rejected attempts'));
    }
    return new Promise((resolve, reject) => {
      this.#queued.push({ content, since: opts.unlessRecentSince, resolve, reject });
      this.#scheduleBatch();
    });
  }

  #scheduleBatch(): void {
    if (this.#batchScheduled || this.#queued.length === 0) return;
    this.#batchScheduled = true;
    let started = false;
    // The next batch is scheduled when this job has finished (from outside it: a job may not
    // queue another), so whatever arrives meanwhile is written together.
    this.db
      .autocommit(async (q) => {
        started = true;
        const batch = this.#queued.splice(0, MAX_BATCH);
        try {
          await this.#writeBatch(q, batch);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      })
      .then(
        () => {
          this.#batchScheduled = false;
          this.#scheduleBatch();
        },
        (err: unknown) => {
          this.#batchScheduled = false;
          // The job never ran (the database is closed): nobody else will answer the waiting calls.
          if (!started) for (const b of this.#queued.splice(0)) b.reject(err);
          else this.#scheduleBatch();
        },
      );
  }

  async #writeBatch(q: Queryable, batch: QueuedAppend[]): Promise<void> {
    if (!this.#ready) throw new DatabaseError('VisitRepository.init() must run before the first insert');
    if (batch.length === 1 && batch[0]!.since !== undefined) {
      // Alone: the duplicate rule folded into the INSERT is one statement.
      const b = batch[0]!;
      const r = await this.#appendOne(q, b.content, b.since);
      b.resolve(r);
      return;
    }
    // The same card twice in one batch: the later one waits for the next batch (it will then see
    // the earlier one's committed row and be its duplicate).
    const seen = new Set<string>();
    const now: QueuedAppend[] = [];
    const later: QueuedAppend[] = [];
    for (const b of batch) {
      if (b.since === undefined) now.push(b);
      else {
        const k = `${b.content.facility}\u0000${b.content.card_key}`;
        if (seen.has(k)) later.push(b);
        else {
          seen.add(k);
          now.push(b);
        }
      }
    }
    if (later.length > 0) this.#queued.unshift(...later);

    const existing = this.#recentVisits(now);
    const toWrite: QueuedAppend[] = [];
    const dupSeqs = new Map<QueuedAppend, number>();
    for (const b of now) {
      const seq = existing.get(b);
      if (seq === undefined) toWrite.push(b);
      else dupSeqs.set(b, seq);
    }
    if (dupSeqs.size > 0) {
      const rows = await q.all<VisitRow>(`SELECT ${COLS} FROM visits v WHERE v.seq IN (SELECT value FROM json_each(?))`, [
        JSON.stringify([...new Set(dupSeqs.values())]),
      ]);
      const bySeq = new Map(rows.map((r) => [r.seq, r]));
      for (const [b, seq] of dupSeqs) {
        const row = bySeq.get(seq);
        if (row) b.resolve({ inserted: false, existing: row });
        else b.reject(new DatabaseError('duplicate rule matched a visit that cannot be read back'));
      }
    }
    if (toWrite.length === 0) return;

    const rows = this.#link(toWrite.map((b) => b.content));
    try {
      const { sql, params } = groupInsert(rows);
      await q.run(sql, params);
    } catch {
      // The statement wrote nothing (one statement, one implicit transaction): retry one by one
      // so that only the row at fault fails.
      for (const b of toWrite) {
        try {
          b.resolve(await this.#appendOne(q, b.content, undefined));
        } catch (err) {
          b.reject(err);
        }
      }
      return;
    }
    this.#committed(rows);
    toWrite.forEach((b, i) => b.resolve({ inserted: true, row: rows[i]! }));
  }

  /** For each call with a duplicate rule: the seq of its card's newest recent visit, if any. */
  /** The batch's calls whose card already has a visit in their window, with that visit's seq. */
  #recentVisits(batch: readonly QueuedAppend[]): Map<QueuedAppend, number> {
    const found = new Map<QueuedAppend, number>();
    for (const b of batch) {
      if (b.since === undefined) continue;
      const hit = this.#recent.get(`${b.content.facility}\u0000${b.content.card_key}`);
      if (hit !== undefined && hit.at >= b.since) found.set(b, hit.seq);
    }
    return found;
  }

  /** One row in its own statement (the duplicate rule folded in when `since` is given). */
  async #appendOne(q: Queryable, content: Omit<VisitContent, 'seq'>, since: number | undefined): Promise<AppendResult> {
    const r = await this.#writeOne(q, content, since);
    if (r.inserted) this.#committed([r.row]);
    return r;
  }

  /** Writes one row; the caller moves the head once the write is committed. */
  async #writeOne(q: Queryable, content: Omit<VisitContent, 'seq'>, since: number | undefined): Promise<AppendResult> {
    if (!this.#ready) throw new DatabaseError('VisitRepository.init() must run before the first insert');
    if (since !== undefined && content.verdict === 'rejected')
      throw new DatabaseError('the duplicate rule does not apply to rejected attempts');
    const row = this.#link([content])[0]!;
    if (since !== undefined) {
      const r = await q.run(INSERT_VISIT_UNLESS_RECENT, [...visitValues(row), row.facility, row.card_key, since]);
      if (r.changes === 0) {
        const existing = await this.findRecentVisitOfCard(q, row.facility, row.card_key, since);
        if (!existing) throw new DatabaseError('duplicate rule matched a visit that cannot be read back');
        return { inserted: false, existing };
      }
    } else {
      await q.run(INSERT_VISIT, visitValues(row));
    }
    return { inserted: true, row };
  }

  /** Chains rows onto the current head (tentatively: the head itself is not moved here). */
  #link(contents: ReadonlyArray<Omit<VisitContent, 'seq'>>): VisitRow[] {
    let { seq, hash } = this.#head;
    return contents.map((c) => {
      const full: VisitContent = { ...c, seq: ++seq };
      const row: VisitRow = { ...full, prev_hash: hash, hash: chainHash(hash, full) };
      hash = row.hash;
      return row;
    });
  }

  /** Rows that are committed: the head moves to the last, listeners hear of each. */
  #committed(rows: readonly VisitRow[]): void {
    const last = rows[rows.length - 1];
    if (!last) return;
    this.#head = { seq: last.seq, hash: last.hash };
    for (const row of rows) if (row.verdict !== 'rejected') this.#remember(row.facility, row.card_key, row.seq, row.recorded_at);
    this.#prune(last.recorded_at);
    const events = rows.map((row): VisitRecordedEvent => ({
      seq: row.seq,
      id: row.id,
      verdict: row.verdict,
      outbox: row.verdict !== 'rejected',
    }));
    // Listeners run outside the queue job: a slow or throwing listener cannot stall writes.
    setImmediate(() => {
      for (const event of events) {
        try {
          this.#events.emit('recorded', event);
        } catch {
          // A listener's failure is its own business; the visit is committed.
        }
      }
    });
  }

  /**
   * Appends a row to the chain (and, unless rejected, its sync_outbox row) inside `tx`, unless
   * the duplicate rule finds a recent visit. The head advances and listeners hear of it only
   * after COMMIT: a failed, rolled-back or duplicate write leaves the head where it was.
   */
  async append(tx: Tx, content: Omit<VisitContent, 'seq'>, opts: AppendOptions = {}): Promise<AppendResult> {
    const r = await this.#writeOne(tx, content, opts.unlessRecentSince);
    if (r.inserted) tx.afterCommit(() => this.#committed([r.row]));
    return r;
  }

  /** Appends unconditionally inside `tx` (seeding, tests); see append(). */
  async insert(tx: Tx, content: Omit<VisitContent, 'seq'>): Promise<VisitRow> {
    const r = await this.append(tx, content);
    if (!r.inserted) throw new DatabaseError('unreachable: no duplicate rule was asked for');
    return r.row;
  }

  // ── reads ──

  async recentAtDesk(facility: string, desk: string, limit: number): Promise<VisitRow[]> {
    return this.db.all<VisitRow>(`SELECT ${COLS} FROM visits v WHERE v.facility = ? AND v.desk_id = ? ORDER BY v.seq DESC LIMIT ?`, [
      facility,
      desk,
      limit,
    ]);
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
    return this.db.all<VisitRow>(
      `SELECT ${COLS} FROM visits v${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY v.seq DESC LIMIT ?`,
      params,
    );
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
    await this.db.run('INSERT INTO audit_reads (at, username, endpoint, filter) VALUES (?, ?, ?, ?)', [
      at,
      username,
      endpoint,
      JSON.stringify(filter),
    ]);
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
      return {
        ...report,
        intact: false,
        firstBrokenSeq: walker.firstBreak.seq,
        problem: walker.firstBreak.kind,
        message: walker.firstBreak.message,
      };
    }
    // A sync record whose visit is gone: the visit was deleted (e.g. the last row, which no
    // later link would reveal).
    const orphan = await this.db.get<{ seq: number | null }>(
      'SELECT min(visit_seq) AS seq FROM sync_outbox WHERE visit_seq NOT IN (SELECT seq FROM visits)',
    );
    if (orphan?.seq != null) {
      return {
        ...report,
        intact: false,
        firstBrokenSeq: orphan.seq,
        problem: 'OUTBOX_ORPHAN',
        message: `row ${orphan.seq} was removed (its sync record remains)`,
      };
    }
    const triggers = await this.db.all<{ name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'",
    );
    const guards = ['visits_no_update', 'visits_no_delete'].filter((n) =>
      triggers.some((t) => t.name === n && /RAISE\s*\(\s*ABORT/i.test(t.sql)),
    );
    if (guards.length !== 2) {
      return {
        ...report,
        intact: false,
        problem: 'TRIGGERS_MISSING',
        message: 'the append-only triggers on visits were removed or altered',
      };
    }
    return report;
  }
}

function visitValues(row: VisitRow): Array<string | number | null> {
  return [
    row.seq,
    row.id,
    row.facility,
    row.desk_id,
    row.operator,
    row.operator_name,
    row.operator_cccd,
    row.recorded_at,
    row.checked_at,
    row.visit_type,
    row.verdict,
    row.code,
    row.reason_codes,
    row.review_note,
    row.source,
    row.card_key,
    row.card_number,
    row.ma_so_bhxh,
    row.card_json,
    row.issuer,
    row.key_id,
    row.rid,
    row.demo,
    row.qr_text,
    row.prev_hash,
    row.hash,
  ];
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
