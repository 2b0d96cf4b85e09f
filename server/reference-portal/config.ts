/**
 * The reference portal's configuration, from flags and environment variables in this one module
 * (flag > environment > default), parsed by the services' one parser (server/lib/cli-args.ts):
 * one table drives parsing, validation and --help. Every problem is reported at once and the
 * portal refuses to start (exit 2).
 */
import { ConfigError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec, type ParsedFlags } from '../lib/cli-args.js';
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
  /**
   * Keep the check-in records received in DIR/checkin-records.sqlite, so a restart remembers
   * them (and answers their resends 201). Absent or false: in memory, forgotten on restart.
   * Optional, so configurations written before the check-in endpoint stay valid.
   */
  keepCheckIns?: boolean;
}

/** `--data-dir` is the services' spelling; `--data` stays accepted. */
const SPECS: readonly FlagSpec[] = [
  { flag: 'port', env: 'PORTAL_PORT', kind: 'port', default: '8070', help: 'TCP port (0 = any free port)' },
  { flag: 'host', env: 'PORTAL_HOST', kind: 'text', arg: 'ADDRESS', default: '127.0.0.1', help: 'address to listen on' },
  {
    flag: 'data-dir',
    aliases: ['data'],
    env: 'PORTAL_DATA_DIR',
    kind: 'path',
    arg: 'DIR',
    default: 'data/reference-portal',
    help: 'folder of portal.json (created empty if missing)',
  },
  { flag: 'token-ttl', env: 'PORTAL_TOKEN_TTL', kind: 'seconds', default: '3000', help: 'access token lifetime (seconds, or 50m)' },
  {
    flag: 'latency',
    env: 'PORTAL_LATENCY',
    kind: 'text',
    arg: 'MS|MIN-MAX',
    default: '0',
    help: 'added delay per call, ms (a range is uniform)',
  },
  { flag: 'fail-rate', env: 'PORTAL_FAIL_RATE', kind: 'text', arg: 'R', default: '0', help: 'fraction 0–1 of calls that fail' },
  {
    flag: 'fail-modes',
    env: 'PORTAL_FAIL_MODES',
    kind: 'text',
    arg: 'LIST',
    default: 'http500,hang,drop',
    help: 'how failing calls fail: http500, hang, drop',
  },
  {
    flag: 'auth-failure',
    env: 'PORTAL_AUTH_FAILURE',
    kind: 'text',
    arg: 'body|http',
    default: 'body',
    help: 'a bad token: HTTP 200 with maKetQua 401 (body) or HTTP 401 (http)',
  },
  { flag: 'control-port', env: 'PORTAL_CONTROL_PORT', kind: 'port', help: 'TEST ONLY: port of the control endpoint (POST /control)' },
  {
    flag: 'keep-check-ins',
    env: 'PORTAL_KEEP_CHECKINS',
    kind: 'bool',
    default: 'false',
    help: 'keep received check-in records in DIR/checkin-records.sqlite across restarts (else in memory)',
  },
];

export function portalUsage(): string {
  return [
    'Usage: npm run portal -- --port P --data-dir DIR [--latency MS|MIN-MAX] [--fail-rate R] [flags]',
    'The reference portal: a local stand-in for the agency portal (card check, check-in records), for tests and demos.',
    'Each flag is also an environment variable; flags win.',
    '',
    ...flagUsage(SPECS),
  ].join('\n');
}

/** Where a setting's value came from, for the portal's own checks (the parser names its own). */
function sourceOf(flag: string, parsed: ParsedFlags, env: NodeJS.ProcessEnv): string {
  const spec = SPECS.find((s) => s.flag === flag)!;
  if (parsed.values.has(flag)) return `--${flag}`;
  if (spec.env !== undefined && env[spec.env] !== undefined && env[spec.env] !== '') return spec.env;
  return `default of --${flag}`;
}

export function loadPortalConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: PortalConfig } {
  const parsed = parseFlags(argv, SPECS);
  if (parsed.help) return { help: true };
  const problems = [...parsed.problems];
  const v = resolveFlags(SPECS, parsed, env, cwd, problems);
  const own = <T>(flag: string, parse: (text: string) => T): T | undefined => {
    const text = v[flag];
    if (typeof text !== 'string') return undefined;
    try {
      return parse(text);
    } catch (err) {
      problems.push(`${sourceOf(flag, parsed, env)}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const ttl = v['token-ttl'];
  if (typeof ttl === 'number' && (!Number.isInteger(ttl) || ttl < 1 || ttl > 31 * 86_400))
    problems.push(`${sourceOf('token-ttl', parsed, env)}: must be whole seconds, 1 to 31 days`);
  const latency = own('latency', parseLatency);
  const failRate = own('fail-rate', parseFailRate);
  const failModes = own('fail-modes', parseFailModes);
  const authFailureAs = own('auth-failure', (t) => {
    if (!(AUTH_FAILURE_AS as readonly string[]).includes(t)) throw new Error(`must be ${AUTH_FAILURE_AS.join(' or ')}`);
    return t as AuthFailureAs;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    help: false,
    config: Object.freeze({
      port: v.port as number,
      host: v.host as string,
      dataDir: v['data-dir'] as string,
      tokenTtlSeconds: ttl as number,
      latency: latency!,
      failRate: failRate!,
      failModes: failModes!,
      authFailureAs: authFailureAs!,
      controlPort: v['control-port'] as number | undefined,
      // Only when asked for: the default leaves the field out (in memory), as before it existed.
      ...(v['keep-check-ins'] === true ? { keepCheckIns: true } : {}),
    }),
  };
}
