/**
 * The medical-history store's configuration, from flags and environment variables in this one
 * module (flag > environment > default), parsed by the services' one parser (server/lib/cli-args.ts).
 * Every problem is reported at once and the store refuses to start.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { LOG_LEVELS, type LogLevel } from '../logger.js';
import { loadFaultPlan, type FaultPlan } from './faults.js';

export interface HistoryStoreConfig {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection URL; undefined: the SQLite file in `dataDir` (the default). */
  databaseUrl: string | undefined;
  keysFile: string;
  /** The lowest log level written (LOG_LEVEL; default info). Optional for in-process callers. */
  logLevel?: LogLevel;
  /**
   * Bearer token for GET /metrics (HISTORY_STORE_METRICS_TOKEN); without it only loopback peers
   * may read it (server/web/metrics-access.ts).
   */
  metricsToken?: string | undefined;
  /** TEST-ONLY: injected faults (see faults.ts). Undefined in any real deployment. */
  faultPlan: FaultPlan | undefined;
}

/** One table drives parsing, validation and --help. `--data-dir` is the kiosk's spelling; `--data` stays accepted. */
const SPECS: readonly FlagSpec[] = [
  { flag: 'port', env: 'HISTORY_STORE_PORT', kind: 'port', default: '8090', help: 'TCP port (0 = any free port)' },
  { flag: 'host', env: 'HISTORY_STORE_HOST', kind: 'text', arg: 'ADDRESS', default: '127.0.0.1', help: 'address to listen on' },
  {
    flag: 'data-dir',
    aliases: ['data'],
    env: 'HISTORY_STORE_DATA',
    kind: 'path',
    arg: 'DIR',
    default: 'data/history-store',
    help: 'folder for the store database',
  },
  {
    flag: 'db',
    env: 'HISTORY_STORE_DB',
    kind: 'text',
    arg: 'URL',
    help: 'PostgreSQL instead of SQLite: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
  },
  { flag: 'keys', env: 'HISTORY_STORE_KEYS', kind: 'path', arg: 'FILE', help: 'JSON file mapping API keys to facility codes (required)' },
  {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    kind: 'string',
    default: 'info',
    arg: LOG_LEVELS.join('|'),
    help: 'lowest log level written (JSON lines on stderr)',
  },
  {
    flag: 'metrics-token',
    env: 'HISTORY_STORE_METRICS_TOKEN',
    kind: 'secret',
    help: 'bearer token for GET /metrics (without it: loopback peers only)',
  },
  {
    flag: 'fault-plan',
    env: 'HISTORY_STORE_FAULTS',
    kind: 'text',
    arg: 'FILE|JSON',
    help: 'TEST ONLY: fault-injection plan (file or inline JSON)',
  },
];

export function historyStoreUsage(): string {
  return ['Usage: npm run history-store -- --keys FILE [flags]   (each flag also an environment variable)', '', ...flagUsage(SPECS)].join(
    '\n',
  );
}

export function loadHistoryStoreConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: HistoryStoreConfig } {
  const parsed = parseFlags(argv, SPECS);
  if (parsed.help) return { help: true };
  const problems = [...parsed.problems];
  const v = resolveFlags(SPECS, parsed, env, cwd, problems);
  if (v.keys === undefined && !problems.some((p) => p.includes('--keys')))
    problems.push('--keys (HISTORY_STORE_KEYS) is required: a JSON file mapping API keys to facility codes');
  const logLevel = v['log-level'] as string | undefined;
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel))
    problems.push(`LOG_LEVEL (--log-level) must be one of ${LOG_LEVELS.join(', ')}`);
  const databaseUrl = v.db === undefined ? undefined : checkDatabaseUrl(v.db as string, problems);
  let faultPlan: FaultPlan | undefined;
  const faults = v['fault-plan'] as string | undefined;
  if (faults) {
    try {
      faultPlan = loadFaultPlan(faults.trim().startsWith('{') ? faults : resolve(cwd, faults));
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : ['fault plan: unusable']));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    help: false,
    config: Object.freeze({
      port: v.port as number,
      host: v.host as string,
      dataDir: v['data-dir'] as string,
      databaseUrl,
      keysFile: v.keys as string,
      logLevel: logLevel as LogLevel,
      metricsToken: v['metrics-token'] as string | undefined,
      faultPlan,
    }),
  };
}

/**
 * A postgres:// URL naming a host and a database. The value is never echoed: it may carry a
 * password. libpq's query parameters (sslmode=…) are left to the driver.
 */
function checkDatabaseUrl(raw: string, problems: string[]): string | undefined {
  const bad = (why: string) => {
    problems.push(`--db (HISTORY_STORE_DB): ${why}`);
    return undefined;
  };
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return bad('must be a URL postgres://USER@HOST[:PORT]/DATABASE');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return bad('must start with postgres:// or postgresql://');
  if (u.hostname === '') return bad('must name a host');
  if (!/^\/[^/]+$/.test(u.pathname)) return bad('must name a database: postgres://USER@HOST[:PORT]/DATABASE');
  return raw.trim();
}
