/**
 * What the reference portal's check-in endpoint received, keyed by (facility, MA_LK): MA_LK is the
 * episode's id, unique per facility, and what makes a resend harmless. `receive` is the one
 * decision about a valid file, atomic in both stores:
 *   - every MA_LK of the file already held → "201" with the transaction id and time of the FIRST
 *     record's original receipt (nothing stored again);
 *   - otherwise the new ones are stored under a new transaction id → "200" (records of the file
 *     already held keep their original receipt).
 * Each MA_LK counts the valid files that carried it (`submissions`): 1 means sent once, more means
 * the sender resent it (each resend answered 201), so a test can assert both.
 *
 * Two stores behind one interface: in memory (the default; a restart forgets), or SQLite in the
 * portal's data folder (`--keep-check-ins`: a restart during a test remembers), through the
 * project's one SQLite wrapper and migration runner.
 */
import { join } from 'node:path';
import type { CheckInRecord } from '../check-in-record/fields.js';
import { openDatabase, type Database, type Queryable } from '../db/database.js';
import { migrate, type Migration } from '../db/migrate.js';

export interface ReceivedCheckIn {
  maLk: string;
  maGiaoDich: string;
  /** thoiGianTiepNhan as answered (PORTAL_DATETIME_FORMAT, Vietnam time). */
  receivedAt: string;
  /** Valid files that carried this MA_LK (1: once; more: resends, answered 201). */
  submissions: number;
  fields: CheckInRecord;
}

export interface CheckInListing {
  facility: string;
  count: number;
  records: ReceivedCheckIn[];
}

export interface Receipt {
  code: '200' | '201';
  maGiaoDich: string;
  thoiGianTiepNhan: string;
}

export interface NewReceipt {
  maGiaoDich: string;
  thoiGianTiepNhan: string;
  at: number;
}

export interface CheckInRecordStore {
  /** `records` all carry MA_LK, distinct (check-in-submit.ts checked). */
  receive(facility: string, records: readonly CheckInRecord[], next: () => NewReceipt): Promise<Receipt>;
  /** A facility's records in the order received. */
  list(facility: string): Promise<CheckInListing>;
  close(): Promise<void>;
}

/** The memory store's bound: past it the portal answers "500" (a test that needs more keeps them in SQLite). */
export const MAX_RECORDS_IN_MEMORY = 1_000_000;

export class CheckInStoreFullError extends Error {
  readonly code = 'CHECKIN_STORE_FULL';
}

interface Held extends ReceivedCheckIn {
  receivedMs: number;
}

export class MemoryCheckInStore implements CheckInRecordStore {
  readonly #byFacility = new Map<string, Map<string, Held>>();
  #size = 0;

  receive(facility: string, records: readonly CheckInRecord[], next: () => NewReceipt): Promise<Receipt> {
    // Synchronous from here to the answer: no other call can interleave (the memory store's atomicity).
    const held = this.#byFacility.get(facility) ?? new Map<string, Held>();
    const known = records.map((r) => held.get(r.MA_LK!));
    for (const k of known) if (k) k.submissions++;
    const first = known[0];
    if (known.every((k) => k !== undefined) && first) {
      return Promise.resolve({ code: '201', maGiaoDich: first.maGiaoDich, thoiGianTiepNhan: first.receivedAt });
    }
    const fresh = records.filter((_, i) => known[i] === undefined);
    if (this.#size + fresh.length > MAX_RECORDS_IN_MEMORY)
      return Promise.reject(new CheckInStoreFullError(`more than ${MAX_RECORDS_IN_MEMORY} records in memory`));
    const receipt = next();
    for (const r of fresh)
      held.set(r.MA_LK!, {
        maLk: r.MA_LK!,
        maGiaoDich: receipt.maGiaoDich,
        receivedAt: receipt.thoiGianTiepNhan,
        receivedMs: receipt.at,
        submissions: 1,
        fields: { ...r },
      });
    this.#size += fresh.length;
    this.#byFacility.set(facility, held);
    return Promise.resolve({ code: '200', maGiaoDich: receipt.maGiaoDich, thoiGianTiepNhan: receipt.thoiGianTiepNhan });
  }

  list(facility: string): Promise<CheckInListing> {
    const records = [...(this.#byFacility.get(facility)?.values() ?? [])].map(({ receivedMs: _ms, ...r }) => ({
      ...r,
      fields: { ...r.fields },
    }));
    return Promise.resolve({ facility, count: records.length, records });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export const CHECKIN_DB_FILE = 'checkin-records.sqlite';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'check-in records received',
    sql: `CREATE TABLE checkin_records (
      seq INTEGER PRIMARY KEY,
      facility TEXT NOT NULL,
      ma_lk TEXT NOT NULL,
      ma_giao_dich TEXT NOT NULL,
      received_at TEXT NOT NULL,
      received_ms INTEGER NOT NULL,
      fields_json TEXT NOT NULL,
      submissions INTEGER NOT NULL DEFAULT 1,
      UNIQUE (facility, ma_lk)
    );`,
  },
];

