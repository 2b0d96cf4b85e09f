/**
 * `npm run -s audit -- verify [--data-dir DIR] [--json] [--expect-hash-at SEQ:HASH]… [--store URL --store-key KEY]`
 * `npm run -s audit -- kiosk-key [--data-dir DIR]`   the kiosk key's thumbprint (to register at the store)
 * `npm run -s audit -- check-in-xml --date YYYY-MM-DD [--data-dir DIR] [--out FILE]`  (./audit/check-in-xml.ts)
 *
 * Walks the visit log's hash chain and the card-check log in the database file (read directly:
 * it works with the service stopped or running) and reports whether they are intact. Exit: 0
 * intact, 1 broken (naming the first broken sequence number), 2 usage / no database / the store
 * cannot be asked.
 *
 * A chain checked only against itself cannot reveal a log someone cut short or rebuilt with
 * recomputed hashes: that takes a head recorded outside the file. `--expect-hash-at SEQ:HASH`
 * (repeatable) checks checkpoints written down earlier (a printed or e-mailed one stays checkable
 * as the log grows); `--store URL --store-key KEY` fetches every checkpoint the medical-history
 * store holds for this kiosk (each verified against the kiosk key the store pinned) and fails when
 * the local log lacks one or has another hash there. `--expect-head HASH` (the older check: the
 * head must be exactly this) still works. What this catches and what it cannot: docs/security.md.
 */
