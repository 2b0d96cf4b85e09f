/**
 * A throw-away PostgreSQL cluster (the store's PostgreSQL tests, the store-on-PostgreSQL bench):
 * Debian's server binaries (`/usr/lib/postgresql/<major>/bin`, or PG_BIN) `initdb` a cluster in a
 * temp folder, start it on a free loopback port with its socket in that folder, and stop it
 * (`pg_ctl stop -m fast`) at the end; the folder is removed, also when the process exits without
 * stop(). PostgreSQL refuses to run as root, so when run as root the cluster is owned by and run as
 * the unprivileged `postgres` account (runuser). Authentication is `trust` on loopback only:
 * nothing here is a secret.
 *
 * `durable: false` (tests) turns fsync and synchronous commit off: a test cluster is thrown away,
 * so durability only costs time on a shared machine. `durable: true` (the bench) keeps
 * PostgreSQL's defaults, so its figures are what a real server pays.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  host: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/NAME` */
  url: (database: string) => string;
  /** The server's version, e.g. "15.18". */
  version: () => Promise<string>;
  /** pg_ctl stop -m fast, then start again on the same port and folder; `whileDown` runs in between. */
  restart: (whileDown?: () => Promise<void>) => Promise<void>;
  stop: () => Promise<void>;
}

export interface PostgresClusterOptions {
  /** Keep fsync and synchronous commit (the bench); off for tests. */
  durable: boolean;
  /** More `-c name=value` server settings. */
  settings?: readonly string[];
  /** The temp folder's name prefix. */
  prefix?: string;
}

/** Where the server binaries are: PG_BIN, or the newest Debian major installed. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function startPostgresCluster(opts: PostgresClusterOptions): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql, or set PG_BIN)');
  const asRoot = userInfo().uid === 0;
  // As root, the server must run as an unprivileged account that owns its folder.
  const argvFor = (tool: string, args: readonly string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), [...args]];
  const exec = (tool: string, args: readonly string[]) => run(...argvFor(tool, args));
  const root = mkdtempSync(join(tmpdir(), opts.prefix ?? 'pg-cluster-'));
  const dataDir = join(root, 'data');
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const host = '127.0.0.1';
  const port = await freePort();
  await exec('initdb', [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    ...(opts.durable ? [] : ['--no-sync']),
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const settings = [
    `listen_addresses=${host}`,
    ...(opts.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    ...(opts.settings ?? []),
  ];
  const options = [`-p ${port} -k ${root}`, ...settings.map((s) => `-c ${s}`)].join(' ');
  const start = () => exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const stopServer = () => exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  try {
    await start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  // If the process dies without stop() (a crash, a worker killed on timeout), do not leave a
  // server running on the shared machine: 'exit' handlers must be synchronous, hence spawnSync.
  const onExit = () => {
    if (stopped) return;
    spawnSync(...argvFor('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    host,
    port,
    url: (database) => `postgres://postgres@${host}:${port}/${database}`,
    async version() {
      return (await exec('postgres', ['--version'])).stdout.trim().replace(/^.*\) /, '');
    },
    async restart(whileDown) {
      await stopServer();
      try {
        await whileDown?.();
      } finally {
        await start();
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      try {
        await stopServer();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
