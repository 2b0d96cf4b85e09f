/**
 * The one command-line parser of the services and the operator tools. A program describes its
 * flags in a table (name, old spellings kept as aliases, kind, environment variable, default,
 * help); the same table drives parsing, conversion, validation and the usage text, so the three
 * never disagree and every program spells a shared setting the same way (`--data-dir`,
 * `--trust-file`, `--clock-tolerance` …).
 *
 * Accepted: `--name value`, `--name=value`, a bare boolean `--name` / `--no-name` (or
 * `--name true|false`), `-h` / `--help`, and `--` (everything after it is positional).
 * Precedence: flag > environment variable > default. Every problem is collected (not just the
 * first), each naming the flag or variable it came from.
 */
import { resolve } from 'node:path';
import { FACILITY_CODE } from './facility-code.js';
import { parseIsoInstant } from './iso-date.js';

export type FlagKind =
  /** Trimmed, non-empty, at most 200 characters. */
  | 'string'
  /** Taken exactly as given. */
  | 'text'
  /** Resolved against the working directory. */
  | 'path'
  | 'port'
  /** 5-character facility code, upper-cased. */
  | 'facility'
  /** A duration: seconds, or a number with s/m/h/d. */
  | 'seconds'
  /** An ISO-8601 date or date-time, as epoch ms. */
  | 'instant'
  | 'bool'
  /** An http(s) URL, trailing slashes dropped. */
  | 'url'
  /** At least 16 characters without spaces; never echoed in a message. */
  | 'secret';

export interface FlagSpec {
  /** The canonical name, without `--`. */
  flag: string;
  /** Older spellings still accepted (without `--`). */
  aliases?: readonly string[];
  kind: FlagKind;
  env?: string;
  default?: string;
  help: string;
  /** Placeholder in the usage text (default: the kind). */
  arg?: string;
  /** May be given more than once (every value in `ParsedFlags.lists`; the last one in `values`). */
  repeatable?: boolean;
}

export interface ParsedFlags {
  /** Raw values given on the command line, by canonical flag name. */
  values: Map<string, string>;
  /** Every value of each repeatable flag, in order. */
  lists: Map<string, string[]>;
  positional: string[];
  help: boolean;
  problems: string[];
}

const BOOL_WORDS = new Set(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']);

/**
 * Splits argv (without node and script) into flag values and positional arguments. With
 * `positional: false` (the services) a stray argument is a problem.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], opts: { positional?: boolean } = {}): ParsedFlags {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  const problems: string[] = [];
  let help = false;
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) for (const n of [s.flag, ...(s.aliases ?? [])]) byName.set(n, s);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      if (opts.positional) positional.push(...argv.slice(i + 1));
      else if (i + 1 < argv.length) problems.push(`unexpected argument "${argv[i + 1]!.slice(0, 60)}"`);
      break;
    }
    if (!arg.startsWith('--')) {
      if (opts.positional) positional.push(arg);
      else problems.push(`unexpected argument "${arg.slice(0, 60)}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && !byName.has(name) && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'bool') {
      name = name.slice(3);
      value = 'false';
    }
    const spec = byName.get(name);
    if (!spec) {
      problems.push(`unknown flag --${name.slice(0, 60)}`);
      // Skip its value too, so one typo gives one message.
      if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (spec.kind === 'bool') {
        if (next !== undefined && BOOL_WORDS.has(next.toLowerCase())) {
          value = next;
          i++;
        } else value = 'true';
      } else if (next === undefined) {
        problems.push(`--${name} needs a value`);
        continue;
      } else {
        value = next;
        i++;
      }
    }
    if (spec.repeatable) lists.set(spec.flag, [...(lists.get(spec.flag) ?? []), value]);
    values.set(spec.flag, value);
  }
  return { values, lists, positional, help, problems };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `300`, `5m`, `12h`, `7d` → seconds; undefined for anything else. */
export function parseSeconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2] || 's']!;
  return Number.isFinite(n) ? n : undefined;
}

