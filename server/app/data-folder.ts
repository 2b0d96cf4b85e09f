/**
 * The data folder is private to the service's user: the folder and every folder under it 0700,
 * every file 0600 (README, "Data folder"). Each writer creates its files so (the visit log and
 * its -wal/-shm, the lock file, the trust cache, backups); this start-up step creates the folder
 * 0700 when it is missing and tightens what an older version, a copy (the demo issuer's state,
 * copied from the repository) or an operator left wider. Symbolic links are neither followed nor
 * changed; nothing is ever loosened.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Creates the data folder (0700) when missing. */
export function createDataFolder(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Tightens the folder's tree; returns how many entries were changed (logged once). */
export function tightenDataFolder(dataDir: string, logger: Logger): number {
  let changed = 0;
  const visit = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    const want = st.isDirectory() ? PRIVATE_DIR_MODE : st.isFile() ? PRIVATE_FILE_MODE : undefined;
    if (want !== undefined && (st.mode & 0o777 & ~want) !== 0) {
      try {
        // Only bits are taken away (a 0400 file stays 0400).
        chmodSync(path, st.mode & 0o777 & want);
        changed++;
      } catch (err) {
        // Another user's file (EPERM): said, not fatal; the service's own files are its own.
        logger.warn('cannot tighten the permissions of a data-folder entry', {
          code: 'DATA_DIR_MODE_UNCHANGED',
          path,
          error: (err as NodeJS.ErrnoException).code,
        });
      }
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dataDir);
  if (changed > 0) logger.info('data folder permissions tightened', { code: 'DATA_DIR_MODES_TIGHTENED', entries: changed });
  return changed;
}
