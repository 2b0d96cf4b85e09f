/**
 * The PostgreSQL VisitStore: the store as an agency would run it, for every facility in the
 * country (docs/scaling.md has the arithmetic). Selected by `--db postgres://…` (config.ts).
 *
 * Schema (PG_MIGRATIONS below):
 * - `visits` is partitioned by LIST on the visit's Vietnam-time year, one partition per year,
 *   created ahead (this year − 1 … this year + 2 at start) and on demand for any other year a
 *   batch brings (a kiosk offline since last year). The book query names its year, so it reads one
 *   partition; an old year can be detached, archived or moved to cheaper storage whole.
 * - Idempotency across partitions: PostgreSQL's unique indexes on a partitioned table must contain
 *   the partition key, so a unique index on `visits` could only say "id is unique within a year",
 *   and a resend whose year was computed differently would slip through. The id is claimed instead
 *   in `visit_ids`, one unpartitioned table keyed by id alone, with the content hash that decides
 *   duplicate or conflict and the year that finds the row. Visit ids are UUIDv7 (time-ordered), so
 *   that B-tree grows at its right edge like a sequence instead of splitting pages at random.
 * - Indexes, declared once on the parent (each partition gets its own): the book
 *   `(ma_so_bhxh, checked_in, id) INCLUDE (facility, visit_type)` — the book's columns are all in
 *   the index, so a patient's year is one index-only range scan; the reconciliation listing
 *   `(facility, checked_in, id)` — the keyset order.
 * - A batch is ONE statement (unnest of column arrays → claim the ids → insert the claimed rows →
 *   report): one round trip, and as a single statement in autocommit, one transaction. Rows are
 *   claimed in id order so two overlapping batches lock their ids in the same order.
 */
import { inPgTransaction } from './pg-transaction.js';
import { PG_CHECKPOINT_TABLES, PgCheckpointLedger } from './pg-checkpoint-ledger.js';
import pg from 'pg';
import type { Migration } from '../db/migrate.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { vietnamDay, vietnamYear } from '../wire/vietnam-time.js';
import type { BookEntry, HistoryVisit, ItemResult } from '../wire/history-store.js';
import { PgStoreError } from './pg-errors.js';
import { migratePg } from './pg-migrate.js';
import type { FacilityQuery, PreparedVisit, StoredVisit, VisitStore } from './visit-store.js';

/** Append-only list: never edit a shipped migration, add a new one. */
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'visits partitioned by Vietnam year, visit_ids',
    // Fixed-width columns first: no alignment padding between them (~8 bytes a row saved).
    sql: `CREATE TABLE visit_ids (
       id           uuid PRIMARY KEY,
       vn_year      smallint NOT NULL,
       content_hash bytea NOT NULL
     );
     CREATE TABLE visits (
       id          uuid NOT NULL,
       checked_in  timestamptz NOT NULL,
       received_at timestamptz NOT NULL,
       vn_year     smallint NOT NULL,
       facility    text NOT NULL,
       ma_so_bhxh  text NOT NULL,
       visit_type  text NOT NULL,
       verdict     text NOT NULL,
       source      text NOT NULL,
       card_number text
     ) PARTITION BY LIST (vn_year);
     CREATE INDEX visits_book ON visits (ma_so_bhxh, checked_in, id) INCLUDE (facility, visit_type);
     CREATE INDEX visits_facility_time ON visits (facility, checked_in, id);`,
  },
  { version: 2, name: 'kiosk keys and checkpoints', sql: PG_CHECKPOINT_TABLES },
];

/** Partitions made at start: last year (late resends), this year, and two ahead. */
const YEARS_BEHIND = 1;
const YEARS_AHEAD = 2;
/** Names partition creation among advisory locks (second key: the year). */
const PARTITION_LOCK = 0x7061_7274; // 'part'
const BOOK_LIMIT = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One statement per batch. The final SELECT reads visit_ids with the statement's snapshot: it does
 * not see the rows this statement claimed (those are told apart by `claimed`), nor a row a
 * concurrent batch committed after the snapshot — storeBatch re-reads those few. The held hash
 * is a correlated lookup, one primary-key probe per unclaimed item: written as a join, the
 * planner (which cannot see how few rows `input` has) hashes the whole of visit_ids instead, a
 * cost that grows with every visit ever stored.
 */
