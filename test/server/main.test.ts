import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The service's entry point as an operator runs it: refuses to start, clearly, on mistakes. */
function start(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, KIOSK_PORT: '', KIOSK_FACILITY: '', ...env },
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('server/main.ts', () => {
  it('exits 2 listing every configuration mistake with its flag or variable', () => {
    const r = start(['--port', 'eighty', '--facility', 'X'], { KIOSK_DUPLICATE_WINDOW: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port/);
    expect(r.stderr).toMatch(/--facility/);
    expect(r.stderr).toMatch(/KIOSK_DUPLICATE_WINDOW/);
    expect(r.stderr).toMatch(/Usage/);
  });

  it('prints the usage for --help and exits 0', () => {
    const r = start(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/KIOSK_TRUST_FILE/);
  });

  it('refuses to start on a broken trust file and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'main-'));
    writeFileSync(
      join(dir, 'trust.json'),
      JSON.stringify({
        updatedAt: '2026-11-25T00:00:00Z',
        issuers: [{ iss: 'https://x.example.vn', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'c', d: 'secret' }] } }],
      }),
    );
    const r = start(['--port', '0', '--data-dir', join(dir, 'data'), '--trust-file', join(dir, 'trust.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/private member "d"/);
    expect(r.stderr).not.toMatch(/secret/);
  });

  it('one service per data folder: a second refuses (exit 2) while the CLIs keep working; once the first stops or crashes, a new one starts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'main-lock-')), 'data');
    const args = ['--port', '0', '--data-dir', dataDir, '--trust-refresh', '0', '--no-demo-accounts'];
    const first = await running(args);
    try {
      const second = start(args);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/cannot start: the data folder .*data is in use by another kiosk service/);
      expect(second.stderr).toMatch(/stop that service first/);
      // The operator CLIs open the visit log itself, which stays shared.
      expect(cli('server/cli/audit.ts', ['verify', '--data', dataDir]).code).toBe(0);
      expect(cli('server/cli/user.ts', ['list', '--data', dataDir]).code).toBe(0);
    } finally {
      await stop(first, 'SIGKILL'); // a crash: the operating system drops the lock
    }
    const third = await running(args);
    await stop(third, 'SIGTERM');
    expect(third.exitCode).toBe(0);
    const fourth = await running(args);
    await stop(fourth, 'SIGTERM');
  }, 90_000);
});

function cli(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Starts the service and resolves once it listens (its JSON log says so on stderr). */
function running(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, KIOSK_PORT: '', KIOSK_FACILITY: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('kiosk service listening')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`service exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
