/**
 * Start-up of the installed service (deploy/: dist/, package.json and node_modules only, plain
 * `node <npm start's flags> dist/server/main.js`): time from spawn to the first 200 of
 * GET /api/ready, on a fresh data folder and again on the same one (the usual restart), several
 * runs each. Goal: under a second. `npm run bench -- --only startup` runs just this.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInstalledDist, startInstalled } from '../test-support/installed-dist.js';
import { ROOT, serviceNodeFlags } from './processes.js';
import { median, round } from './stats.js';

const RUNS = 5;

export async function benchStartup(trustFile: string): Promise<Record<string, unknown>> {
  const install = buildInstalledDist({ fromDist: join(ROOT, 'dist') });
  const flags = serviceNodeFlags();
  try {
    const measure = async (dataDir: string) => {
      const svc = await startInstalled(
        install,
        ['--data-dir', dataDir, '--trust-file', trustFile, '--trust-refresh', '0', '--no-demo-accounts'],
        flags,
      );
      await svc.stop();
      if (svc.cpuMs !== undefined) cpu.push(svc.cpuMs);
      return svc.readyMs;
    };
    const fresh: number[] = [];
    const restart: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'bhyt-startup-')), 'data');
      fresh.push(await measure(dataDir));
      restart.push(await measure(dataDir));
    }
    const ms = (xs: number[]) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) });
    // CPU time to ready (user + system): what start-up costs whatever else the machine is doing.
    return { goalMs: 1000, runs: RUNS, freshDataDirMs: ms(fresh), restartMs: ms(restart), ...(cpu.length ? { cpuMs: ms(cpu) } : {}) };
  } finally {
    rmSync(install, { recursive: true, force: true });
  }
}
