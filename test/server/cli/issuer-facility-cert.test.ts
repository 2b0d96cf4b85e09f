import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFacilityKey } from '../../../server/check-in-record/facility-key.js';
import { runIssuerCli } from '../../../server/cli/issuer.js';
import { EXIT, type CliContext } from '../../../server/cli/issuer/shared.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const DAY = 86_400_000;
let root: string;

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    cwd: root,
    root,
    now: () => NOW,
    random: { bytes: (k) => Buffer.alloc(k, 1) },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { code: await runIssuerCli(args, ctx), out, err };
}

const mode = async (file: string) => (await stat(file)).mode & 0o777;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'facility-cert-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('issuer facility-cert', () => {
  it('writes a 0600 DEMO key and certificate under data/facility by default and prints the env lines', async () => {
    const r = await run(['facility-cert']);
    expect(r.code, r.err.join('\n')).toBe(EXIT.ok);
    const keyFile = join(root, 'data', 'facility', 'facility-key.pem');
    const certFile = join(root, 'data', 'facility', 'facility-cert.pem');
    expect(r.out).toStrictEqual([`KIOSK_FACILITY_KEY_FILE=${keyFile}`, `KIOSK_FACILITY_CERT_FILE=${certFile}`]);
    expect(r.err.join('\n')).toContain(keyFile);
    expect(r.err.join('\n')).toContain('DEMO');
    expect([await mode(keyFile), await mode(certFile)]).toStrictEqual([0o600, 0o600]);
    const key = loadFacilityKey(keyFile, certFile, NOW);
    expect(key.demo).toBe(true);
    // The kiosk's default facility (server/config.ts), valid a year.
    expect(key.subject).toContain('CN=DEMO facility 12001 (bhyt-kiosk)');
    expect(key.notAfter).toBe(new Date(NOW + 365 * DAY).toISOString());
  });

  it('refuses to overwrite without --force (exit 2, files untouched); --force replaces both, still 0600', async () => {
    const certFile = join(root, 'data', 'facility', 'facility-cert.pem');
    const before = await readFile(certFile, 'utf8');
    const refused = await run(['facility-cert']);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.err.join('\n')).toContain('pass --force');
    expect(await readFile(certFile, 'utf8')).toBe(before);

    const forced = await run(['facility-cert', '--force', '--facility', '12002', '--days', '30']);
    expect(forced.code, forced.err.join('\n')).toBe(EXIT.ok);
    const after = await readFile(certFile, 'utf8');
    expect(after).not.toBe(before);
    expect(new X509Certificate(after).subject).toContain('CN=DEMO facility 12002 (bhyt-kiosk)');
    expect(await mode(certFile)).toBe(0o600);
  });

  it('--force resets the mode of a replaced file that had become readable by others', async () => {
    const dir = join(root, 'loose');
    await run(['facility-cert', '--out-dir', 'loose']);
    await writeFile(join(dir, 'facility-key.pem'), 'x', { mode: 0o644 });
    await chmod(join(dir, 'facility-key.pem'), 0o644);
    expect((await run(['facility-cert', '--out-dir', 'loose', '--force'])).code).toBe(EXIT.ok);
    expect(await mode(join(dir, 'facility-key.pem'))).toBe(0o600);
  });

  it.each([
    [['--facility', '1200'], '--facility'],
    [['--days', '0'], '--days'],
    [['--days', 'ten'], '--days'],
  ])('%j → usage error naming the flag', async (args, flag) => {
    const r = await run(['facility-cert', '--out-dir', 'bad', ...args]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err[0]).toContain(flag);
  });

  it('is listed in the command list, and runs as a real process (npm run -s issuer -- facility-cert)', async () => {
    expect((await run(['--help'])).out.join('\n')).toMatch(/^ {2}facility-cert\s/m);
    const out = join(root, 'spawned');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/issuer.ts', 'facility-cert', '--out-dir', out], {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toStrictEqual([
      `KIOSK_FACILITY_KEY_FILE=${join(out, 'facility-key.pem')}`,
      `KIOSK_FACILITY_CERT_FILE=${join(out, 'facility-cert.pem')}`,
    ]);
    expect(await mode(join(out, 'facility-key.pem'))).toBe(0o600);
  });
});
