/**
 * The kiosk service's configuration: read from command-line flags and environment variables in
 * this one module, validated once at start. Every mistake is reported (all of them, not just the
 * first) with the flag and variable names, and the process refuses to start.
 *
 * Precedence: flag > environment variable > default.
 */
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

export interface KioskConfig {
  port: number;
  host: string;
  dataDir: string;
  trustFile: string;
  /** This kiosk's facility code (mã cơ sở KCB), 5 characters, e.g. 12001. */
  facility: string;
  /** Desk / kiosk identifier recorded on every visit. */
  deskId: string;
  /** Clock tolerance for credential times and clock sanity, seconds. */
  clockToleranceSec: number;
  /** Revocation lists older than this give TRUST_STALE (needs review), seconds. */
  maxTrustAgeSec: number;
  /** Whether this deployment accepts signed digital cards (pilot provinces). */
  acceptDigitalCards: boolean;
  /** The same card at this facility within this window is the same visit, seconds. */
  duplicateWindowSec: number;
  /** Session lifetime, seconds. */
  sessionTtlSec: number;
  /** Medical-history store base URL; sync is off when unset. */
  syncUrl: string | undefined;
  /** Bearer API key for the medical-history store. */
  syncKey: string | undefined;
  /** Sync: how long to wait for the store's answer to one batch, seconds. */
  syncTimeoutSec: number;
  /** Sync: the longest wait between retries after failures (exponential backoff cap), seconds. */
  syncMaxBackoffSec: number;
  /** How often to refresh issuer keys and revocation lists, seconds (0 = never). */
  trustRefreshSec: number;
  /** Kiosk screen: seconds before a verdict clears back to the scan state. */
  resultClearSec: number;
  /** Create demo accounts with random passwords on a fresh database (printed once). */
  demoAccounts: boolean;
}

interface OptionSpec {
  key: keyof KioskConfig;
  flag: string;
  env: string;
  kind: 'port' | 'string' | 'path' | 'facility' | 'seconds' | 'bool' | 'url' | 'secret';
  default?: string;
  help: string;
}

/** One table drives parsing, validation and --help, so the three never disagree. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'port', flag: 'port', env: 'KIOSK_PORT', kind: 'port', default: '8080', help: 'TCP port to listen on (0 = any free port)' },
  { key: 'host', flag: 'host', env: 'KIOSK_HOST', kind: 'string', default: '127.0.0.1', help: 'address to listen on' },
  { key: 'dataDir', flag: 'data-dir', env: 'KIOSK_DATA_DIR', kind: 'path', default: 'data', help: 'folder for the SQLite visit log' },
  {
    key: 'trustFile',
    flag: 'trust-file',
    env: 'KIOSK_TRUST_FILE',
    kind: 'path',
    default: 'keys/trust.json',
    help: 'trust store file (issuer keys, revocation lists)',
  },
  {
    key: 'facility',
    flag: 'facility',
    env: 'KIOSK_FACILITY',
    kind: 'facility',
    default: '12001',
    help: "this kiosk's 5-character facility code",
  },
  {
    key: 'deskId',
    flag: 'desk',
    env: 'KIOSK_DESK_ID',
    kind: 'string',
    default: 'desk-1',
    help: 'desk / kiosk identifier recorded on visits',
  },
  {
    key: 'clockToleranceSec',
    flag: 'clock-tolerance',
    env: 'KIOSK_CLOCK_TOLERANCE',
    kind: 'seconds',
    default: '300',
    help: 'clock tolerance, seconds (or 5m)',
  },
  {
    key: 'maxTrustAgeSec',
    flag: 'max-trust-age',
    env: 'KIOSK_MAX_TRUST_AGE',
    kind: 'seconds',
    default: '7d',
    help: 'revocation lists older than this need review',
  },
  {
    key: 'acceptDigitalCards',
    flag: 'accept-digital-cards',
    env: 'KIOSK_ACCEPT_DIGITAL_CARDS',
    kind: 'bool',
    default: 'true',
    help: 'accept signed digital cards at this deployment',
  },
  {
    key: 'duplicateWindowSec',
    flag: 'duplicate-window',
    env: 'KIOSK_DUPLICATE_WINDOW',
    kind: 'seconds',
    default: '10m',
    help: 'same card again within this window is the same visit',
  },
  {
    key: 'sessionTtlSec',
    flag: 'session-ttl',
    env: 'KIOSK_SESSION_TTL',
    kind: 'seconds',
    default: '12h',
    help: 'operator session lifetime',
  },
  { key: 'syncUrl', flag: 'sync-url', env: 'KIOSK_SYNC_URL', kind: 'url', help: 'medical-history store URL (sync off when unset)' },
  { key: 'syncKey', flag: 'sync-key', env: 'KIOSK_SYNC_KEY', kind: 'secret', help: 'medical-history store API key' },
  {
    key: 'syncTimeoutSec',
    flag: 'sync-timeout',
    env: 'KIOSK_SYNC_TIMEOUT',
    kind: 'seconds',
    default: '30',
    help: 'sync: wait this long for the store to answer a batch',
  },
  {
    key: 'syncMaxBackoffSec',
    flag: 'sync-max-backoff',
    env: 'KIOSK_SYNC_MAX_BACKOFF',
    kind: 'seconds',
    default: '5m',
    help: 'sync: longest wait between retries',
  },
  {
    key: 'trustRefreshSec',
    flag: 'trust-refresh',
    env: 'KIOSK_TRUST_REFRESH',
    kind: 'seconds',
    default: '1h',
    help: 'issuer key / revocation refresh interval (0 = off)',
  },
  {
    key: 'resultClearSec',
    flag: 'result-clear',
    env: 'KIOSK_RESULT_CLEAR',
    kind: 'seconds',
    default: '20',
    help: 'kiosk screen clears a verdict after this long',
  },
  {
    key: 'demoAccounts',
    flag: 'demo-accounts',
    env: 'KIOSK_DEMO_ACCOUNTS',
    kind: 'bool',
    default: 'true',
    help: 'on a fresh database, create demo accounts with random passwords',
  },
];

const FACILITY = /^[0-9]{2}[0-9A-Z]{3}$/;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export interface ParsedArgs {
  values: Map<string, string>;
  help: boolean;
  problems: string[];
}

/** Parses `--name value`, `--name=value` and bare boolean `--name` / `--no-name`. */
export function parseFlags(argv: readonly string[], known: readonly OptionSpec[] = OPTIONS): ParsedArgs {
  const values = new Map<string, string>();
  const problems: string[] = [];
  let help = false;
  const byFlag = new Map(known.map((o) => [o.flag, o]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'bool') {
      name = name.slice(3);
      value = 'false';
    }
    const spec = byFlag.get(name);
    if (!spec) {
      problems.push(`unknown flag --${name}`);
      // Skip its value too, so one typo gives one message.
      if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (spec.kind === 'bool' && (next === undefined || next.startsWith('--'))) value = 'true';
      else if (next === undefined) {
        problems.push(`--${name} needs a value`);
        continue;
      } else {
        value = next;
        i++;
      }
    }
    values.set(spec.flag, value);
  }
  return { values, help, problems };
}

