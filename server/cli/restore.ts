/**
 * `npm run -s restore -- --from FILE --data-dir DIR [--force]`
 *
 * Puts a backup (made by `npm run -s backup`) back as the data folder's visit log. In order:
 *
 * 1. Takes the data folder's lock (server/db/data-dir-lock.ts): refused while a kiosk service
 *    runs on that folder (stop it first: `systemctl stop bhyt-kiosk`), and no service can start
 *    while the restore is under way.
 * 2. Copies the backup into the folder under a temporary name and verifies its hash chain there;
 *    a broken backup is refused and the folder left as it was.
 * 3. Compares it with the log in the folder, if any: a log with more visits than the backup, or
 *    a different log (the backup's row at the log's head has another hash), is not overwritten
 *    without `--force`. Even then it is kept, renamed `kiosk.sqlite.before-restore-<time>`.
 * 4. Moves the copy into place, opens it as the service would (a backup made by an older
 *    release is migrated) and verifies it again.
 *
 * Prints one JSON line. Exit: 0 restored and verified, 1 refused (newer or different log, or a
 * backup that does not verify), 2 usage, missing file, or the folder in use.
 */
import { KIOSK_KEY_FILE, kioskKeyPath } from '../anchor/kiosk-key.js';
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { DataDirLockedError, lockDataDir } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { currentSchemaVersion } from '../db/migrate.js';
import { companions, moveIntoPlace, partialName, withCopy } from '../db/online-backup.js';
import { kioskDbPath, openKioskDatabase } from '../db/open-kiosk-db.js';
import { KIOSK_MIGRATIONS } from '../db/schema.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { verifyChain } from '../visits/chain-verifier.js';
import { DATA_DIR_FLAG } from './data-dir-arg.js';
import { runMain } from './run-main.js';

const FLAGS: readonly FlagSpec[] = [
  { flag: 'from', kind: 'path', arg: 'FILE', help: 'the backup to restore' },
  DATA_DIR_FLAG,
  { flag: 'force', kind: 'bool', help: 'replace a log that is newer than the backup, or a different one (it is kept aside)' },
];

const USAGE = [
  'Usage: npm run -s restore -- --from FILE --data-dir DIR [--force]   (with the kiosk service stopped)',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 restored and verified, 1 refused (newer or different log, broken backup), 2 usage or folder in use.',
].join('\n');

class Refused extends Error {}

async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (parsed.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const problems = [...parsed.problems];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  const from = v.from as string | undefined;
  if (from === undefined) problems.push('--from is required');
  if (problems.length > 0) {
    process.stderr.write(`restore: ${problems.join('\nrestore: ')}\n${USAGE}\n`);
    return 2;
  }
  if (!existsSync(from!)) {
    process.stderr.write(`restore: no backup at ${from}\n`);
    return 2;
  }
  const dataDir = v['data-dir'] as string;
  let lock;
  try {
    lock = await lockDataDir(dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`restore: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const live = kioskDbPath(dataDir);
  const staging = partialName(live);
  try {
    copyFileSync(from!, staging);
    chmodSync(staging, 0o600);
    const backup = await withCopy(staging, async (db) => {
      const version = await currentSchemaVersion(db);
      if (version < 1) throw new Refused(`${from} is not a kiosk visit log`);
      if (version > KIOSK_MIGRATIONS.length) throw new Refused(`${from} was made by a newer release (schema ${version}); upgrade first`);
      return { report: await verifyChain(db) };
    });
    if (!backup.report.intact)
      throw new Refused(`the backup does not verify (${backup.report.problem ?? 'broken'} at seq ${backup.report.firstBrokenSeq ?? '?'})`);

    let previous: string | null = null;
    if (existsSync(live)) {
      const db = await openDatabase(live, { mustExist: true });
      let current: { seq: number; hash: string } | undefined;
      try {
        current = await db
          .get<{ seq: number; hash: string }>('SELECT seq, hash FROM visits ORDER BY seq DESC LIMIT 1')
          .catch(() => undefined);
      } finally {
        await db.close(); // the last connection: SQLite checkpoints and removes the -wal
      }
      if (current) {
        const same = await withCopy(staging, (b) => b.get<{ hash: string }>('SELECT hash FROM visits WHERE seq = ?', [current.seq]));
        const newer = current.seq > backup.report.headSeq;
        const different = !newer && same?.hash !== current.hash;
        if ((newer || different) && v.force !== true) {
          throw new Refused(
            newer
              ? `the log in ${dataDir} is newer than the backup (head seq ${current.seq} > ${backup.report.headSeq}); --force replaces it (it is kept aside)`
              : `the log in ${dataDir} is a different log from the backup's (seq ${current.seq} differs); --force replaces it (it is kept aside)`,
          );
        }
      }
      const stamp = new Date(systemClock.now())
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      previous = `${live}.before-restore-${stamp}`;
      for (const c of companions(live)) renameSync(c, previous + c.slice(live.length));
      renameSync(live, previous);
    }
    moveIntoPlace(staging, live);
    const { db } = await openKioskDatabase(dataDir, systemClock.now());
    let after;
    try {
      after = await verifyChain(db);
    } finally {
      await db.close();
    }
    if (!after.intact || after.headHash !== backup.report.headHash) {
      process.stderr.write(
        `restore: the restored log does not verify (${after.problem ?? 'head differs'}); the previous log is ${previous ?? 'none'}\n`,
      );
      return 1;
    }
    const keyPresent = existsSync(kioskKeyPath(dataDir));
    if (!keyPresent) {
      // The backup holds the log, not the key: a new key is a new kiosk to the store.
      process.stderr.write(
        `restore: note: no kiosk key (${KIOSK_KEY_FILE}) in ${dataDir}: put back the copy kept with the configuration, or the store will refuse this kiosk's checkpoints (docs/deploy.md)\n`,
      );
    }
    process.stdout.write(
      JSON.stringify({
        restored: live,
        from,
        visits: after.count,
        headSeq: after.headSeq,
        headHash: after.headHash,
        previous,
        kioskKey: keyPresent ? 'present' : 'missing',
      }) + '\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof Refused) {
      process.stderr.write(`restore: refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    rmSync(staging, { force: true });
    await lock.release();
  }
}

runMain('restore', () => run(process.argv.slice(2)), { failCode: 2, failedWord: 'failed' });
