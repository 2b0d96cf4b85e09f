import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTrustFixture, VECTORS } from '../../helpers/spec-trust.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const AT = '2026-11-25T09:00:00+07:00';
const fixture = makeTrustFixture();
let good: string;

function verify(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/verify.ts', ...args], {
    cwd: process.cwd(),
    input,
    encoding: 'utf8',
    env: { ...process.env, KIOSK_TRUST_FILE: '', KIOSK_FACILITY: '' },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  good = (await fixture.issue(NOW - 3600_000)).qrText;
});

describe('npm run verify', () => {
  it('prints one JSON object and exits 0 for an accepted card', () => {
    const r = verify(['--trust', fixture.trustFile, '--at', AT, good]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ verdict: 'accepted', code: 'OK' });
  });

  it('exits 1 for a rejected card and 3 for one that needs review', () => {
    expect(verify(['--trust', fixture.trustFile, '--at', AT, 'not a card']).code).toBe(1);
    const legacy =
      'HC4121201234567|4e677579e1bb856e20c490e1bba96320546869e1bb876e|20/03/1990|1|-|12 - 001|01/01/2026|31/12/2026|15/12/2025|12011201234567|-|4|01/01/2028|0a1b2c3d4e5f6071-6202|$';
    const r = verify(['--trust', fixture.trustFile, '--at', AT, legacy]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY' });
  });

  it('judges the card at --at and for --facility', () => {
    const expired = verify(['--trust', fixture.trustFile, '--at', '2027-01-01T00:00:00+07:00', good]);
    expect(expired.code).toBe(1);
    const offRoute = verify(['--trust', fixture.trustFile, '--at', AT, '--facility', '12002', good]);
    expect(JSON.parse(offRoute.stdout).reasons.map((r: { code: string }) => r.code)).toContain('OFF_ROUTE');
  });

  it("takes the service's flag names, the old spellings staying accepted", () => {
    const r = verify(['--trust-file', fixture.trustFile, '--clock-tolerance', '5m', '--max-trust-age=7d', '--at', AT, good]);
    expect(r.code).toBe(0);
    expect(verify(['--trust', fixture.trustFile, '--tolerance', '5m', '--at', AT, good]).code).toBe(0);
    const help = verify(['--help']);
    expect(help.stderr).toMatch(/--trust-file <FILE>.*\(also --trust\)/);
    expect(help.stderr).toMatch(/--clock-tolerance <5m>.*\(also --tolerance\)/);
  });

  it('exits 2 with a message for usage errors', () => {
    for (const args of [
      [],
      ['--at', 'yesterday', good],
      ['--facility', 'X', good],
      ['--bogus', good],
      ['a', 'b'],
      ['--trust', '/nonexistent/trust.json', good],
    ]) {
      const r = verify(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/verify:|Usage/);
      expect(r.stdout).toBe('');
    }
  });

  it('with -, prints exactly one JSON line per input line, in order, empty lines included', () => {
    const example00 = readFileSync(join(VECTORS, 'shc-spec/example-00-f-qr-code-numeric-value-0.txt'), 'utf8').trim();
    const input = [good, '', 'garbage', `${good}\r`, example00, 'x'.repeat(10_000)].join('\n') + '\n';
    const r = verify(['--trust', fixture.trustFile, '--at', AT, '-'], input);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l).code)).toEqual([
      'OK',
      'QR_MALFORMED',
      'QR_MALFORMED',
      'OK',
      'CREDENTIAL_INVALID',
      'QR_MALFORMED',
    ]);
    expect(r.code).toBe(1);
  });

  it('with -, counts a last line without a newline and exits with the worst verdict', () => {
    const r = verify(['--trust', fixture.trustFile, '--at', AT, '-'], `${good}\n${good}`);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.code).toBe(0);
    const empty = verify(['--trust', fixture.trustFile, '--at', AT, '-'], '');
    expect(empty.stdout).toBe('');
    expect(empty.code).toBe(0);
  });
});