export function parseSeconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2] || 's']!;
  return Number.isFinite(n) ? n : undefined;
}

function convert(spec: OptionSpec, raw: string, source: string, cwd: string, problems: string[]): unknown {
  const bad = (why: string) => {
    problems.push(`${source}: ${why} (got "${raw.length > 80 ? raw.slice(0, 80) + '…' : raw}")`);
    return undefined;
  };
  switch (spec.kind) {
    case 'port': {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return bad('must be a port number 0–65535');
      return Number(raw);
    }
    case 'string':
      if (raw.trim() === '' || raw.length > 200) return bad('must be a non-empty string');
      return raw.trim();
    case 'path':
      if (raw.trim() === '') return bad('must be a path');
      return resolve(cwd, raw);
    case 'facility': {
      const v = raw.trim().toUpperCase();
      if (!FACILITY.test(v)) return bad('must be a 5-character facility code: 2-digit province + 3 characters, e.g. 12001');
      return v;
    }
    case 'seconds': {
      const s = parseSeconds(raw);
      if (s === undefined) return bad('must be a duration: seconds, or a number with s/m/h/d (e.g. 300, 5m, 7d)');
      return s;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      return bad('must be true or false');
    }
    case 'url': {
      try {
        const u = new URL(raw);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return bad('must be an http(s) URL');
        return raw.replace(/\/+$/, '');
      } catch {
        return bad('must be an http(s) URL');
      }
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
 * Builds the configuration from argv (without node and script) and an environment. Throws
 * ConfigError listing every problem. `--help` is reported by returning `{ help: true }`.
 */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: KioskConfig } {
  const parsed = parseFlags(argv);
  if (parsed.help) return { help: true };
  const problems = [...parsed.problems];
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const fromFlag = parsed.values.get(spec.flag);
    const fromEnv = env[spec.env];
    const raw = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ?? spec.default;
    const source = fromFlag !== undefined ? `--${spec.flag}` : fromEnv ? spec.env : `default of --${spec.flag}`;
    out[spec.key] = raw === undefined ? undefined : convert(spec, raw, source, cwd, problems);
  }
  if ((out.syncUrl === undefined) !== (out.syncKey === undefined) && problems.length === 0) {
    problems.push('KIOSK_SYNC_URL (--sync-url) and KIOSK_SYNC_KEY (--sync-key) go together: set both or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { help: false, config: Object.freeze(out) as unknown as KioskConfig };
}

export function usage(): string {
  const lines = OPTIONS.map((o) => {
    const left = `  --${o.flag} <${o.kind === 'bool' ? 'true|false' : o.kind}>`;
    return `${left.padEnd(38)}${o.env.padEnd(28)}${o.help}${o.default !== undefined ? ` (default ${o.default})` : ''}`;
  });
  return ['Usage: npm start -- [flags]   (each flag also an environment variable)', '', ...lines].join('\n');
}
