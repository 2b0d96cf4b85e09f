/**
 * The SQLite VisitStore: one file in the data folder, WAL, on the services' one SQLite wrapper
 * (server/db/database.ts) and migration runner (server/db/migrate.ts). Writes go through the
 * writer's queue in IMMEDIATE transactions; reads use a second, read-only connection, which under
 * WAL sees what is committed without waiting behind the writer's queue.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '../db/database.js';
import { migrate, type Migration } from '../db/migrate.js';
import { vietnamDay, vietnamYear } from '../wire/vietnam-time.js';
import type { FacilityQuery, PreparedVisit, StoredVisit, VisitStore } from './visit-store.js';
import { SQLITE_CHECKPOINT_TABLES, SqliteCheckpointLedger } from './sqlite-checkpoint-ledger.js';
import type { BookEntry, HistoryVisit, ItemResult } from '../wire/history-store.js';

export const STORE_DB_FILE = 'history-store.sqlite';

/**
 * Append-only list: never edit a shipped migration, add a new one. Until the store used the
 * kiosk's runner it counted its migrations in `PRAGMA user_version`; a database of that scheme
 * is adopted (its versions recorded in schema_version, nothing re-run).
 */
export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'visits',
    sql: `CREATE TABLE visits (
     recv_seq      INTEGER PRIMARY KEY,
     id            TEXT NOT NULL UNIQUE,
     facility      TEXT NOT NULL,
     ma_so_bhxh    TEXT NOT NULL,
     card_number   TEXT,
     visit_type    TEXT NOT NULL,
     checked_in_at TEXT NOT NULL,
     checked_in_ms INTEGER NOT NULL,
     vn_year       INTEGER NOT NULL,
     verdict       TEXT NOT NULL,
     source        TEXT NOT NULL,
     content_hash  TEXT NOT NULL,
     received_at   INTEGER NOT NULL
   );
   CREATE INDEX visits_patient_year ON visits (ma_so_bhxh, vn_year, checked_in_ms);
   CREATE INDEX visits_facility_time ON visits (facility, checked_in_ms, id);`,
  },
  { version: 2, name: 'kiosk keys and checkpoints', sql: SQLITE_CHECKPOINT_TABLES },
];

/** Inserts the rows of a JSON array of 12-element arrays (column order below), in array order. */
const INSERT_ROWS = `INSERT INTO visits (id, facility, ma_so_bhxh, card_number, visit_type, checked_in_at, checked_in_ms, vn_year,
                                  verdict, source, content_hash, received_at)
  SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7,
         r.value ->> 8, r.value ->> 9, r.value ->> 10, r.value ->> 11
    FROM json_each(?) AS r ORDER BY r.key`;

interface Row {
  id: string;
  facility: string;
  ma_so_bhxh: string;
  card_number: string | null;
  visit_type: string;
  checked_in_at: string;
  checked_in_ms: number;
  verdict: HistoryVisit['verdict'];
  source: HistoryVisit['source'];
  received_at: number;
}

export class SqliteVisitStore implements VisitStore {
  readonly checkpoints: SqliteCheckpointLedger;

  private constructor(
    private readonly db: Database,
    /** Committed reads (a second, read-only connection). */
    private readonly reader: Database,
  ) {
    this.checkpoints = new SqliteCheckpointLedger(db, reader);
  }