import { existsSync } from 'node:fs';
import { openDatabase } from '../db/database.js';
import { kioskDbPath } from '../db/open-kiosk-db.js';
import { currentSchemaVersion } from '../db/migrate.js';
import { verifyChain } from '../visits/chain-verifier.js';
import { verifyCardCheckLog } from '../card-checks/card-check-log-verifier.js';
import { checkAgainst, parseHashAt, type ExpectedHeads } from '../anchor/log-check.js';
import { fetchStoreCheckpoints, StoreCheckpointError } from '../anchor/store-checkpoints.js';
import { readKioskKey } from '../anchor/kiosk-key.js';
import { ConfigError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { CHECK_IN_XML_USAGE, runCheckInXml } from './audit/check-in-xml.js';
import { DATA_DIR_FLAG } from './data-dir-arg.js';
import { runMain } from './run-main.js';

const FLAGS: readonly FlagSpec[] = [
  DATA_DIR_FLAG,
  { flag: 'json', kind: 'bool', help: 'print the report as JSON' },
  {
    flag: 'expect-hash-at',
    kind: 'text',
    arg: 'SEQ:HASH',
    repeatable: true,
    help: 'a visit-log checkpoint noted earlier: the log must hold this hash at this seq (repeatable)',
  },
  {
    flag: 'store',
    kind: 'url',
    arg: 'URL',
    help: 'the medical-history store: check the logs against every checkpoint it holds for this kiosk',
  },
  { flag: 'store-key', kind: 'secret', arg: 'KEY', help: "this kiosk's API key at the store (its KIOSK_SYNC_KEY)" },
  { flag: 'expect-head', kind: 'text', arg: 'SHA256-HEX', help: 'also check that the head hash is exactly this one' },
];

const USAGE = [
  'Usage: npm run -s audit -- verify [--data-dir DIR] [--json] [--expect-hash-at SEQ:HASH]… [--store URL --store-key KEY]',
  '       npm run -s audit -- kiosk-key [--data-dir DIR]',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 intact, 1 broken (the first broken sequence number is named), 2 usage, no database, or the store cannot be asked.',
  '',
  CHECK_IN_XML_USAGE,
].join('\n');

interface Finding {
  problem: string;
  message: string;
  firstBrokenSeq?: number;
  log?: 'visits' | 'cardChecks';
}

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
  if (command !== 'verify' && command !== 'kiosk-key') return usage(command ? `unknown command "${command.slice(0, 60)}"` : undefined);
  const problems = [...parsed.problems, ...rest.map((a) => `unexpected argument "${a.slice(0, 60)}"`)];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  const dataDir = v['data-dir'] as string;
  if (command === 'kiosk-key') return printKioskKey(dataDir, problems, usage);
  const json = v.json === true;
  const expectHead = (v['expect-head'] as string | undefined)?.toLowerCase();
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) problems.push('--expect-head must be 64 hex characters');
  const hashesAt = (parsed.lists.get('expect-hash-at') ?? []).map((text) => {
    const h = parseHashAt(text);
    if (!h) problems.push(`--expect-hash-at "${text.slice(0, 90)}": must be SEQ:HASH (a sequence number ≥ 1, a colon, 64 hex characters)`);
    return h;
  });
  const storeUrl = v.store as string | undefined;
  const storeKey = v['store-key'] as string | undefined;
  if ((storeUrl === undefined) !== (storeKey === undefined)) problems.push('--store and --store-key go together');
  if (problems.length > 0) return usage(problems.join('\naudit: '));

  const file = kioskDbPath(dataDir);
  if (!existsSync(file)) {
    process.stderr.write(`audit: no visit log at ${file}\n`);
    return 2;
  }
  const expected: ExpectedHeads[] = hashesAt.flatMap((h) =>
    h ? [{ source: `the checkpoint ${h.seq}:${h.hash.slice(0, 12)}… given`, visits: h }] : [],
  );
  let anchor: { checkpoints: number; latest?: unknown; kioskKey?: string } | undefined;
  let keyFinding: Finding | undefined;
  if (storeUrl && storeKey) {
    let fetched;
    try {
      fetched = await fetchStoreCheckpoints(storeUrl, storeKey);
    } catch (err) {
      if (!(err instanceof StoreCheckpointError)) throw err;
      if (err.code === 'STORE_CHECKPOINT_FORGED') keyFinding = { problem: err.code, message: err.message };
      else {
        process.stderr.write(`audit: ${err.message}: the log was not checked against the store\n`);
        return 2;
      }
    }
    if (fetched) {
      const latest = fetched.items.reduce<(typeof fetched.items)[number] | undefined>(
        (m, c) => (!m || c.visits.seq > m.visits.seq ? c : m),
        undefined,
      );
      anchor = {
        checkpoints: fetched.items.length,
        ...(latest ? { latest } : {}),
        ...(fetched.thumbprint ? { kioskKey: fetched.thumbprint } : {}),
      };
      for (const c of fetched.items)
        expected.push({ source: `the store's checkpoint signed at ${c.signedAt}`, visits: c.visits, cardChecks: c.cardChecks });
      if (fetched.thumbprint) {
        const local = await readKioskKey(dataDir).catch(() => undefined);
        if (local?.thumbprint !== fetched.thumbprint) {
          keyFinding = {
            problem: 'KIOSK_KEY_DIFFERS',
            message: local
              ? 'the kiosk key in the data folder is not the one the store pinned for this kiosk (replaced?)'
              : 'the kiosk key the store pinned for this kiosk is missing from the data folder',
          };
        }
      }
    }
  }

  // Opened without migrating: verification must not change the file it judges.
  const db = await openDatabase(file, { mustExist: true });
  try {
    if ((await currentSchemaVersion(db)) < 1) {
      process.stderr.write(`audit: ${file} is not a kiosk visit log\n`);
      return 2;
    }
    const chain = await verifyChain(db);
    const cardChecks = await verifyCardCheckLog(db);
    let finding: Finding | undefined;
    if (!chain.intact)
      finding = { problem: chain.problem!, message: chain.message ?? chain.problem!, ...seqOf(chain.firstBrokenSeq), log: 'visits' };
    else if (!cardChecks.intact)
      finding = {
        problem: cardChecks.problem!,
        message: cardChecks.message ?? cardChecks.problem!,
        ...seqOf(cardChecks.firstBrokenSeq),
        log: 'cardChecks',
      };
    else if (expectHead !== undefined && chain.headHash !== expectHead)
      finding = {
        problem: 'HASH_MISMATCH',
        message: 'the head hash differs from the expected one (the chain was rebuilt or rows were removed from its end)',
      };
    else {
      const f = await checkAgainst(db, expected);
      if (f) finding = { problem: f.problem, message: f.message, firstBrokenSeq: f.seq, log: f.log };
      else if (keyFinding) finding = keyFinding;
    }
    const report = {
      intact: !finding,
      count: chain.count,
      headSeq: chain.headSeq,
      headHash: chain.headHash,
      ...(finding
        ? {
            problem: finding.problem,
            message: finding.message,
            ...seqOf(finding.firstBrokenSeq),
            ...(finding.log ? { brokenLog: finding.log } : {}),
          }
        : {}),
      cardChecks: { intact: cardChecks.intact, count: cardChecks.count, headSeq: cardChecks.headSeq, headHash: cardChecks.headHash },
      checkpointsChecked: expected.length,
      ...(anchor ? { anchor } : {}),
    };
    if (json) process.stdout.write(JSON.stringify(report) + '\n');
    else if (!finding) {
      process.stdout.write(`intact: ${chain.count} visits, head seq ${chain.headSeq}, head hash ${chain.headHash}\n`);
      if (cardChecks.present)
        process.stdout.write(
          `card-check log intact: ${cardChecks.count} entries, head seq ${cardChecks.headSeq}, head hash ${cardChecks.headHash}\n`,
        );
      if (expected.length > 0)
        process.stdout.write(
          `checkpoints: all ${expected.length} present in the local logs${anchor ? ` (${anchor.checkpoints} from the store)` : ''}\n`,
        );
    } else {
      const at = finding.firstBrokenSeq !== undefined ? ` at seq ${finding.firstBrokenSeq}` : '';
      process.stdout.write(`BROKEN${at}: ${finding.message}\n`);
    }
    return finding ? 1 : 0;
  } finally {
    await db.close();
  }
}

function seqOf(seq: number | undefined): { firstBrokenSeq?: number } {
  return seq === undefined ? {} : { firstBrokenSeq: seq };
}

async function printKioskKey(dataDir: string, problems: string[], usage: (m?: string) => number): Promise<number> {
  if (problems.length > 0) return usage(problems.join('\naudit: '));
  try {
    const key = await readKioskKey(dataDir);
    if (!key) {
      process.stderr.write(`audit: no kiosk key in ${dataDir} yet (the service creates it at its first start with sync on)\n`);
      return 2;
    }
    process.stdout.write(`${key.thumbprint}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`audit: ${err.problems.join('; ')}\n`);
      return 2;
    }
    throw err;
  }
}

runMain('audit', () => run(process.argv.slice(2)), { failCode: 2 });
