/**
 * An installed kiosk as deploy/ lays it out, with no sources and no TypeScript toolchain: a
 * folder holding only dist/ (the server compiled by `tsc -p tsconfig.build.json`, the runtime
 * files copied by deploy/copy-runtime-files.mjs, the built screen when there is one),
 * package.json and node_modules (a link to the checkout's). Shared by the install test and the
 * start-up benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../server/project-root.js';

const ROOT = projectRoot();

/**
 * Lays out a fresh install folder and returns it: the server compiled into it, or, with
 * `fromDist` (an existing build, e.g. the checkout's dist/ after `npm run build`), that copied.
 */
export function buildInstalledDist(opts: { fromDist?: string } = {}): string {
  const install = mkdtempSync(join(tmpdir(), 'bhyt-install-'));
  if (opts.fromDist !== undefined) {
    cpSync(join(opts.fromDist, 'server'), join(install, 'dist/server'), { recursive: true });
  } else compile(install);
  if (existsSync(join(ROOT, 'dist/kiosk-ui'))) cpSync(join(ROOT, 'dist/kiosk-ui'), join(install, 'dist/kiosk-ui'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
  return install;
}

function compile(install: string): void {
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(install, 'dist')],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`.slice(0, 2000));
  const copy = spawnSync(process.execPath, [join(ROOT, 'deploy/copy-runtime-files.mjs'), join(install, 'dist')], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`copy-runtime-files failed: ${copy.stderr}`);
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export interface StartedInstall {
  url: string;
  /** From spawn to the first 200 of GET /api/ready, ms. */
  readyMs: number;
  /**
   * CPU time the process had used by then (user + system, ms; Linux /proc, else undefined): the
   * part of start-up that does not depend on how busy the machine is.
   */
  cpuMs: number | undefined;
  output(): string;
  stop(): Promise<number | string>;
}

/**
 * Starts `node <flags> dist/server/main.js` in `install` (cwd: a scratch folder, as a unit's
 * WorkingDirectory would be anything) and resolves once GET /api/ready answers 200.
 */
export async function startInstalled(install: string, args: string[], nodeFlags: string[] = []): Promise<StartedInstall> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, join(install, 'dist/server/main.js'), '--port', '0', ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'bhyt-cwd-')),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"kiosk service listening"/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`the installed service exited (${code}): ${out.slice(-2000)}`)));
  });
  // The service listens once it is ready; a few tries cover a slow first request (bounded).
  let last: number | undefined;
  for (let i = 0; last !== 200; i++) {
    if (i === 50 || child.exitCode !== null) throw new Error(`not ready (last status ${last}): ${out.slice(-2000)}`);
    last = (await fetch(url + '/api/ready').catch(() => undefined))?.status;
  }
  const readyMs = performance.now() - t0;
  return {
    url,
    readyMs,
    cpuMs: cpuMs(child.pid),
    output: () => out,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
