/**
 * Wires the kiosk's one SQLite database (the single serialised connection every feature shares):
 * opens it with its migrations and closes it last on shutdown.
 */
import type { Clock } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { lockDataDir } from '../db/data-dir-lock.js';
import { openKioskDatabase } from '../db/open-kiosk-db.js';
import { adoptUnloggedRecords } from '../card-checks/card-check-log.js';
import type { FeatureParts } from './feature.js';

export interface KioskDatabase extends FeatureParts {
  db: Database;
  /** True when the database file was just created (demo accounts go only into a fresh one). */
  fresh: boolean;
}

export async function openDatabase(deps: { config: KioskConfig; clock: Clock }): Promise<KioskDatabase> {
  // One service per data folder (the visit writer's memory assumes it is the only writer).
  const lock = await lockDataDir(deps.config.dataDir);
  let opened;
  try {
    opened = await openKioskDatabase(deps.config.dataDir, deps.clock.now());
  } catch (err) {
    await lock.release();
    throw err;
  }
  const { db, fresh } = opened;
  try {
    // Once, after migration 6: the card checks written before the card-check log existed.
    await adoptUnloggedRecords(db, deps.clock.now());
  } catch (err) {
    await db.close().catch(() => undefined);
    await lock.release();
    throw err;
  }
  return { db, fresh, closables: [{ close: () => db.close().finally(() => lock.release()) }] };
}
