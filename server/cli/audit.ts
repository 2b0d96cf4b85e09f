/**
 * `npm run -s audit -- verify [--data DIR] [--json] [--expect-head HASH]`
 *
 * Walks the visit log's hash chain in the database file (read directly: it works with the
 * service stopped or running) and reports whether it is intact. Exit: 0 intact, 1 broken
 * (naming the first broken sequence number), 2 usage / no database.
 *
 * `--expect-head HASH` also checks the head against a hash written down earlier (e.g. from
 * GET /api/audit/integrity): someone with the file could rebuild the whole chain after editing
 * it, and only a head recorded outside the file reveals that.
 */
import { existsSync } from 'node:fs';
import { openDatabase } from '../db/database.js';
import { kioskDbPath } from '../db/open-kiosk-db.js';
import { currentSchemaVersion } from '../db/migrate.js';
import { VisitRepository } from '../visits/visit-repo.js';
import { dataDirFrom } from './data-dir-arg.js';

const USAGE = `Usage: npm run -s audit -- verify [--data DIR] [--json] [--expect-head SHA256-HEX]
Exit: 0 intact, 1 broken (the first broken sequence number is named), 2 usage or no database.`;

export async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let dataFlag: string | undefined;
  let json = false;
  let expectHead: string | undefined;
  const usage = (msg?: string) => {
    if (msg) process.stderr.write(`audit: ${msg}\n`);
    process.stderr.write(USAGE + '\n');
    return 2;
  };
  if (command !== 'verify') return usage(command ? `unknown command "${command}"` : undefined);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--json') json = true;
    else if (a === '--data' || a === '--expect-head') {
      const v = rest[++i];
      if (v === undefined) return usage(`${a} needs a value`);
      if (a === '--data') dataFlag = v;
      else expectHead = v.toLowerCase();
    } else if (a.startsWith('--data=')) dataFlag = a.slice(7);
    else if (a.startsWith('--expect-head=')) expectHead = a.slice(14).toLowerCase();
    else return usage(`unexpected argument "${a.slice(0, 60)}"`);
  }
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) return usage('--expect-head must be 64 hex characters');

  const file = kioskDbPath(dataDirFrom(dataFlag, process.env, process.cwd()));
  if (!existsSync(file)) {
    process.stderr.write(`audit: no visit log at ${file}\n`);
    return 2;
  }
  // Opened without migrating: verification must not change the file it judges.
  const db = await openDatabase(file, { mustExist: true });
  try {
    if ((await currentSchemaVersion(db)) < 1) {
      process.stderr.write(`audit: ${file} is not a kiosk visit log\n`);
      return 2;
    }
    const report = await new VisitRepository(db).verifyChain();
    let final = report;
    if (report.intact && expectHead !== undefined && report.headHash !== expectHead) {
      final = {
        ...report,
        intact: false,
        problem: 'HASH_MISMATCH',
        message: `the head hash differs from the expected one (the chain was rebuilt or rows were removed from its end)`,
      };
    }
    if (json) process.stdout.write(JSON.stringify(final) + '\n');
    else if (final.intact) process.stdout.write(`intact: ${final.count} visits, head seq ${final.headSeq}, head hash ${final.headHash}\n`);
    else {
      const at = final.firstBrokenSeq !== undefined ? ` at seq ${final.firstBrokenSeq}` : '';
      process.stdout.write(`BROKEN${at}: ${final.message ?? final.problem}\n`);
    }
    return final.intact ? 0 : 1;
  } finally {
    await db.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`audit: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
