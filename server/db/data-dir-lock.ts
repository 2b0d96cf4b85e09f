/**
 * The data-folder lock: one kiosk service per data folder. The visit writer keeps the chain head
 * and the duplicate rule's recent visits in memory, which is right only while this process is
 * the log's only writer; a second service on the same folder must refuse to start.
 *
 * The lock is SQLite's own file lock on `<data-dir>/kiosk.lock` (an empty SQLite file): one
 * connection in EXCLUSIVE locking mode holding an EXCLUSIVE transaction for the life of the
 * service. It is an OS-level lock (POSIX advisory locks), so the operating system drops it when
 * the process ends in any way (a crash or SIGKILL leaves nothing stuck, no pid file to clean),
 * and SQLite also sees it between two connections of one process. The visit log itself
 * (kiosk.sqlite) is not locked, so the operator CLIs (`user`, `audit verify`) keep working
 * while the service runs. As with SQLite itself, a network file system's locking is not to be
 * relied on: keep the data folder on a local disk. The connection is a bare sqlite3 one, not a
 * Database (database.ts): that wrapper is for data (WAL, waiting on busy locks); this one holds
 * nothing but the lock and must fail at once when it is taken.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';

export const LOCK_FILE_NAME = 'kiosk.lock';

/** Another process (or another service in this one) holds the data folder. */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(readonly dataDir: string) {
    super(
      `the data folder ${dataDir} is in use by another kiosk service (${join(dataDir, LOCK_FILE_NAME)} is locked); ` +
        'stop that service first, or give this one its own --data-dir',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

/** Takes the data folder's lock (creating the folder 0700 and the lock file 0600) or throws DataDirLockedError. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE_NAME);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const conn = await new Promise<sqlite3.Database>((ok, fail) => {
    const d = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (err) => (err ? fail(err) : ok(d)));
  });
  // No waiting: a held lock is an answer, not contention.
  conn.configure('busyTimeout', 0);
  const exec = (sql: string) => new Promise<void>((ok, fail) => conn.exec(sql, (err) => (err ? fail(err) : ok())));
  const close = () => new Promise<void>((ok) => conn.close(() => ok()));
  try {
    await exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE');
  } catch (err) {
    await close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLockedError(resolve(dataDir));
    throw err;
  }
  let released: Promise<void> | undefined;
  return {
    file,
    release() {
      released ??= exec('ROLLBACK')
        .catch(() => undefined)
        .then(close);
      return released;
    },
  };
}
