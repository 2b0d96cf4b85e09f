import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runIssuerCli, type CliContext } from '../../../server/cli/issuer.js';
import { decodeShcNumeric } from '../../../server/card/qr-text.js';
import { DEMO_ISSUER_ISS } from '../../../server/trust/build-snapshot.js';
import { loadTrustFile } from '../../../server/trust/load-file.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
let root: string;
let dir: string;
let kid: string;

async function run(args: string[], now = NOW): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let n = 0;
  const ctx: CliContext = {
    cwd: root,
    root,
    now: () => now,
    random: { bytes: (k) => Buffer.alloc(k, ++n) },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  return { code: await runIssuerCli(args, ctx), out, err };
}

function payloadOf(qrText: string) {
  const jws = decodeShcNumeric(qrText.slice(5))!;
  return JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1]!, 'base64url')).toString('utf8'));
}

const CARD = [
  '--name',
  'Lò Thị Mai',
  '--birth',
  '2001-11-05',
  '--gender',
  'female',
  '--card',
  'HS4121201234568',
  '--facility',
  '12003',
  '--from',
  '2026-07-01',
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'issuer-cli-test-'));
  dir = join(root, 'keys', 'demo-issuer');
  const r = await run(['keygen', '--dir', 'keys/demo-issuer', '--not-before', '2026-01-01T00:00:00Z']);
  expect(r.code).toBe(EXIT.ok);
  kid = r.out[0]!;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('issuer CLI (in process)', () => {
  it('keygen creates the demo issuer directory and trust.json next to it; prints the kid', async () => {
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(await readFile(join(dir, 'issuer.json'), 'utf8'))).toStrictEqual({
      iss: DEMO_ISSUER_ISS,
      name: 'BHXH Việt Nam (DEMO — không dùng thật)',
      demo: true,
    });
    expect(existsSync(join(dir, 'private', `DEMO-ONLY-${kid}.jwk.json`))).toBe(true);
    const trust = await loadTrustFile(join(root, 'keys', 'trust.json'));
    expect(trust.keysByKid.get(kid)?.nbf).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(trust.updatedAt).toBe(NOW);
  });

  it('issue prints the shc:/ text with the given fields, rid and lifetime', async () => {
    const r = await run([
      'issue',
      '--dir',
      'keys/demo-issuer',
      ...CARD,
      '--to',
      '2026-12-31',
      '--area',
      'K2',
      '--rid',
      'myRid',
      '--lifetime',
      '7d',
    ]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toHaveLength(1);
    const p = payloadOf(r.out[0]!);
    expect(p).toMatchObject({ iss: DEMO_ISSUER_ISS, nbf: NOW / 1000, exp: NOW / 1000 + 7 * 86_400, vc: { rid: 'myRid' } });
    const coverage = p.vc.credentialSubject.fhirBundle.entry[1].resource;
    expect(coverage).toMatchObject({
      subscriberId: 'HS4121201234568',
      network: '12003',
      period: { start: '2026-07-01', end: '2026-12-31' },
    });
    // no personal data on stderr
    expect(r.err.join('\n')).not.toMatch(/Lò|HS412|1201234568/);
  });

  it('issue without --rid gets a random rid from the injected randomness; --no-rid omits it', async () => {
    const a = await run(['issue', '--dir', 'keys/demo-issuer', ...CARD]);
    expect(payloadOf(a.out[0]!).vc.rid).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const b = await run(['issue', '--dir', 'keys/demo-issuer', ...CARD, '--no-rid']);
    expect(payloadOf(b.out[0]!).vc.rid).toBeUndefined();
  });

  it('demo-card issues the sample valid for the current Vietnam year and writes a PNG', async () => {
    const r = await run(['demo-card', '--dir', 'keys/demo-issuer', '--png', 'card.png', '--at', '2026-12-31T20:00:00Z']);
    expect(r.code).toBe(EXIT.ok);
    const coverage = payloadOf(r.out[0]!).vc.credentialSubject.fhirBundle.entry[1].resource;
    // 20:00Z on 31 Dec is already 1 Jan in Vietnam
    expect(coverage.period).toStrictEqual({ start: '2027-01-01', end: '2027-12-31' });
    const png = await readFile(join(root, 'card.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(r.err.some((l) => l.includes(join(root, 'card.png')))).toBe(true);
  });

  it('revoke adds entries, bumps ctr and updatedAt', async () => {
    const later = NOW + 3_600_000;
    const a = await run(['revoke', '--dir', 'keys/demo-issuer', '--rid', 'myRid'], later);
    expect(a).toMatchObject({ code: EXIT.ok, out: ['myRid'] });
    const b = await run(
      ['revoke', '--dir', 'keys/demo-issuer', '--rid', 'lost', '--kid', kid, '--since', '2026-11-25T09:00:00+07:00'],
      later,
    );
    expect(b.out).toStrictEqual([`lost.${Date.parse('2026-11-25T02:00:00Z') / 1000}`]);
    const crl = JSON.parse(await readFile(join(dir, '.well-known', 'crl', `${kid}.json`), 'utf8'));
    expect(crl).toMatchObject({ ctr: 3, rids: ['myRid', `lost.${NOW / 1000}`] });
    const trust = await loadTrustFile(join(root, 'keys', 'trust.json'));
    expect(trust.updatedAt).toBe(later);
    expect(trust.issuers.get(DEMO_ISSUER_ISS)!.crl.get(kid)!.rids.get('myRid')).toBeNull();
  });

  it('trust rewrites the entry and moves updatedAt (keeps a demo trust file fresh)', async () => {
    const later = NOW + 86_400_000;
    const r = await run(['trust', '--dir', 'keys/demo-issuer'], later);
    expect(r).toMatchObject({ code: EXIT.ok, out: [join(root, 'keys', 'trust.json')] });
    expect((await loadTrustFile(join(root, 'keys', 'trust.json'))).updatedAt).toBe(later);
    expect((await run(['trust', '--dir', 'keys/demo-issuer', '--no-trust'])).code).toBe(EXIT.usage);
  });

  it('trust writes the file named by --trust-file (or its old spelling --trust)', async () => {
    for (const flag of ['--trust-file', '--trust', '--trust-file=']) {
      const file = `other-${flag.replace(/\W/g, '')}.json`;
      const args = flag.endsWith('=') ? [`${flag}${file}`] : [flag, file];
      const r = await run(['trust', '--dir', 'keys/demo-issuer', ...args]);
      expect(r, flag).toMatchObject({ code: EXIT.ok, out: [join(root, file)] });
      expect((await loadTrustFile(join(root, file))).updatedAt).toBe(NOW);
    }
  });

  const usage: [string, string[]][] = [
    ['no command', []],
    ['unknown command', ['serve-all']],
    ['unknown flag', ['issue', '--frobnicate']],
    ['missing --name', ['issue', '--dir', 'keys/demo-issuer', ...CARD.slice(2)]],
    ['bad gender', ['issue', '--dir', 'keys/demo-issuer', ...CARD, '--gender', 'x']],
    ['bad card number', ['issue', '--dir', 'keys/demo-issuer', ...CARD, '--card', 'HS41212']],
    ['bad --at', ['demo-card', '--dir', 'keys/demo-issuer', '--at', 'yesterday']],
    ['bad --lifetime', ['demo-card', '--dir', 'keys/demo-issuer', '--lifetime', 'forever']],
    ['bad --benefit', ['demo-card', '--dir', 'keys/demo-issuer', '--benefit', '9']],
    ['revoke without --rid', ['revoke', '--dir', 'keys/demo-issuer']],
    ['revoke with a malformed rid', ['revoke', '--dir', 'keys/demo-issuer', '--rid', 'a.b']],
    ['keygen with another iss for an existing dir', ['keygen', '--dir', 'keys/demo-issuer', '--iss', 'https://other.example']],
  ];
  for (const [what, args] of usage) {
    it(`usage error (exit 2): ${what}`, async () => {
      const r = await run(args);
      expect(r.code).toBe(EXIT.usage);
      expect(r.out).toStrictEqual([]);
      expect(r.err.join('\n')).toMatch(/error|Usage/);
    });
  }

  it('a missing issuer directory is a failure (exit 1), not a crash', async () => {
    const r = await run(['demo-card', '--dir', 'nowhere']);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err.join('\n')).toContain('ISSUER_DIR_INVALID');
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run(['issue', '--help']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.join('\n')).toContain('--facility');
  });

  it('--help lists each flag with its old spelling, from the same table that parses them', async () => {
    const r = await run(['revoke', '--help']);
    expect(r.out.join('\n')).toMatch(/--trust-file <FILE>.*\(also --trust\)/);
    expect(r.out.join('\n')).toContain('--rid <RID>');
    expect((await run(['--help'])).out.join('\n')).toMatch(/^ {2}rotate\s/m);
  });
});

describe('issuer CLI (spawned: node --import tsx server/cli/issuer.ts)', () => {
  const spawnCli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/issuer.ts', ...args], {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('demo-card with --dir prints only the shc:/ text on stdout (exit 0)', () => {
    const r = spawnCli(['demo-card', '--dir', dir, '--no-trust']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^shc:\/\d+\n$/);
  });

  it('exit 2 on a usage error, with a message on stderr', () => {
    const r = spawnCli(['issue', '--dir', dir, '--name', 'A']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--birth is required');
  });
});
