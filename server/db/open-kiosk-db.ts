import { join } from 'node:path';
import { openDatabase, type Database, type OpenOptions } from './database.js';
import { migrate } from './migrate.js';
import { KIOSK_MIGRATIONS } from './schema.js';

/** The visit log's file name inside the configured data folder. */
export const DB_FILE_NAME = 'kiosk.sqlite';

export function kioskDbPath(dataDir: string): string {
  return join(dataDir, DB_FILE_NAME);
}

/**
 * Opens the kiosk database in `dataDir` and brings its schema up to date. `fresh` tells the
 * caller the database had no schema before (first start: demo accounts may be created).
 */
export async function openKioskDatabase(dataDir: string, now: number, opts: OpenOptions = {}): Promise<{ db: Database; fresh: boolean }> {
  const db = await openDatabase(kioskDbPath(dataDir), opts);
  try {
    const applied = await migrate(db, KIOSK_MIGRATIONS, now);
    return { db, fresh: applied.includes(1) };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
