/**
 * The medical-history store's configuration, from flags and environment variables in this one
 * module (flag > environment > default). Every problem is reported at once and the store refuses
 * to start.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadFaultPlan, type FaultPlan } from './faults.js';

export interface HistoryStoreConfig {
  port: number;
  host: string;
  dataDir: string;
  keysFile: string;
  /** TEST-ONLY: injected faults (see faults.ts). Undefined in any real deployment. */
  faultPlan: FaultPlan | undefined;
}

interface Spec {
  flag: string;
  env: string;
  default?: string;
  help: string;
}

const SPECS: readonly Spec[] = [
  { flag: 'port', env: 'HISTORY_STORE_PORT', default: '8090', help: 'TCP port (0 = any free port)' },
  { flag: 'host', env: 'HISTORY_STORE_HOST', default: '127.0.0.1', help: 'address to listen on' },
  { flag: 'data', env: 'HISTORY_STORE_DATA', default: 'data/history-store', help: 'folder for the store database' },
  { flag: 'keys', env: 'HISTORY_STORE_KEYS', help: 'JSON file mapping API keys to facility codes (required)' },
  { flag: 'fault-plan', env: 'HISTORY_STORE_FAULTS', help: 'TEST ONLY: fault-injection plan (file or inline JSON)' },
];

export function historyStoreUsage(): string {
  return [
    'Usage: npm run history-store -- --keys FILE [flags]   (each flag also an environment variable)',
    '',
    ...SPECS.map((s) => `  --${s.flag} <value>`.padEnd(26) + s.env.padEnd(24) + s.help + (s.default ? ` (default ${s.default})` : '')),
  ].join('\n');
}

export function loadHistoryStoreConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: HistoryStoreConfig } {
  const problems: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const spec = m ? SPECS.find((s) => s.flag === m[1]) : undefined;
    if (!m || !spec) {
      problems.push(`unknown argument "${arg.slice(0, 40)}"`);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) problems.push(`--${spec.flag} needs a value`);
    else flags.set(spec.flag, value);
  }
  const raw = (flag: string): [string | undefined, string] => {
    const spec = SPECS.find((s) => s.flag === flag)!;
    if (flags.has(flag)) return [flags.get(flag), `--${flag}`];
    const e = env[spec.env];
    if (e !== undefined && e !== '') return [e, spec.env];
    return [spec.default, `default of --${flag}`];
  };

  const [portText, portSrc] = raw('port');
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText ?? '') || port > 65535) problems.push(`${portSrc}: must be a port number 0–65535`);
  const [host] = raw('host');
  const [data] = raw('data');
  const [keys, keysSrc] = raw('keys');
  if (!keys) problems.push(`${keysSrc}: --keys (HISTORY_STORE_KEYS) is required: a JSON file mapping API keys to facility codes`);
  let faultPlan: FaultPlan | undefined;
  const [faults] = raw('fault-plan');
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
    config: Object.freeze({ port, host: host!, dataDir: resolve(cwd, data!), keysFile: resolve(cwd, keys!), faultPlan }),
  };
}
