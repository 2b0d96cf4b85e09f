/**
 * `npm run -s verify -- [--trust FILE] [--at ISO-8601] [--facility CODE] TEXT | -`
 *
 * Verifies QR text(s) offline and prints each result as one JSON object on one line.
 * Exit codes: 0 accepted, 3 needs_review, 1 rejected, 2 usage error. With `-` it reads
 * stdin, one QR text per line, and prints exactly one JSON line per input line, in order (an
 * empty line is a card too: QR_MALFORMED); the exit code is then the worst verdict seen.
 */
import { resolve } from 'node:path';
import { DEFAULT_POLICY, type Verdict, type VerifyPolicy } from '../card/types.js';
import { verifyQr } from '../card/verify.js';
import { parseSeconds } from '../config.js';
import { TrustStoreError } from '../errors.js';
import { projectRoot } from '../project-root.js';
import { loadTrustFile } from '../trust/load-file.js';
import type { TrustSnapshot } from '../trust/types.js';
import { forEachLine } from './stdin-lines.js';

export const EXIT = { accepted: 0, rejected: 1, usage: 2, needs_review: 3 } as const;

const USAGE = `Usage: npm run -s verify -- [--trust FILE] [--at ISO-8601] [--facility CODE] [--tolerance 5m] [--max-trust-age 7d] TEXT
       npm run -s verify -- [flags] -        (one QR text per stdin line → one JSON line each)
Exit: 0 accepted, 3 needs_review, 1 rejected, 2 usage error.`;

class UsageError extends Error {}

interface CliOptions {
  trustFile: string;
  at: number | undefined;
  policy: VerifyPolicy;
  input: string;
}

export function parseVerifyArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliOptions {
  let trustFile = env.KIOSK_TRUST_FILE ? resolve(cwd, env.KIOSK_TRUST_FILE) : resolve(projectRoot(), 'keys/trust.json');
  let at: number | undefined;
  const policy: VerifyPolicy = { ...DEFAULT_POLICY };
  if (env.KIOSK_FACILITY) policy.facility = env.KIOSK_FACILITY.toUpperCase();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--trust':
        trustFile = resolve(cwd, value());
        break;
      case '--at': {
        const v = value();
        const t = Date.parse(v);
        if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || !Number.isFinite(t)) {
          throw new UsageError(`--at must be an ISO-8601 date-time, e.g. 2026-11-25T09:00:00+07:00 (got "${v}")`);
        }
        at = t;
        break;
      }
      case '--facility': {
        const v = value().toUpperCase();
        if (!/^\d{2}[0-9A-Z]{3}$/.test(v)) throw new UsageError(`--facility must be a 5-character facility code, e.g. 12001 (got "${v}")`);
        policy.facility = v;
        break;
      }
      case '--tolerance':
      case '--max-trust-age': {
        const v = value();
        const s = parseSeconds(v);
        if (s === undefined) throw new UsageError(`${arg} must be a duration such as 300, 5m or 7d (got "${v}")`);
        if (arg === '--tolerance') policy.clockToleranceSec = s;
        else policy.maxTrustAgeSec = s;
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      case '--':
        positional.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown flag ${arg}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1)
    throw new UsageError(positional.length === 0 ? 'give the QR text, or - to read stdin' : 'give exactly one QR text (quote it), or -');
  return { trustFile, at, policy, input: positional[0]! };
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

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`verify: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.usage;
  },
);
