/**
 * `npm run -s backup -- --data-dir DIR --out FILE|DIR/ [--keep N]`
 *
 * A consistent copy of the visit log (users, sessions, visits, outboxes, card checks: the whole
 * kiosk.sqlite) while the service runs: SQLite's `VACUUM INTO` on a connection of its own
 * (server/db/online-backup.ts), never a file copy of the live WAL database. Before reporting
 * success the copy's hash chain is verified (server/visits/chain-verifier.ts) and its head is
 * checked against the live log's row of the same sequence number (the copy is a true prefix of
 * the log). Then, and only then, the copy is renamed into place.
 *
 * `--out` an existing folder (or one ending in `/`): the copy is `kiosk-<UTC time>.sqlite` in it,
 * and `--keep N` keeps the N newest such copies there (other files are never touched).
 *
 * Prints one JSON line (file, visits, head seq and hash, bytes; no personal data). Exit: 0 done,
 * 1 the copy did not verify (nothing is left under the name), 2 usage or no visit log.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { systemClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { currentSchemaVersion } from '../db/migrate.js';
import { kioskDbPath } from '../db/open-kiosk-db.js';
import { moveIntoPlace, partialName, rotateBackups, timestampedName, vacuumInto, withCopy } from '../db/online-backup.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { verifyChain } from '../visits/chain-verifier.js';
import { DATA_DIR_FLAG } from './data-dir-arg.js';
import { runMain } from './run-main.js';

const FLAGS: readonly FlagSpec[] = [
  DATA_DIR_FLAG,
  { flag: 'out', kind: 'text', arg: 'FILE|DIR/', help: 'where the copy goes (a folder: a timestamped file in it)' },
  { flag: 'keep', kind: 'text', arg: 'N', help: 'with a folder --out: keep the N newest backups there, remove older ones' },
];

const USAGE = [
  'Usage: npm run -s backup -- --data-dir DIR --out FILE|DIR/ [--keep N]',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 the copy is made and verified, 1 it did not verify, 2 usage or no visit log.',
].join('\n');

async function run(argv: readonly string[]): Promise<number> {
  const usage = (msg?: string) => {
    if (msg) process.stderr.write(`backup: ${msg}\n`);
    process.stderr.write(USAGE + '\n');
    return 2;
  };
  const parsed = parseFlags(argv, FLAGS);
  if (parsed.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const problems = [...parsed.problems];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  const outArg = v.out as string | undefined;
  if (outArg === undefined || outArg.trim() === '') problems.push('--out is required');
  const keepArg = v.keep as string | undefined;
  const keep = keepArg === undefined ? undefined : /^\d{1,4}$/.test(keepArg) ? Number(keepArg) : NaN;
  if (keep !== undefined && !(keep >= 1)) problems.push('--keep must be a whole number, 1 or more');
  if (problems.length > 0) return usage(problems.join('\nbackup: '));

  const out = outArg!;
  const intoDir = out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory());
  if (keep !== undefined && !intoDir) return usage('--keep needs --out to be a folder (timestamped backups in it)');
  const source = kioskDbPath(v['data-dir'] as string);
  if (!existsSync(source)) {
    process.stderr.write(`backup: no visit log at ${source}\n`);
    return 2;
  }
  if (intoDir) mkdirSync(out, { recursive: true, mode: 0o700 });
  const target = intoDir ? timestampedName(out, systemClock.now()) : out;
  const partial = partialName(target);

  const db = await openDatabase(source, { mustExist: true, busyTimeoutMs: 30_000 });
  try {
    if ((await currentSchemaVersion(db)) < 1) {
      process.stderr.write(`backup: ${source} is not a kiosk visit log\n`);
      return 2;
    }
    await vacuumInto(db, partial);
    try {
      const report = await withCopy(partial, (copy) => verifyChain(copy));
      if (!report.intact) {
        process.stderr.write(
          `backup: the copy does not verify (${report.problem ?? 'broken'} at seq ${report.firstBrokenSeq ?? '?'}); nothing kept\n`,
        );
        return 1;
      }
      if (report.headSeq > 0) {
        const live = await db.get<{ hash: string }>('SELECT hash FROM visits WHERE seq = ?', [report.headSeq]);
        if (live?.hash !== report.headHash) {
          process.stderr.write(`backup: the copy's head (seq ${report.headSeq}) differs from the live log's; nothing kept\n`);
          return 1;
        }
      }
      moveIntoPlace(partial, target);
      const removed = keep !== undefined ? rotateBackups(dirname(target), keep) : [];
      process.stdout.write(
        JSON.stringify({
          backup: target,
          visits: report.count,
          headSeq: report.headSeq,
          headHash: report.headHash,
          bytes: statSync(target).size,
          removed,
        }) + '\n',
      );
      return 0;
    } finally {
      rmSync(partial, { force: true });
    }
  } finally {
    await db.close();
  }
}

runMain('backup', () => run(process.argv.slice(2)), { failCode: 2, failedWord: 'failed' });
