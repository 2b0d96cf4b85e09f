/**
 * Consistent copies of a live SQLite database, and the file moves a restore needs.
 *
 * The copy is `VACUUM INTO` on a connection of its own: SQLite writes, from one read
 * transaction, a complete and compacted database file while the service keeps writing (WAL:
 * readers never block the writer, nor it them). Never a file copy of a live WAL database, which
 * can tear between the main file and its -wal. The copy is written under a temporary name in the
 * target's folder (mode 0600), made a single file (rollback journal, not WAL), flushed to disk,
 * and only then renamed into place, so a crash mid-way leaves no half backup under the real name.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDatabase, type Database } from './database.js';

/** A file next to `target` that no one else uses: `<target>.partial-<random>`. */
export function partialName(target: string): string {
  return `${target}.partial-${randomBytes(6).toString('hex')}`;
}

/** Writes a consistent copy of `db` to `target` (which must not exist), mode 0600. */
export async function vacuumInto(db: Database, target: string): Promise<void> {
  if (existsSync(target)) throw new Error(`${target} exists already`);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  await db.run('VACUUM INTO ?', [target]);
  chmodSync(target, 0o600);
}

/** Opens a copy made by vacuumInto for checking, and closes it as one file again. */
export async function withCopy<T>(file: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(file, { mustExist: true });
  try {
    return await fn(db);
  } finally {
    // Back to a single file (openDatabase switched it to WAL): a backup is one file to carry.
    await db.exec('PRAGMA journal_mode = DELETE').catch(() => undefined);
    await db.close();
  }
}

/** fsync a file and its folder: after this the rename below survives a power cut. */
export function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    syncFile(dir);
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}

/** Atomically puts `from` at `to` (same folder), flushed to disk first. */
export function moveIntoPlace(from: string, to: string): void {
  syncFile(from);
  renameSync(from, to);
  syncDir(dirname(to));
}

/** A database file's companions (-wal, -shm, -journal) that exist. */
export function companions(file: string): string[] {
  return ['-wal', '-shm', '-journal'].map((s) => file + s).filter((f) => existsSync(f));
}

/** The timestamped backup names this tool makes in a folder: `kiosk-20261125T020000Z.sqlite`. */
export const BACKUP_NAME_RE = /^kiosk-\d{8}T\d{6}Z(-\d+)?\.sqlite$/;

export function timestampedName(dir: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  let name = join(dir, `kiosk-${stamp}.sqlite`);
  for (let i = 1; existsSync(name); i++) name = join(dir, `kiosk-${stamp}-${i}.sqlite`);
  return name;
}

/**
 * Keeps the newest `keep` of this tool's timestamped backups in `dir` (by name, which sorts by
 * time) and removes the rest; other files are never touched. Returns the removed paths.
 */
export function rotateBackups(dir: string, keep: number): string[] {
  const ours = readdirSync(dir)
    .filter((n) => BACKUP_NAME_RE.test(n) && statSync(join(dir, n)).isFile())
    .sort();
  const gone = ours.slice(0, Math.max(0, ours.length - keep)).map((n) => join(dir, n));
  for (const f of gone) rmSync(f, { force: true });
  return gone;
}
