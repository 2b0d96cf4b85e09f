/**
 * The visit log's only writer: appends visits to the hash chain, applies the duplicate rule
 * (duplicate-rule.ts) the same way on every path, and tells listeners of committed visits.
 *
 * Built for the check-in hot path: a new visit is ONE statement (the outbox row is written by a
 * trigger in the same implicit transaction, the duplicate rule is answered from memory), cached
 * prepared statements in a few shapes (visit-insert.ts), concurrent check-ins written as one
 * group, and the chain head kept in memory (read once at start). The head and the recent-visit
 * index are right only because this process is the log's only writer: the database queue
 * serialises this process's writes and the data-folder lock (server/db/data-dir-lock.ts) keeps a
 * second service off the folder. One file on purpose: the group queue, the head and the index
 * move together inside each database job, and that is what keeps them true.
 */
import { EventEmitter } from 'node:events';
import { DatabaseError, type Database, type Queryable, type Tx } from '../db/database.js';
import { GENESIS_HASH, chainHash } from './chain.js';
import { DUPLICATE_SQL, NOT_COVERED, RecentVisits, type RecentVisit } from './duplicate-rule.js';
import { MAX_BATCH, groupInsert } from './visit-insert.js';
import { NO_LATER_COLUMNS, VISIT_SELECT, visitFromRow, type Verdict, type VisitContent, type VisitRow } from './visit-record.js';

export interface VisitRecordedEvent {
  seq: number;
  id: string;
  verdict: Verdict;
  /** True when a sync_outbox row was written with the visit (accepted / needs_review). */
  outbox: boolean;
  /** True when a checkin_outbox row was written with it too (the check-in report is on). */
  checkInOutbox: boolean;
}

/** A new row, or (duplicate rule) the visit already recorded for this card in the window. */
export type AppendResult = { inserted: true; row: VisitRow } | { inserted: false; existing: VisitRow };

export interface AppendOptions {
  /**
   * Apply the duplicate-visit rule: write nothing when this card (content.card_key) has a
   * non-rejected visit at content.facility recorded at or after this time (ms).
   */
  unlessRecentSince?: number;
}

/** A visit without its place in the chain (seq and links are given by the writer). */
export type NewVisit = Omit<VisitContent, 'seq'>;

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

/**
 * The second destination's row (the check-in record to the portal, server/check-in-report/),
 * the same way, while the check-in report is on: a patient who is checked in is reported.
 */
const CHECKIN_OUTBOX_TRIGGER = `CREATE TEMP TRIGGER IF NOT EXISTS visits_checkin_outbox_row AFTER INSERT ON main.visits
WHEN NEW.verdict != 'rejected'
BEGIN INSERT INTO checkin_outbox (visit_seq, visit_id) VALUES (NEW.seq, NEW.id); END`;

const BY_SEQS = `SELECT ${VISIT_SELECT} FROM visits v WHERE v.seq IN (SELECT value FROM json_each(?))`;

interface QueuedAppend {
  content: NewVisit;
  since: number | undefined;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

export class VisitWriter {
  #head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  #ready = false;
  /** record() calls waiting for the next group write. */
  #queued: QueuedAppend[] = [];
  #batchScheduled = false;
  #events = new EventEmitter();
  /** The duplicate rule's index of recent visits (see duplicate-rule.ts). */
  readonly #recent: RecentVisits;
  /** Transactions that already appended a visit (one per transaction: the head moves on commit). */
  #appendedIn = new WeakSet<Tx>();

  /** Whether each recorded visit also gets a checkin_outbox row. */
  readonly #checkInOutbox: boolean;

  /**
   * `duplicateWindowMs`: the longest duplicate window in use (default 24 h). `checkInOutbox`:
   * write the check-in report's outbox row with every recorded visit (the report is on).
   */
  constructor(
    readonly db: Database,
    opts: { duplicateWindowMs?: number; checkInOutbox?: boolean } = {},
  ) {
    this.#checkInOutbox = opts.checkInOutbox ?? false;
    this.#events.setMaxListeners(50);
    this.#recent = new RecentVisits(Math.max(opts.duplicateWindowMs ?? 86_400_000, 60_000));
  }

