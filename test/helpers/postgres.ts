/**
 * Test helper: a throw-away PostgreSQL cluster for one test file. Debian's server binaries
 * (`/usr/lib/postgresql/<major>/bin`, or PG_BIN) `initdb` a cluster in a temp folder, start it on a
 * free loopback port with its socket in that folder, and stop it (`pg_ctl stop -m fast`) at the
 * end; the folder is removed. PostgreSQL refuses to run as root, so when the tests run as root the
 * cluster is owned by and run as the unprivileged `postgres` account (runuser).
 *
 * One cluster per file (initdb costs a second or two); a fresh database per test is cheap
 * (`createDatabase`). Authentication is `trust` on loopback only: nothing here is a secret.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgCluster {
  host: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:PORT/NAME` */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser in a database (default `postgres`). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /**
   * pg_ctl stop -m fast, then start again on the same port and folder (restart tests);
   * `whileDown` runs in between, e.g. to wait until a client has noticed.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
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

let dbCounter = 0;

export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql, or set PG_BIN)');
  const asRoot = userInfo().uid === 0;
  // As root, the server must run as an unprivileged account that owns its folder.
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const root = mkdtempSync(join(tmpdir(), 'pg-cluster-'));
  const dataDir = join(root, 'data');
  if (asRoot) {
    const pw = await run('id', ['-u', 'postgres']);
    const gid = await run('id', ['-g', 'postgres']);
    chownSync(root, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  chmodSync(root, 0o700);
  const host = '127.0.0.1';
  const port = await freePort();
  await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // fsync off: a test cluster is thrown away, so durability only costs time on a shared machine.
  const options = `-p ${port} -k ${root} -c listen_addresses=${host} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const stopServer = () => exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  try {
    await start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const url = (database: string) => `postgres://postgres@${host}:${port}/${database}`;
  let stopped = false;
  // If the test process dies without stop() (a crash, a worker killed on timeout), do not leave a
  // server running on the shared machine: 'exit' handlers must be synchronous, hence spawnSync.
  const onExit = () => {
    if (stopped) return;
    const args = [join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'];
    spawnSync(asRoot ? 'runuser' : args[0]!, asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1), { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const cluster: PgCluster = {
    host,
    port,
    url,
    async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres') {
      const client = new pg.Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query<R>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async createDatabase(name = `t${process.pid}_${++dbCounter}`) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error('database name must be a plain identifier');
      // An identifier cannot be a bind parameter; the name is checked above.
      await cluster.query(`CREATE DATABASE ${name}`);
      return url(name);
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
  return cluster;
}
