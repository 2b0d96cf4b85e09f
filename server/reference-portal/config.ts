/**
 * The reference portal's configuration, from flags and environment variables in this one module
 * (flag > environment > default), described by one table that also prints the help. Every
 * problem is reported at once and the portal refuses to start (exit 2).
 *
 * TODO(house): when server/lib/ has the shared table-driven argument parser, describe SPECS with
 * it instead of the small parser below (same flags, variables, aliases and defaults).
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { AUTH_FAILURE_AS, parseFailModes, parseFailRate, parseLatency, type AuthFailureAs, type FailMode, type Latency } from './faults.js';

export interface PortalConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Lifetime of an access token, seconds. */
  tokenTtlSeconds: number;
  latency: Latency;
  failRate: number;
  failModes: FailMode[];
  authFailureAs: AuthFailureAs;
  /** TEST ONLY: port of the control endpoint (faults, down/up, clock offset); undefined = none. */
  controlPort: number | undefined;
}

interface Spec {
  flag: string;
  aliases?: readonly string[];
  env: string;
  default?: string;
  help: string;
}

const SPECS: readonly Spec[] = [
  { flag: 'port', env: 'PORTAL_PORT', default: '8070', help: 'TCP port (0 = any free port)' },
  { flag: 'host', env: 'PORTAL_HOST', default: '127.0.0.1', help: 'address to listen on' },
  {
    flag: 'data-dir',
    aliases: ['data'],
    env: 'PORTAL_DATA_DIR',
    default: 'data/reference-portal',
    help: 'folder of portal.json (created empty if missing)',
  },
  { flag: 'token-ttl', env: 'PORTAL_TOKEN_TTL', default: '3000', help: 'access token lifetime, seconds' },
  { flag: 'latency', env: 'PORTAL_LATENCY', default: '0', help: 'added delay per call: MS or MIN-MAX (uniform)' },
  { flag: 'fail-rate', env: 'PORTAL_FAIL_RATE', default: '0', help: 'fraction 0–1 of calls that fail' },
  { flag: 'fail-modes', env: 'PORTAL_FAIL_MODES', default: 'http500,hang,drop', help: 'how calls fail: http500, hang, drop' },
  {
    flag: 'auth-failure',
    env: 'PORTAL_AUTH_FAILURE',
    default: 'body',
    help: 'bad token answered as body (HTTP 200, maKetQua 401) or http (HTTP 401)',
  },
  { flag: 'control-port', env: 'PORTAL_CONTROL_PORT', help: 'TEST ONLY: port of the control endpoint (POST /control)' },
];

export function portalUsage(): string {
  const name = (s: Spec) => [`--${s.flag}`, ...(s.aliases ?? []).map((a) => `--${a}`)].join(', ');
  return [
    'Usage: npm run portal -- --port P --data-dir DIR [--latency MS|MIN-MAX] [--fail-rate R] [flags]',
    'The reference portal: a local stand-in for the agency portal (card check), for tests and demos.',
    'Each flag is also an environment variable; flags win.',
    '',
    ...SPECS.map((s) => `  ${name(s)} <value>`.padEnd(32) + s.env.padEnd(22) + s.help + (s.default ? ` (default ${s.default})` : '')),
    '  --help, -h',
  ].join('\n');
}

function parsePort(text: string | undefined, src: string, problems: string[]): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text ?? '') || n > 65535) problems.push(`${src}: must be a port number 0–65535`);
  return n;
}

export function loadPortalConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: PortalConfig } {
  const problems: string[] = [];
  const flags = new Map<string, { value: string; as: string }>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const spec = m ? SPECS.find((s) => s.flag === m[1] || s.aliases?.includes(m[1]!)) : undefined;
    if (!m || !spec) {
      problems.push(`unknown argument "${arg.slice(0, 40)}"`);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) problems.push(`--${m[1]} needs a value`);
    else if (flags.has(spec.flag)) problems.push(`--${m[1]}: given twice (as ${flags.get(spec.flag)!.as})`);
    else flags.set(spec.flag, { value, as: `--${m[1]}` });
  }
  const raw = (flag: string): [string | undefined, string] => {
    const spec = SPECS.find((s) => s.flag === flag)!;
    const f = flags.get(flag);
    if (f) return [f.value, f.as];
    const e = env[spec.env];
    if (e !== undefined && e !== '') return [e, spec.env];
    return [spec.default, `default of --${flag}`];
  };
  const parsed = <T>(flag: string, parse: (text: string) => T): T | undefined => {
    const [text, src] = raw(flag);
    try {
      return parse(text ?? '');
    } catch (err) {
      problems.push(`${src}: ${(err as Error).message}`);
      return undefined;
    }
  };

  const [portText, portSrc] = raw('port');
  const port = parsePort(portText, portSrc, problems);
  const [host] = raw('host');
  const [dataDir, dataSrc] = raw('data-dir');
  if (!dataDir) problems.push(`${dataSrc}: must name a folder`);
  const tokenTtlSeconds = parsed('token-ttl', (t) => {
    if (!/^\d{1,7}$/.test(t) || Number(t) < 1) throw new Error('must be whole seconds, at least 1');
    return Number(t);
  });
  const latency = parsed('latency', parseLatency);
  const failRate = parsed('fail-rate', parseFailRate);
  const failModes = parsed('fail-modes', parseFailModes);
  const authFailureAs = parsed('auth-failure', (t) => {
    if (!(AUTH_FAILURE_AS as readonly string[]).includes(t)) throw new Error(`must be ${AUTH_FAILURE_AS.join(' or ')}`);
    return t as AuthFailureAs;
  });
  const [controlText, controlSrc] = raw('control-port');
  const controlPort = controlText === undefined ? undefined : parsePort(controlText, controlSrc, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    help: false,
    config: Object.freeze({
      port,
      host: host!,
      dataDir: resolve(cwd, dataDir!),
      tokenTtlSeconds: tokenTtlSeconds!,
      latency: latency!,
      failRate: failRate!,
      failModes: failModes!,
      authFailureAs: authFailureAs!,
      controlPort,
    }),
  };
}
