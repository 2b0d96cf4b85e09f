/**
 * `npm run -s audit -- check-in-xml`: the day's check-in records as one signed file from the
 * command line (spawned, as an insurance officer would run it), with the key from the flags or
 * the service's variables; exit codes for a written file, an empty day and each usage problem.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckInSignature } from '../../../server/check-in-record/verify-signature.js';
import { validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import { seedCard, seedKioskDataDir } from '../../../test-support/seed-visits.js';
import { writeFacilityKeyFiles, type FacilityKeyFiles } from '../../helpers/facility-cert.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
/** 10:00 and 10:01 Vietnam time on 25 November 2026. */
const AT = Date.parse('2026-11-25T03:00:00Z');

let root: string;
let dataDir: string;
let keys: FacilityKeyFiles;
let ids: string[];

function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KIOSK_')));
  const r = spawnSync(TSX, ['server/cli/audit.ts', 'check-in-xml', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...clean, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'audit-checkin-xml-'));
  dataDir = join(root, 'data');
  keys = writeFacilityKeyFiles(root, { now: AT });
  ids = await seedKioskDataDir(
    dataDir,
    [
      { recordedAt: AT, card: seedCard(0), visitCategory: '1.1' },
      { recordedAt: AT + 60_000, card: seedCard(1), visitCategory: '1.1' },
    ],
    '12001',
    { checkInOutbox: true },
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('audit check-in-xml', () => {
  it('writes the day as one signed file to stdout (keys from the variables), the summary on stderr', async () => {
    const r = cli(['--date', '2026-11-25', '--data', dataDir], {
      KIOSK_FACILITY_KEY_FILE: keys.keyFile,
      KIOSK_FACILITY_CERT_FILE: keys.certFile,
    });
    expect(r.err).toMatch(/^2 record\(s\) on 2026-11-25, signed by .*DEMO.* \(DEMO certificate\)\n$/);
    expect(r.code).toBe(0);
    expect([...r.out.matchAll(/<MA_LK>([^<]+)<\/MA_LK>/g)].map((m) => m[1])).toEqual(ids);
    expect(await validateCheckInXml(r.out)).toEqual({ valid: true, errors: [] });
    expect(verifyCheckInSignature(r.out, keys.certPem)).toMatchObject({ ok: true });
  });

  it('writes --out FILE with mode 0600 (keys from the flags)', () => {
    const out = join(root, 'day.xml');
    const r = cli([
      '--date',
      '2026-11-25',
      '--data-dir',
      dataDir,
      '--out',
      out,
      '--facility-key-file',
      keys.keyFile,
      '--facility-cert-file',
      keys.certFile,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('<CHUKYDONVI><Signature');
  });

  it('exits 1 for a day without records, 2 for a missing date, a missing key, a bad day or no database', () => {
    const withKey = ['--facility-key-file', keys.keyFile, '--facility-cert-file', keys.certFile];
    const empty = cli(['--date', '2026-11-24', '--data', dataDir, ...withKey]);
    expect([empty.code, empty.err]).toEqual([1, 'audit check-in-xml: no check-in record on 2026-11-24\n']);
    expect(cli(['--data', dataDir, ...withKey])).toMatchObject({ code: 2, err: expect.stringContaining('--date is required') });
    expect(cli(['--date', '2026-02-30', '--data', dataDir, ...withKey])).toMatchObject({
      code: 2,
      err: expect.stringContaining('real day'),
    });
    expect(cli(['--date', '2026-11-25', '--data', dataDir])).toMatchObject({
      code: 2,
      err: expect.stringContaining('KIOSK_FACILITY_KEY_FILE'),
    });
    expect(cli(['--date', '2026-11-25', '--data', join(root, 'nowhere'), ...withKey])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no visit log at'),
    });
  });
});
