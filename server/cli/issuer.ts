/**
 * `npm run -s issuer -- <command> [flags]`: the development stand-in for the insurance agency.
 * Generates issuer keys, issues signed demo cards (shc:/ text and QR PNG) and revokes them, in an
 * issuer directory (server/issuer/layout.ts) that the kiosk's trust file points at.
 *
 * This file is the dispatcher only: it lists the subcommands (one module each in ./issuer/, their
 * shared flags, helpers, exit codes and usage text in ./issuer/shared.ts), parses the command line
 * with the one table-driven parser and maps errors to exit codes.
 *
 * Exit codes: 0 ok, 1 failed (files unreadable, no usable key…), 2 usage error.
 * stdout carries only the result (kid, shc:/ text, revocation entry) so it can be piped;
 * everything else goes to stderr, never with personal data.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, systemRandom } from '../clock.js';
import { AppError } from '../errors.js';
import { parseFlags } from '../lib/cli-args.js';
import { projectRoot } from '../project-root.js';
import { demoCard } from './issuer/demo-card.js';
import { demoLegacy } from './issuer/demo-legacy.js';
import { facilityCert } from './issuer/facility-cert.js';
import { issue } from './issuer/issue.js';
import { keygen } from './issuer/keygen.js';
import { revoke } from './issuer/revoke.js';
import { rotate } from './issuer/rotate.js';
import { serve } from './issuer/serve.js';
import { commandUsage, EXIT, issuerUsage, UsageError, type CliContext, type Command, type Values } from './issuer/shared.js';
import { trust } from './issuer/trust.js';

export const COMMANDS: Readonly<Record<string, Command>> = {
  keygen,
  issue,
  'demo-card': demoCard,
  'demo-legacy': demoLegacy,
  revoke,
  trust,
  rotate,
  serve,
  'facility-cert': facilityCert,
};

export const USAGE = issuerUsage(COMMANDS);

/** Errors the user fixes by changing the command line: exit 2. */
const USAGE_CODES = new Set(['ISSUE_INPUT_INVALID', 'REVOKE_INPUT_INVALID', 'ISSUER_INPUT_INVALID', 'ISSUER_KEY_NOT_FOUND']);

export async function runIssuerCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? ctx.err : ctx.out)(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    ctx.err(`unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseFlags(rest, command.flags);
    if (parsed.help) {
      ctx.out(commandUsage(name, command));
      return EXIT.ok;
    }
    if (parsed.problems.length > 0) throw new UsageError(parsed.problems.join('; '));
    const values: Values = {};
    for (const spec of command.flags) {
      const raw = parsed.values.get(spec.flag);
      if (raw !== undefined) values[spec.flag] = spec.kind === 'bool' ? ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase()) : raw;
    }
    await command.run(values, ctx);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.err(`error: ${err.message}\n${commandUsage(name, command)}`);
      return EXIT.usage;
    }
    if (err instanceof AppError) {
      const problems = Array.isArray(err.extra?.problems) ? (err.extra.problems as string[]) : [];
      ctx.err(`error ${err.code}: ${problems.length > 0 ? `\n  - ${problems.join('\n  - ')}` : (err.detail ?? err.message)}`);
      return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failed;
    }
    ctx.err(`error: ${(err as Error).message ?? String(err)}`);
    return EXIT.failed;
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const code = await runIssuerCli(process.argv.slice(2), {
    cwd: process.cwd(),
    root: projectRoot(),
    now: () => systemClock.now(),
    random: systemRandom,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
