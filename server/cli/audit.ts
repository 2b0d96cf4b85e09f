/**
 * `npm run -s audit -- verify [--data-dir DIR] [--json] [--expect-head HASH]`   (`--data DIR` still works)
 * `npm run -s audit -- check-in-xml --date YYYY-MM-DD [--data-dir DIR] [--out FILE]`  (./audit/check-in-xml.ts)
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
import { verifyChain } from '../visits/chain-verifier.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { CHECK_IN_XML_USAGE, runCheckInXml } from './audit/check-in-xml.js';
import { DATA_DIR_FLAG } from './data-dir-arg.js';

const FLAGS: readonly FlagSpec[] = [
  DATA_DIR_FLAG,
  { flag: 'json', kind: 'bool', help: 'print the report as JSON' },
  { flag: 'expect-head', kind: 'text', arg: 'SHA256-HEX', help: 'also check the head hash against one noted earlier' },
];

const USAGE = [
  'Usage: npm run -s audit -- verify [--data-dir DIR] [--json] [--expect-head SHA256-HEX]',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 intact, 1 broken (the first broken sequence number is named), 2 usage or no database.',
  '',
  CHECK_IN_XML_USAGE,
].join('\n');

export async function run(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'check-in-xml') return runCheckInXml(argv.slice(1));
  const usage = (msg?: string) => {
    if (msg) process.stderr.write(`audit: ${msg}\n`);
    process.stderr.write(USAGE + '\n');
    return 2;
  };
  const parsed = parseFlags(argv, FLAGS, { positional: true });
  const [command, ...rest] = parsed.positional;
  if (parsed.help) return usage();
  if (command !== 'verify') return usage(command ? `unknown command "${command.slice(0, 60)}"` : undefined);
  const problems = [...parsed.problems, ...rest.map((a) => `unexpected argument "${a.slice(0, 60)}"`)];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  if (problems.length > 0) return usage(problems.join('\naudit: '));
  const json = v.json === true;
  const expectHead = (v['expect-head'] as string | undefined)?.toLowerCase();
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) return usage('--expect-head must be 64 hex characters');

  const file = kioskDbPath(v['data-dir'] as string);
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
    const report = await verifyChain(db);
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
