import { spawnSync } from 'node:child_process';
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
});