  /**
   * Installs the outbox trigger(s), reads the chain head and loads the recent visits the duplicate
   * rule needs (measured from the newest visit, not this machine's clock, which may be off).
   * Call before the first write.
   */
  async init(): Promise<void> {
    await this.db.read(async (q) => {
      await q.exec(OUTBOX_TRIGGER);
      if (this.#checkInOutbox) await q.exec(CHECKIN_OUTBOX_TRIGGER);
      const head = await q.get<{ seq: number; hash: string; recorded_at: number }>(
        'SELECT seq, hash, (SELECT max(recorded_at) FROM visits) AS recorded_at FROM visits ORDER BY seq DESC LIMIT 1',
      );
      const recent = head
        ? await q.all<RecentVisit>(
            `SELECT seq, facility, card_key, recorded_at, verdict FROM visits
              WHERE verdict != 'rejected' AND recorded_at >= ? ORDER BY seq`,
            [head.recorded_at - this.#recent.keepMs],
          )
        : [];
      this.#head = head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
      this.#recent.load(recent, head ? head.recorded_at : null);
    });
    this.#ready = true;
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

  /**
   * The duplicate rule: the newest non-rejected visit of this card at this facility recorded at
   * or after `since`. Every path asks here. Run it inside a queue job (`q`): the index is current
   * at the start of every job.
   */
  async findDuplicate(q: Queryable, facility: string, cardKey: string, since: number): Promise<VisitRow | undefined> {
    if (!this.#ready) throw new DatabaseError('VisitWriter.init() must run before the duplicate rule is asked');
    const seq = this.#recent.find(facility, cardKey, since);
    if (seq === undefined) return undefined;
    const raw =
      seq === NOT_COVERED ? await q.get(DUPLICATE_SQL, [facility, cardKey, since]) : await q.get(BY_SEQS, [JSON.stringify([seq])]);
    if (!raw) {
      if (seq === NOT_COVERED) return undefined;
      throw new DatabaseError('duplicate rule matched a visit that cannot be read back');
    }
    return visitFromRow(raw);
  }

  /**
   * Appends a visit (and, by trigger, its sync_outbox row) outside any caller's transaction.
   *
   * Group write: calls are collected and written by one database job per batch (up to
   * MAX_BATCH), so under load a check-in costs a share of one thread-pool round trip rather
   * than several of its own (the queue is serial and every round trip also waits for the busy
   * event loop). A batch is: the duplicate rule for each call (from memory), one read of the
   * duplicates' rows if there are any, one multi-row INSERT (one statement: atomic, and the
   * outbox trigger fires per row). A lone call is the same with one row. The chain links are
   * computed in the job from the head and the head moves only after the statement succeeded. If
   * a batch's INSERT fails the rows are retried one by one, so a bad row fails alone. Two calls
   * for the same card in one batch: the later waits for the next batch, where it finds the first
   * (committed) visit.
   */
  record(content: NewVisit, opts: AppendOptions = {}): Promise<AppendResult> {
    if (opts.unlessRecentSince !== undefined && content.verdict === 'rejected') {
      return Promise.reject(new DatabaseError('the duplicate rule does not apply to rejected attempts'));
    }
    return new Promise((resolve, reject) => {
      this.#queued.push({ content, since: opts.unlessRecentSince, resolve, reject });
      this.#scheduleBatch();
    });
  }

  /**
   * Appends a row to the chain (and, unless rejected, its sync_outbox row) inside `tx`, unless
   * the duplicate rule finds a recent visit. The head advances and listeners hear of it only
   * after COMMIT: a failed, rolled-back or duplicate write leaves the head where it was. One
   * visit per transaction.
   */
  async append(tx: Tx, content: NewVisit, opts: AppendOptions = {}): Promise<AppendResult> {
    this.#checkWrite(content, opts.unlessRecentSince);
    if (this.#appendedIn.has(tx)) throw new DatabaseError('one visit per transaction: the chain head moves on commit');
    if (opts.unlessRecentSince !== undefined) {
      const existing = await this.findDuplicate(tx, content.facility, content.card_key, opts.unlessRecentSince);
      if (existing) return { inserted: false, existing };
    }
    const rows = this.#link([content]);
    this.#appendedIn.add(tx);
    await this.#insert(tx, rows);
    tx.afterCommit(() => this.#committed(rows));
    return { inserted: true, row: rows[0]! };
  }

  /** Appends unconditionally inside `tx` (seeding, tests); see append(). */
  async insert(tx: Tx, content: NewVisit): Promise<VisitRow> {
    const r = await this.append(tx, content);
    if (!r.inserted) throw new DatabaseError('unreachable: no duplicate rule was asked for');
    return r.row;
  }

  #checkWrite(content: NewVisit, since: number | undefined): void {
    if (!this.#ready) throw new DatabaseError('VisitWriter.init() must run before the first insert');
    if (since !== undefined && content.verdict === 'rejected') {
      throw new DatabaseError('the duplicate rule does not apply to rejected attempts');
    }
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
        await this.#writeBatch(q, this.#queued.splice(0, MAX_BATCH));
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

  /** Writes one batch; answers every call in it (or puts it back in the queue), never throws. */
  async #writeBatch(q: Queryable, batch: QueuedAppend[]): Promise<void> {
    try {
      for (const b of batch) this.#checkWrite(b.content, b.since);
    } catch (err) {
      for (const b of batch) b.reject(err);
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

    let toWrite: QueuedAppend[];
    try {
      toWrite = await this.#answerDuplicates(q, now);
    } catch (err) {
      for (const b of now) b.reject(err);
      return;
    }
    if (toWrite.length === 0) return;

    const rows = this.#link(toWrite.map((b) => b.content));
    try {
      await this.#insert(q, rows);
    } catch (err) {
      if (toWrite.length === 1) {
        toWrite[0]!.reject(err);
        return;
      }
      // The statement wrote nothing (one statement, one implicit transaction): retry one by one
      // so that only the row at fault fails.
      for (const b of toWrite) {
        try {
          const one = this.#link([b.content]);
          await this.#insert(q, one);
          this.#committed(one);
          b.resolve({ inserted: true, row: one[0]! });
        } catch (e) {
          b.reject(e);
        }
      }
      return;
    }
    this.#committed(rows);
    toWrite.forEach((b, i) => b.resolve({ inserted: true, row: rows[i]! }));
  }

  /**
   * Applies the duplicate rule to the calls that ask for it, answers the duplicates (their rows
   * in one read), and returns the calls to write.
   */
  async #answerDuplicates(q: Queryable, calls: QueuedAppend[]): Promise<QueuedAppend[]> {
    const toWrite: QueuedAppend[] = [];
    const dupSeqs = new Map<QueuedAppend, number>();
    for (const b of calls) {
      if (b.since === undefined) {
        toWrite.push(b);
        continue;
      }
      const seq = this.#recent.find(b.content.facility, b.content.card_key, b.since);
      if (seq === undefined) toWrite.push(b);
      else if (seq !== NOT_COVERED) dupSeqs.set(b, seq);
      else {
        // Older than the index holds (the clock went back): the same rule, asked of the table.
        const raw = await q.get(DUPLICATE_SQL, [b.content.facility, b.content.card_key, b.since]);
        if (raw) b.resolve({ inserted: false, existing: visitFromRow(raw) });
        else toWrite.push(b);
      }
    }
    if (dupSeqs.size > 0) {
      const rows = (await q.all(BY_SEQS, [JSON.stringify([...new Set(dupSeqs.values())])])).map(visitFromRow);
      const bySeq = new Map(rows.map((r) => [r.seq, r]));
      for (const [b, seq] of dupSeqs) {
        const row = bySeq.get(seq);
        if (row) b.resolve({ inserted: false, existing: row });
        else b.reject(new DatabaseError('duplicate rule matched a visit that cannot be read back'));
      }
    }
    return toWrite;
  }

  /** One statement for all `rows` (already linked); the caller moves the head once committed. */
  async #insert(q: Queryable, rows: readonly VisitRow[]): Promise<void> {
    const { sql, params } = groupInsert(rows);
    await q.run(sql, params);
  }

  /** Chains rows onto the current head (tentatively: the head itself is not moved here). */
  #link(contents: ReadonlyArray<NewVisit>): VisitRow[] {
    let { seq, hash } = this.#head;
    return contents.map((c) => {
      const full: VisitContent = { ...NO_LATER_COLUMNS, ...c, seq: ++seq };
      const row: VisitRow = { ...NO_LATER_COLUMNS, ...full, prev_hash: hash, hash: chainHash(hash, full) };
      hash = row.hash;
      return row;
    });
  }

  /** Rows that are committed: the head moves to the last, the index and listeners hear of each. */
  #committed(rows: readonly VisitRow[]): void {
    const last = rows[rows.length - 1];
    if (!last) return;
    this.#head = { seq: last.seq, hash: last.hash };
    this.#recent.add(rows);
    const events = rows.map((row): VisitRecordedEvent => ({
      seq: row.seq,
      id: row.id,
      verdict: row.verdict,
      outbox: row.verdict !== 'rejected',
      checkInOutbox: this.#checkInOutbox && row.verdict !== 'rejected',
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
}
