/**
 * `npm run -s verify -- [--trust-file FILE] [--at ISO-8601] [--facility CODE] TEXT | -`
 *
 * Verifies QR text(s) offline and prints each result as one JSON object on one line.
 * Exit codes: 0 accepted, 3 needs_review, 1 rejected, 2 usage error. With `-` it reads
 * stdin, one QR text per line, and prints exactly one JSON line per input line, in order (an
 * empty line is a card too: QR_MALFORMED); the exit code is then the worst verdict seen.
 */
import { resolve } from 'node:path';
import { DEFAULT_POLICY, type VerifyPolicy } from '../card/types.js';
import type { Verdict } from '../wire/verification.js';
import { verifyQr } from '../card/verify.js';
import { TrustStoreError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { projectRoot } from '../project-root.js';
import { loadTrustFile } from '../trust/load-file.js';
import type { TrustSnapshot } from '../trust/types.js';
import { forEachLine } from './stdin-lines.js';
import { runMain } from './run-main.js';

export const EXIT = { accepted: 0, rejected: 1, usage: 2, needs_review: 3 } as const;

/** The service's names (and variables, where the service reads one); the old spellings stay accepted. */
const FLAGS: readonly FlagSpec[] = [
  {
    flag: 'trust-file',
    aliases: ['trust'],
    env: 'KIOSK_TRUST_FILE',
    kind: 'path',
    arg: 'FILE',
    help: 'trust store file (default: keys/trust.json of this project)',
  },
  { flag: 'at', kind: 'instant', arg: 'ISO-8601', help: 'judge the card as at this time (default: now)' },
  { flag: 'facility', env: 'KIOSK_FACILITY', kind: 'facility', arg: 'CODE', help: 'the facility checking the card in (route check)' },
  { flag: 'clock-tolerance', aliases: ['tolerance'], kind: 'seconds', arg: '5m', help: 'clock tolerance for credential times' },
  { flag: 'max-trust-age', kind: 'seconds', arg: '7d', help: 'revocation lists older than this need review' },
];

const USAGE = [
  'Usage: npm run -s verify -- [flags] TEXT',
  '       npm run -s verify -- [flags] -        (one QR text per stdin line → one JSON line each)',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 accepted, 3 needs_review, 1 rejected, 2 usage error.',
].join('\n');

class UsageError extends Error {}

interface CliOptions {
  trustFile: string;
  at: number | undefined;
  policy: VerifyPolicy;
  input: string;
}

export function parseVerifyArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliOptions {
  const parsed = parseFlags(argv, FLAGS, { positional: true });
  if (parsed.help) throw new UsageError('');
  const problems = [...parsed.problems];
  const v = resolveFlags(FLAGS, parsed, env, cwd, problems);
  if (problems.length > 0) throw new UsageError(problems.join('\nverify: '));
  const policy: VerifyPolicy = { ...DEFAULT_POLICY };
  if (v.facility !== undefined) policy.facility = v.facility as string;
  if (v['clock-tolerance'] !== undefined) policy.clockToleranceSec = v['clock-tolerance'] as number;
  if (v['max-trust-age'] !== undefined) policy.maxTrustAgeSec = v['max-trust-age'] as number;
  const positional = parsed.positional;
  if (positional.length !== 1)
    throw new UsageError(positional.length === 0 ? 'give the QR text, or - to read stdin' : 'give exactly one QR text (quote it), or -');
  return {
    trustFile: (v['trust-file'] as string | undefined) ?? resolve(projectRoot(), 'keys/trust.json'),
    at: v.at as number | undefined,
    policy,
    input: positional[0]!,
  };
}

const RANK: Record<Verdict, number> = { accepted: 0, needs_review: 1, rejected: 2 };

async function run(): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseVerifyArgs(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `verify: ${err.message}\n` : ''}${USAGE}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  let trust: TrustSnapshot;
  try {
    trust = await loadTrustFile(opts.trustFile);
  } catch (err) {
    if (err instanceof TrustStoreError) {
      process.stderr.write(`verify: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const check = (text: string) => verifyQr(text, { trust, now: opts.at ?? Date.now(), policy: opts.policy });

  if (opts.input !== '-') {
    const result = check(opts.input);
    process.stdout.write(JSON.stringify(result) + '\n');
    return EXIT[result.verdict];
  }
  let worst: Verdict | undefined;
  await forEachLine(process.stdin, opts.policy.maxQrChars + 1, async (line) => {
    const result = check(line);
    if (worst === undefined || RANK[result.verdict] > RANK[worst]) worst = result.verdict;
    if (!process.stdout.write(JSON.stringify(result) + '\n')) await new Promise((r) => process.stdout.once('drain', r));
  });
  return worst === undefined ? EXIT.accepted : EXIT[worst];
}

runMain('verify', run, { failCode: EXIT.usage });
