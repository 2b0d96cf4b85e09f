/**
 * `npm run demo`'s flags, on the one argument parser (server/lib/cli-args.ts): the demo folder,
 * the three ports (all on 127.0.0.1), and --fresh. Every problem is listed at once (exit 2).
 */
import { ConfigError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { DEFAULT_DEMO_DIR } from './layout.js';

export interface DemoConfig {
  dataDir: string;
  kioskPort: number;
  storePort: number;
  portalPort: number;
  fresh: boolean;
}

const SPECS: readonly FlagSpec[] = [
  {
    flag: 'data-dir',
    env: 'DEMO_DATA_DIR',
    kind: 'path',
    arg: 'DIR',
    default: DEFAULT_DEMO_DIR,
    help: 'demo folder: the three services’ data, seeded accounts, QR PNGs, logs (created 0700)',
  },
  { flag: 'kiosk-port', env: 'DEMO_KIOSK_PORT', kind: 'port', default: '8080', help: 'kiosk service port (0 = any free port)' },
  { flag: 'store-port', env: 'DEMO_STORE_PORT', kind: 'port', default: '8090', help: 'reference medical-history store port' },
  { flag: 'portal-port', env: 'DEMO_PORTAL_PORT', kind: 'port', default: '8092', help: 'reference portal port' },
  { flag: 'fresh', kind: 'bool', default: 'false', help: 'delete the demo folder first (new accounts, new passwords, empty logs)' },
];

export function demoUsage(): string {
  return [
    'Usage: npm run demo -- [--data-dir DIR] [--kiosk-port P] [--store-port P] [--portal-port P] [--fresh]',
    'Starts the reference portal, the reference medical-history store and the kiosk service on 127.0.0.1,',
    'seeded and configured for each other; prints what to scan and where to sign in; Ctrl-C stops all three.',
    '',
    ...flagUsage(SPECS),
  ].join('\n');
}

export function loadDemoConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: DemoConfig } {
  const parsed = parseFlags(argv, SPECS);
  if (parsed.help) return { help: true };
  const problems = [...parsed.problems];
  const v = resolveFlags(SPECS, parsed, env, cwd, problems);
  const ports = (['kiosk-port', 'store-port', 'portal-port'] as const).filter((f) => typeof v[f] === 'number' && v[f] !== 0);
  for (let i = 0; i < ports.length; i++)
    for (let j = i + 1; j < ports.length; j++)
      if (v[ports[i]!] === v[ports[j]!])
        problems.push(`--${ports[i]} and --${ports[j]} are both ${String(v[ports[i]!])}: give each service its own port`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    help: false,
    config: Object.freeze({
      dataDir: v['data-dir'] as string,
      kioskPort: v['kiosk-port'] as number,
      storePort: v['store-port'] as number,
      portalPort: v['portal-port'] as number,
      fresh: v.fresh === true,
    }),
  };
}