  static async open(dataDir: string, now: number = Date.now()): Promise<SqliteVisitStore> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, STORE_DB_FILE);
    const db = await openDatabase(file);
    let reader: Database;
    try {
      await migrate(db, STORE_MIGRATIONS, now, { adoptUserVersion: true });
      reader = await openDatabase(file, { readOnly: true });
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    // Patients' visit histories: readable by the service account only.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      try {
        chmodSync(f, 0o600);
      } catch {
        // -wal / -shm may not exist yet
      }
    }
    return new SqliteVisitStore(db, reader);
  }

  /**
   * Two statements per batch whatever its size — one lookup of the ids already held, one
   * multi-row INSERT of the new ones — both fed a single JSON parameter (json_each), so the
   * statement text never varies and a 500-item batch costs two trips through the sqlite3 thread
   * pool instead of a thousand. The lookup and the insert run in one IMMEDIATE transaction behind
   * the writer queue, so nothing can slip in between them.
   */
  storeBatch(items: readonly PreparedVisit[], receivedAt: number): Promise<ItemResult[]> {
    return this.db.transaction(async (tx) => {
      const held = new Map<string, string>();
      const existing = await tx.all<{ id: string; content_hash: string }>(
        'SELECT id, content_hash FROM visits WHERE id IN (SELECT value FROM json_each(?))',
        [JSON.stringify(items.map((it) => it.visit.id))],
      );
      for (const r of existing) held.set(r.id, r.content_hash);
      const results: ItemResult[] = [];
      const rows: unknown[][] = [];
      for (const it of items) {
        const v = it.visit;
        // `held` also learns this batch's own new ids: a repeat inside one batch is stored once.
        const hash = held.get(v.id);
        if (hash !== undefined) {
          results.push(
            hash === it.contentHash
              ? { id: v.id, index: it.index, status: 'duplicate' }
              : {
                  id: v.id,
                  index: it.index,
                  status: 'conflict',
                  code: 'ID_CONFLICT',
                  detail: 'This id is already held with different content.',
                },
          );
          continue;
        }
        held.set(v.id, it.contentHash);
        rows.push([
          v.id,
          v.facility,
          v.maSoBhxh,
          v.cardNumber ?? null,
          v.visitType,
          v.checkedInAt,
          it.checkedInMs,
          vietnamYear(it.checkedInMs),
          v.verdict,
          v.source,
          it.contentHash,
          receivedAt,
        ]);
        results.push({ id: v.id, index: it.index, status: 'stored' });
      }
      if (rows.length > 0) await tx.run(INSERT_ROWS, [JSON.stringify(rows)]);
      return results;
    });
  }

  async patientBook(maSoBhxh: string, year: number, facility: string | undefined): Promise<BookEntry[]> {
    const rows = await this.reader.all<Row>(
      `SELECT id, facility, visit_type, checked_in_at, checked_in_ms FROM visits
        WHERE ma_so_bhxh = ? AND vn_year = ? AND (? IS NULL OR facility = ?)
        ORDER BY checked_in_ms, id LIMIT 5000`,
      [maSoBhxh, year, facility ?? null, facility ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      date: vietnamDay(r.checked_in_ms),
      checkedInAt: r.checked_in_at,
      facility: r.facility,
      visitType: r.visit_type,
    }));
  }

  async facilityVisits(q: FacilityQuery): Promise<StoredVisit[]> {
    const rows = await this.reader.all<Row>(
      `SELECT id, facility, ma_so_bhxh, card_number, visit_type, checked_in_at, checked_in_ms, verdict, source, received_at
         FROM visits
        WHERE facility = ?
          AND (? IS NULL OR checked_in_ms >= ?)
          AND (? IS NULL OR checked_in_ms < ?)
          AND (? IS NULL OR checked_in_ms > ? OR (checked_in_ms = ? AND id > ?))
        ORDER BY checked_in_ms, id
        LIMIT ?`,
      [
        q.facility,
        q.fromMs ?? null,
        q.fromMs ?? null,
        q.toMs ?? null,
        q.toMs ?? null,
        q.after?.checkedInMs ?? null,
        q.after?.checkedInMs ?? null,
        q.after?.checkedInMs ?? null,
        q.after?.id ?? null,
        q.limit,
      ],
    );
    return rows.map((r) => ({
      id: r.id,
      facility: r.facility,
      maSoBhxh: r.ma_so_bhxh,
      ...(r.card_number !== null ? { cardNumber: r.card_number } : {}),
      visitType: r.visit_type,
      checkedInAt: r.checked_in_at,
      verdict: r.verdict,
      source: r.source,
      checkedInMs: r.checked_in_ms,
      receivedAt: r.received_at,
    }));
  }

  async count(): Promise<number> {
    return (await this.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM visits'))?.n ?? 0;
  }

  async ping(): Promise<void> {
    // The schema page, read on both connections: the writer's (batches wait their turn behind
    // it, as a batch would) and the reader's (the queries).
    await this.db.get('SELECT count(*) AS n FROM sqlite_master');
    await this.reader.get('SELECT count(*) AS n FROM sqlite_master');
  }

  async close(): Promise<void> {
    await this.reader.close();
    await this.db.close();
  }
}
