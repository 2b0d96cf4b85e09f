/**
 * A small promise wrapper around `sqlite3` for the medical-history store (the store is its own
 * service and does not share the kiosk's database module). One writer connection whose
 * transactions are serialised through a queue — sqlite3 shares one connection between callers,
 * so two interleaved BEGINs would corrupt each other's transaction — and one read-only
 * connection, which under WAL reads committed data without waiting for the writer.
 */
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;

export interface SqlRunner {
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number; lastID: number }>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

function openRaw(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

function runner(db: sqlite3.Database): SqlRunner & { exec(sql: string): Promise<void>; close(): Promise<void> } {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params as unknown[], function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        db.get(sql, params as unknown[], (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
      }),
    all: <T>(sql: string, params: readonly SqlValue[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        db.all(sql, params as unknown[], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
      }),
    exec: (sql) => new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve()))),
  };
}

export interface StoreDatabase {
  /** Committed reads (separate connection). */
  read: SqlRunner;
  /** Runs `fn` in one IMMEDIATE transaction, after every earlier transaction has finished. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the database file, sets WAL and a busy timeout, and applies the
 * migrations whose index is at or above `PRAGMA user_version`, each in its own transaction.
 */
export async function openStoreDatabase(file: string, migrations: readonly string[]): Promise<StoreDatabase> {
  const rawWriter = await openRaw(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  rawWriter.configure('busyTimeout', BUSY_TIMEOUT_MS);
  const writer = runner(rawWriter);
  await writer.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  const version = (await writer.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
  for (let i = version; i < migrations.length; i++) {
    // user_version cannot be bound as a parameter; `i + 1` is an integer we computed.
    await writer.exec(`BEGIN IMMEDIATE; ${migrations[i]!} PRAGMA user_version = ${i + 1}; COMMIT;`).catch(async (err: unknown) => {
      await writer.exec('ROLLBACK').catch(() => undefined);
      throw err;
    });
  }
  const rawReader = await openRaw(file, sqlite3.OPEN_READONLY);
  rawReader.configure('busyTimeout', BUSY_TIMEOUT_MS);
  const reader = runner(rawReader);

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    read: reader,
    transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error('database closed'));
      const next = queue.then(async () => {
        await writer.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(writer);
          await writer.exec('COMMIT');
          return out;
        } catch (err) {
          await writer.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await reader.close();
      await writer.close();
    },
  };
}
