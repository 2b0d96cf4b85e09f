/**
 * A throw-away PostgreSQL cluster for the store-on-PostgreSQL bench: initdb in a temp folder,
 * started on a free loopback port, stopped (and the folder removed) at the end or on exit.
 * Unlike the tests' cluster (test/helpers/postgres.ts, which bench/ may not import), this one
 * keeps PostgreSQL's durable defaults (fsync, synchronous_commit on): the figures are what a real
 * server pays. As root, the server runs as the unprivileged `postgres` account (it refuses root).
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';

const run = promisify(execFile);

export interface BenchPg {
  url: string;
  /** The server's main version, e.g. "15.18". */
  version: string;
  stop(): Promise<void>;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql, or set PG_BIN)');
  return join(root, majors[0], 'bin');
}

export async function startBenchPg(): Promise<BenchPg> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  const argvFor = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  const exec = (tool: string, args: string[]) => run(...argvFor(tool, args));
  const root = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  const dataDir = join(root, 'data');
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const port = await freePort();
  await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
  // Sized for a bulk load of millions of rows on a small machine; everything else is default.
  const options = [
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`,
    '-c shared_buffers=512MB -c maintenance_work_mem=512MB -c max_wal_size=4GB -c max_connections=50',
  ].join(' ');
  await exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const onExit = () => {
    if (stopped) return;
    spawnSync(...argvFor('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const version = (await exec('postgres', ['--version'])).stdout.trim().replace(/^.*\) /, '');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      try {
        await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
