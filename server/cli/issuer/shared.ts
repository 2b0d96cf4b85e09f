/**
 * What every `npm run -s issuer` subcommand shares: the context it runs in, the exit codes, the
 * usage error, the shape of a command, the common flags (--dir, --trust-file, --no-trust, --at)
 * and the readers of their values, and the usage text. One module per subcommand sits beside
 * this file; the dispatcher (../issuer.ts) lists them and maps errors to exit codes.
 */
import { dirname, join, resolve } from 'node:path';
import type { Random } from '../../clock.js';
import { flagUsage, type FlagSpec } from '../../lib/cli-args.js';
import { parseIsoInstant } from '../../lib/iso-date.js';
import { demoTrustFile, seedDemoIssuerState } from '../../issuer/demo-state.js';
import { DEFAULT_ISSUER_DIR } from '../../issuer/layout.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Default key window after its start: long enough for a development setup to outlive. */
export const DEFAULT_KEY_YEARS = 5;

export interface CliContext {
  cwd: string;
  /** Project root: default paths (keys/demo-issuer) are relative to it. */
  root: string;
  /** Environment (KIOSK_DATA_DIR); default process.env. */
  env?: NodeJS.ProcessEnv;
  now: () => number;
  random: Random;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Stops long-running commands (serve); default: SIGINT / SIGTERM. */
  signal?: AbortSignal;
}

/** A mistake on the command line: exit 2 with the command's usage. */
export class UsageError extends Error {}

export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Its arguments in the usage line. */
  synopsis: string;
  flags: readonly FlagSpec[];
  run(values: Values, ctx: CliContext): Promise<void>;
}

// ---- flags ------------------------------------------------------------------------------

export const text = (flag: string, arg: string, help: string, more: Partial<FlagSpec> = {}): FlagSpec => ({
  flag,
  kind: 'text',
  arg,
  help,
  ...more,
});
export const bool = (flag: string, help: string): FlagSpec => ({ flag, kind: 'bool', help });

export const DIR_FLAG = text(
  'dir',
  'DIR',
  `issuer directory (default: the demo issuer's state in the data folder, DATA/demo-issuer, seeded once from ${DEFAULT_ISSUER_DIR})`,
);
export const DATA_DIR_FLAG = text(
  'data-dir',
  'DIR',
  "the kiosk's data folder, home of the demo issuer's state and demo-trust.json when --dir is not given (default: KIOSK_DATA_DIR, else data)",
);

export const COMMON: readonly FlagSpec[] = [
  DIR_FLAG,
  DATA_DIR_FLAG,
  text(
    'trust-file',
    'FILE',
    'trust file to keep in step (default: DATA/demo-trust.json for the demo issuer, else trust.json next to the issuer directory)',
    { aliases: ['trust'] },
  ),
  bool('no-trust', 'leave the trust file alone'),
  text('at', 'ISO', 'act as if it were this time (default: now)'),
];

// ---- argument helpers -------------------------------------------------------------------

export function parseTime(flag: string, v: string): number {
  const t = parseIsoInstant(v);
  if (t === undefined) throw new UsageError(`--${flag} must be an ISO-8601 date or date-time, e.g. 2026-11-25T09:00:00+07:00`);
  return t;
}

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function required(values: Values, key: string): string {
  const v = str(values, key);
  if (v === undefined || v === '') throw new UsageError(`--${key} is required`);
  return v;
}

export function nowOf(values: Values, ctx: CliContext): number {
  const at = str(values, 'at');
  return at === undefined ? ctx.now() : parseTime('at', at);
}

/** The data folder holding the demo issuer's state: --data-dir, KIOSK_DATA_DIR, or `data`. */
export function dataDirOf(values: Values, ctx: CliContext): string {
  const env = ctx.env ?? process.env;
  return resolve(ctx.cwd, str(values, 'data-dir') ?? (env.KIOSK_DATA_DIR || 'data'));
}

/**
 * The issuer directory: --dir, else the demo issuer's working copy in the data folder (seeded
 * from the tracked keys/demo-issuer once), so demo revocations never touch tracked files.
 */
export function issuerDirOf(values: Values, ctx: CliContext): string {
  const dir = str(values, 'dir');
  if (dir !== undefined) return resolve(ctx.cwd, dir);
  return seedDemoIssuerState(resolve(ctx.root, DEFAULT_ISSUER_DIR), dataDirOf(values, ctx));
}

/** The trust file to keep in step, or undefined with --no-trust. */
export function trustFileOf(values: Values, ctx: CliContext, dir: string): string | undefined {
  if (values['no-trust'] === true) return undefined;
  const t = str(values, 'trust-file');
  if (t !== undefined) return resolve(ctx.cwd, t);
  return str(values, 'dir') === undefined ? demoTrustFile(dataDirOf(values, ctx)) : join(dirname(dir), 'trust.json');
}

// ---- usage ------------------------------------------------------------------------------

export function commandUsage(name: string, command: Command): string {
  return [`Usage: npm run -s issuer -- ${name}${command.synopsis ? ` ${command.synopsis}` : ''}`, '', ...flagUsage(command.flags)].join(
    '\n',
  );
}

export function issuerUsage(commands: Readonly<Record<string, Command>>): string {
  return [
    'Usage: npm run -s issuer -- <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`),
    '',
    'Common flags (`<command> --help` lists every flag of a command):',
    ...flagUsage(COMMON),
    '',
    'Exit: 0 ok, 1 failed, 2 usage error.',
  ].join('\n');
}
