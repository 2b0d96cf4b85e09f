/**
 * Child processes the benchmark starts (kiosk service, history store). Every one is tracked and
 * killed on exit, whatever happens, so a failed run leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
function killAll() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

export const ROOT = join(import.meta.dirname, '..');

/**
 * The Node flags the service runs with for real, read from package.json's `start` script, so the
 * benchmark measures the service exactly as `npm start` runs it (e.g. --max-semi-space-size).
 */
export function serviceNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /\bnode\s+((?:--\S+\s+)*)dist\/server\/main\.js/.exec(pkg.scripts.start);
  if (!m) throw new Error('package.json start script does not run node … dist/server/main.js');
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

export interface Started {
  child: ChildProcess;
  url: string;
  startupMs: number;
  stdout: () => string;
  stop(): Promise<void>;
  rssMb(): number;
}

/** Starts a Node entry point and waits (bounded) until `readyPath` answers 200. */
export async function startProcess(opts: {
  entry: string[];
  port: number;
  readyPath: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, opts.entry, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited early (${child.exitCode}): ${err}`);
    try {
      const res = await fetch(url + opts.readyPath);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready in time: ${err}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - t0;
  return {
    child,
    url,
    startupMs,
    stdout: () => out,
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
