/**
 * The service as installed (deploy/): only dist/, package.json and node_modules, no sources, no
 * tsx; started with plain `node <flags> dist/server/main.js` from an unrelated working folder, it
 * answers /api/ready, serves its screen, finds its XSD, and drains on SIGTERM (exit 0).
 * How fast it starts is a benchmark figure (bench/startup-bench.ts), not asserted here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/project-root.js';
import { buildInstalledDist, startInstalled } from '../../test-support/installed-dist.js';

const ROOT = projectRoot();

describe('the installed dist/', () => {
  let install: string;
  beforeAll(() => {
    install = buildInstalledDist();
  }, 240_000);
  afterAll(() => {
    rmSync(install, { recursive: true, force: true });
  });

  it('holds no TypeScript sources and has its runtime files', () => {
    expect(existsSync(join(install, 'server'))).toBe(false);
    expect(existsSync(join(install, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(join(install, 'dist/server/check-in-record/checkin-table.xsd'))).toBe(true);
    // The XSD is found beside the compiled module (not in a server/ folder the install lacks).
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import('${join(install, 'dist/server/check-in-record/xsd.js')}').then((m) => console.log(m.checkInXsdPath()))`,
      ],
      { encoding: 'utf8', cwd: tmpdir() },
    );
    expect(r.stdout.trim()).toBe(join(install, 'dist/server/check-in-record/checkin-table.xsd'));
  });

  it('starts with plain node from dist/, answers /api/ready and /api/health, and drains on SIGTERM', async () => {
    const flags = /\bnode\s+((?:--\S+\s+)*)dist\/server\/main\.js/
      .exec((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start)![1]!
      .trim()
      .split(/\s+/);
    const data = join(mkdtempSync(join(tmpdir(), 'bhyt-installed-')), 'data');
    const svc = await startInstalled(
      install,
      ['--data-dir', data, '--trust-file', join(ROOT, 'keys/trust.json'), '--trust-refresh', '0', '--no-demo-accounts'],
      flags,
    );
    try {
      const ready = await fetch(svc.url + '/api/ready');
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', trust: 'ok' } });
      expect((await fetch(svc.url + '/api/health')).status).toBe(200);
      if (existsSync(join(ROOT, 'dist/kiosk-ui/index.html'))) {
        const page = await fetch(svc.url + '/');
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<html/i);
      }
      const metrics = await fetch(svc.url + '/metrics');
      expect(await metrics.text()).toMatch(/^bhyt_kiosk_info\{/m);
    } finally {
      expect(await svc.stop()).toBe(0);
    }
    expect(svc.output()).toMatch(/"msg":"shutting down"/);
  }, 60_000);
});