const STORE_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[])
    AS t(id, vn_year, facility, ma_so_bhxh, checked_in, visit_type, verdict, source, card_number, content_hash)
),
claimed AS (
  INSERT INTO visit_ids (id, vn_year, content_hash)
  SELECT id, vn_year, decode(content_hash, 'hex') FROM input ORDER BY id
  ON CONFLICT (id) DO NOTHING
  RETURNING id
),
written AS (
  INSERT INTO visits (id, checked_in, received_at, vn_year, facility, ma_so_bhxh, visit_type, verdict, source, card_number)
  SELECT i.id, i.checked_in, $11::timestamptz, i.vn_year, i.facility, i.ma_so_bhxh, i.visit_type, i.verdict, i.source, i.card_number
    FROM input i JOIN claimed c ON c.id = i.id
)
SELECT i.id, c.id IS NOT NULL AS claimed,
       CASE WHEN c.id IS NULL THEN (SELECT encode(v.content_hash, 'hex') FROM visit_ids v WHERE v.id = i.id) END AS held_hash
  FROM input i
  LEFT JOIN claimed c ON c.id = i.id`;

/** node-postgres hands uuid columns over as their canonical lower-case text. */
interface VisitRow {
  id: string;
  facility: string;
  ma_so_bhxh: string;
  card_number: string | null;
  visit_type: string;
  checked_in: Date;
  verdict: HistoryVisit['verdict'];
  source: HistoryVisit['source'];
  received_at: Date;
}

export interface PgVisitStoreOptions {
  /** Clock reading at start: decides which year partitions are made ahead. */
  now: number;
  logger: Logger;
  /** Connections in the pool (default 10: a batch holds one for a single statement). */
  poolSize?: number;
}

export class PgVisitStore implements VisitStore {
  readonly checkpoints: PgCheckpointLedger;
  /** Years whose partition is known to exist (loaded at start, grown on demand). */
  private readonly partitions = new Set<number>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    this.checkpoints = new PgCheckpointLedger(pool);
  }

  static async open(url: string, opts: PgVisitStoreOptions): Promise<PgVisitStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // Bounded below the kiosk's request timeout, so a stuck statement fails and is retried.
      statement_timeout: 30_000,
      application_name: 'bhyt-history-store',
    });
    // An idle client whose server went away (restart, failover, pg_terminate_backend) emits
    // 'error' on the pool; without a listener that would end the process. The pool drops it.
    pool.on('error', (err) => {
      opts.logger.warn('database connection lost', { code: 'DB_CONNECTION_LOST', sqlState: new PgStoreError('', { cause: err }).sqlState });
    });
    const store = new PgVisitStore(pool, opts.logger);
    try {
      const client = await pool.connect().catch((err: unknown) => {
        throw new PgStoreError('cannot connect to the database', { cause: err });
      });
      try {
        await migratePg(client, PG_MIGRATIONS, opts.now);
      } finally {
        client.release();
      }
      const have = await store.query<{ year: number }>(
        `SELECT substring(c.relname FROM '^visits_y([0-9]{4})$')::int AS year
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'visits'::regclass`,
      );
      for (const r of have) if (r.year !== null) store.partitions.add(r.year);
      const thisYear = vietnamYear(opts.now);
      const ahead: number[] = [];
      for (let y = thisYear - YEARS_BEHIND; y <= thisYear + YEARS_AHEAD; y++) ahead.push(y);
      await store.ensurePartitions(ahead);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw new PgStoreError('database query failed', { cause: err });
    }
  }

  /** Creates the year partitions not yet known; safe against other store processes doing the same. */
  private async ensurePartitions(years: Iterable<number>): Promise<void> {
    for (const year of years) {
      if (this.partitions.has(year)) continue;
      // DDL takes no bind parameters: the year goes into the name and bound as a checked integer.
      if (!Number.isInteger(year) || year < 1900 || year > 9999) throw new PgStoreError('year out of range for a partition');
      await inPgTransaction(this.pool, 'cannot create a year partition', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [PARTITION_LOCK, year]);
        await client.query(`CREATE TABLE IF NOT EXISTS visits_y${year} PARTITION OF visits FOR VALUES IN (${year})`);
      });
      this.partitions.add(year);
      this.logger.info('year partition ready', { code: 'PARTITION_READY', year });
    }
  }

  async storeBatch(items: readonly PreparedVisit[], receivedAt: number): Promise<ItemResult[]> {
    // The first copy of each id goes to the database; repeats inside the batch are answered
    // against whatever copy the store ends up holding, as the SQLite store does.
    const first = new Map<string, PreparedVisit>();
    for (const it of items) if (!first.has(it.visit.id)) first.set(it.visit.id, it);
    const unique = [...first.values()].sort((a, b) => (a.visit.id < b.visit.id ? -1 : a.visit.id > b.visit.id ? 1 : 0));
    const years = unique.map((it) => vietnamYear(it.checkedInMs));
    await this.ensurePartitions(new Set(years));
    const rows = await this.query<{ id: string; claimed: boolean; held_hash: string | null }>(STORE_BATCH, [
      unique.map((it) => it.visit.id),
      years,
      unique.map((it) => it.visit.facility),
      unique.map((it) => it.visit.maSoBhxh),
      unique.map((it) => it.visit.checkedInAt),
      unique.map((it) => it.visit.visitType),
      unique.map((it) => it.visit.verdict),
      unique.map((it) => it.visit.source),
      unique.map((it) => it.visit.cardNumber ?? null),
      unique.map((it) => it.contentHash),
      new Date(receivedAt),
    ]);
    const held = new Map<string, string>();
    const claimed = new Set<string>();
    const unseen: string[] = [];
    for (const r of rows) {
      if (r.claimed) {
        claimed.add(r.id);
        held.set(r.id, first.get(r.id)!.contentHash);
      } else if (r.held_hash !== null) held.set(r.id, r.held_hash);
      else unseen.push(r.id);
    }
    if (unseen.length > 0) {
      // Claimed by a concurrent batch that committed after this statement's snapshot.
      const late = await this.query<{ id: string; h: string }>(
        "SELECT id, encode(content_hash, 'hex') AS h FROM visit_ids WHERE id = ANY($1::uuid[])",
        [unseen],
      );
      for (const r of late) held.set(r.id, r.h);
    }
    const answered = new Set<string>();
    return items.map((it) => {
      const id = it.visit.id;
      const isFirst = !answered.has(id);
      answered.add(id);
      if (isFirst && claimed.has(id)) return { id, index: it.index, status: 'stored' };
      const h = held.get(id);
      if (h === undefined) throw new PgStoreError('a visit id was neither stored nor found');
      return h === it.contentHash
        ? { id, index: it.index, status: 'duplicate' }
        : { id, index: it.index, status: 'conflict', code: 'ID_CONFLICT', detail: 'This id is already held with different content.' };
    });
  }

  async patientBook(maSoBhxh: string, year: number, facility: string | undefined): Promise<BookEntry[]> {
    // `vn_year = $2` prunes to the one partition of that year.
    const params: unknown[] = [maSoBhxh, year];
    let sql = 'SELECT id, facility, visit_type, checked_in FROM visits WHERE ma_so_bhxh = $1 AND vn_year = $2';
    if (facility !== undefined) {
      params.push(facility);
      sql += ' AND facility = $3';
    }
    sql += ` ORDER BY checked_in, id LIMIT ${BOOK_LIMIT}`;
    const rows = await this.query<Pick<VisitRow, 'id' | 'facility' | 'visit_type' | 'checked_in'>>(sql, params);
    return rows.map((r) => ({
      id: r.id,
      date: vietnamDay(r.checked_in.getTime()),
      checkedInAt: r.checked_in.toISOString(),
      facility: r.facility,
      visitType: r.visit_type,
    }));
  }

  async facilityVisits(q: FacilityQuery): Promise<StoredVisit[]> {
    // A cursor is only ever one of ours, but a forged one must be a 400, not a cast error.
    if (q.after && !UUID.test(q.after.id)) throw new AppError('CURSOR_INVALID', 'The cursor is not one this store issued.');
    const params: unknown[] = [q.facility];
    const where = ['facility = $1'];
    const p = (v: unknown) => `$${params.push(v)}`;
    // Time bounds also bound the year, so only the partitions of those years are read.
    let fromYear: number | undefined;
    if (q.fromMs !== undefined) {
      where.push(`checked_in >= ${p(new Date(q.fromMs))}`);
      fromYear = vietnamYear(q.fromMs);
    }
    if (q.after) {
      const t = p(new Date(q.after.checkedInMs));
      where.push(`checked_in >= ${t}`, `(checked_in > ${t} OR id > ${p(q.after.id)}::uuid)`);
      fromYear = Math.max(fromYear ?? -Infinity, vietnamYear(q.after.checkedInMs));
    }
    if (fromYear !== undefined) where.push(`vn_year >= ${p(fromYear)}`);
    if (q.toMs !== undefined) where.push(`checked_in < ${p(new Date(q.toMs))}`, `vn_year <= ${p(vietnamYear(q.toMs - 1))}`);
    const sql = `SELECT id, facility, ma_so_bhxh, card_number, visit_type, checked_in, verdict, source, received_at
                   FROM visits WHERE ${where.join(' AND ')} ORDER BY checked_in, id LIMIT ${p(q.limit)}`;
    const rows = await this.query<VisitRow>(sql, params);
    return rows.map((r) => ({
      id: r.id,
      facility: r.facility,
      maSoBhxh: r.ma_so_bhxh,
      ...(r.card_number !== null ? { cardNumber: r.card_number } : {}),
      visitType: r.visit_type,
      checkedInAt: r.checked_in.toISOString(),
      verdict: r.verdict,
      source: r.source,
      checkedInMs: r.checked_in.getTime(),
      receivedAt: r.received_at.getTime(),
    }));
  }

  async count(): Promise<number> {
    const r = await this.query<{ n: string }>('SELECT count(*) AS n FROM visit_ids');
    return Number(r[0]?.n ?? 0);
  }

  async ping(): Promise<void> {
    // A pooled connection that answers, and the schema the store needs is there.
    await this.query('SELECT 1 FROM schema_version LIMIT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