interface Row {
  ma_lk: string;
  ma_giao_dich: string;
  received_at: string;
  submissions: number;
  fields_json: string;
}

async function heldRow(q: Queryable, facility: string, maLk: string): Promise<Row | undefined> {
  return q.get<Row>(
    'SELECT ma_lk, ma_giao_dich, received_at, submissions, fields_json FROM checkin_records WHERE facility = ? AND ma_lk = ?',
    [facility, maLk],
  );
}

export class SqliteCheckInStore implements CheckInRecordStore {
  private constructor(private readonly db: Database) {}

  /** Opens (creating and migrating) DIR/checkin-records.sqlite. */
  static async open(dataDir: string, now: number): Promise<SqliteCheckInStore> {
    const db = await openDatabase(join(dataDir, CHECKIN_DB_FILE));
    try {
      await migrate(db, MIGRATIONS, now);
    } catch (err) {
      await db.close();
      throw err;
    }
    return new SqliteCheckInStore(db);
  }

  receive(facility: string, records: readonly CheckInRecord[], next: () => NewReceipt): Promise<Receipt> {
    return this.db.transaction(async (tx) => {
      const known: (Row | undefined)[] = [];
      for (const r of records) known.push(await heldRow(tx, facility, r.MA_LK!));
      for (const k of known)
        if (k)
          await tx.run('UPDATE checkin_records SET submissions = submissions + 1 WHERE facility = ? AND ma_lk = ?', [facility, k.ma_lk]);
      const first = known[0];
      if (known.every((k) => k !== undefined) && first)
        return { code: '201' as const, maGiaoDich: first.ma_giao_dich, thoiGianTiepNhan: first.received_at };
      const receipt = next();
      for (const [i, r] of records.entries()) {
        if (known[i]) continue;
        await tx.run(
          'INSERT INTO checkin_records (facility, ma_lk, ma_giao_dich, received_at, received_ms, fields_json) VALUES (?, ?, ?, ?, ?, ?)',
          [facility, r.MA_LK!, receipt.maGiaoDich, receipt.thoiGianTiepNhan, receipt.at, JSON.stringify(r)],
        );
      }
      return { code: '200' as const, maGiaoDich: receipt.maGiaoDich, thoiGianTiepNhan: receipt.thoiGianTiepNhan };
    });
  }

  async list(facility: string): Promise<CheckInListing> {
    const rows = await this.db.all<Row>(
      'SELECT ma_lk, ma_giao_dich, received_at, submissions, fields_json FROM checkin_records WHERE facility = ? ORDER BY seq',
      [facility],
    );
    const records = rows.map((r) => ({
      maLk: r.ma_lk,
      maGiaoDich: r.ma_giao_dich,
      receivedAt: r.received_at,
      submissions: r.submissions,
      fields: JSON.parse(r.fields_json) as CheckInRecord,
    }));
    return { facility, count: records.length, records };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