/** The raw value of one setting and where it came from: the flag, its variable, or its default. */
function rawValue(
  spec: FlagSpec,
  parsed: ParsedFlags,
  env: NodeJS.ProcessEnv,
): { raw: string | undefined; source: string; given: boolean } {
  const fromFlag = parsed.values.get(spec.flag);
  if (fromFlag !== undefined) return { raw: fromFlag, source: `--${spec.flag}`, given: true };
  const fromEnv = spec.env === undefined ? undefined : env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return { raw: fromEnv, source: spec.env!, given: true };
  return { raw: spec.default, source: `default of --${spec.flag}`, given: false };
}

/** Converts and checks one raw value by its kind; a problem names `source`. */
export function convertValue(spec: FlagSpec, raw: string, source: string, cwd: string, problems: string[]): unknown {
  const bad = (why: string) => {
    problems.push(`${source}: ${why} (got "${raw.length > 80 ? raw.slice(0, 80) + '…' : raw}")`);
    return undefined;
  };
  switch (spec.kind) {
    case 'port':
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return bad('must be a port number 0–65535');
      return Number(raw);
    case 'string':
      if (raw.trim() === '' || raw.length > 200) return bad('must be a non-empty string');
      return raw.trim();
    case 'text':
      return raw;
    case 'path':
      if (raw.trim() === '') return bad('must be a path');
      return resolve(cwd, raw);
    case 'facility': {
      const v = raw.trim().toUpperCase();
      if (!FACILITY_CODE.test(v)) return bad('must be a 5-character facility code: 2-digit province + 3 characters, e.g. 12001');
      return v;
    }
    case 'seconds': {
      const s = parseSeconds(raw);
      if (s === undefined) return bad('must be a duration: seconds, or a number with s/m/h/d (e.g. 300, 5m, 7d)');
      return s;
    }
    case 'instant': {
      const t = parseIsoInstant(raw);
      if (t === undefined) return bad('must be an ISO-8601 date or date-time, e.g. 2026-11-25T09:00:00+07:00');
      return t;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      return bad('must be true or false');
    }
    case 'url':
      try {
        const u = new URL(raw);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return bad('must be an http(s) URL');
        return raw.replace(/\/+$/, '');
      } catch {
        return bad('must be an http(s) URL');
      }
    case 'secret':
      if (raw.length < 16 || /\s/.test(raw)) {
        problems.push(`${source}: must be at least 16 characters without spaces`);
        return undefined;
      }
      return raw;
  }
}

/**
 * Every setting of the table, converted: by canonical flag name; undefined where neither flag,
 * variable nor default gives one, or where the value was refused (the problem is in `problems`).
 */
export function resolveFlags(
  specs: readonly FlagSpec[],
  parsed: ParsedFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
  problems: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const { raw, source } = rawValue(spec, parsed, env);
    out[spec.flag] = raw === undefined ? undefined : convertValue(spec, raw, source, cwd, problems);
  }
  return out;
}

/** The usage lines of a table: flag (and its old spellings), variable, help, default. */
export function flagUsage(specs: readonly FlagSpec[]): string[] {
  const withEnv = specs.some((s) => s.env !== undefined);
  const rows = specs.map((s) => {
    const name = s.kind === 'bool' && s.default === 'true' ? `--[no-]${s.flag}` : `--${s.flag}`;
    const left = s.kind === 'bool' ? `  ${name}` : `  ${name} <${s.arg ?? s.kind}>`;
    const aliases = s.aliases?.length ? ` (also ${s.aliases.map((a) => `--${a}`).join(', ')})` : '';
    const dflt = s.default !== undefined ? ` (default ${s.default})` : '';
    return { left, env: s.env ?? '', right: `${s.help}${dflt}${aliases}` };
  });
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const envWidth = withEnv ? Math.max(...rows.map((r) => r.env.length)) + 2 : 0;
  return rows.map((r) => `${r.left.padEnd(width)}${withEnv ? r.env.padEnd(envWidth) : ''}${r.right}`);
}
