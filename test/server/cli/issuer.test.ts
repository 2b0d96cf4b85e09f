import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIssuerCli } from '../../../server/cli/issuer.js';
import { EXIT, type CliContext } from '../../../server/cli/issuer/shared.js';
import { decodeShcNumeric } from '../../../server/card/qr-text.js';
import { parseIdCardQr } from '../../../server/card/id-card-qr.js';
import { parseLegacyQr } from '../../../server/card/legacy-qr.js';
import { readDataset } from '../../../server/reference-portal/dataset.js';
import { checkUrl, post, request, startTestPortal, takeToken } from '../reference-portal/fixtures.js';
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

  it("demo-card adds the card's holder to the portal data (default: data/demo/portal under the root; --portal-data DIR; --no-portal-data)", async () => {
    const r = await run(['demo-card', '--dir', 'keys/demo-issuer']);
    expect(r.code).toBe(EXIT.ok);
    const file = join(root, 'data', 'demo', 'portal', 'portal.json');
    expect(r.err).toContain(`added the person to the reference portal's data: ${file}`);
    expect(readDataset(join(root, 'data', 'demo', 'portal')).persons).toStrictEqual([
      {
        maSoBhxh: '1201234567',
        maThe: 'DN4121201234567',
        hoTen: 'Nguyễn Đức Thiện',
        ngaySinh: '1990-03-20',
        gioiTinh: 'Nam',
        maDKBD: '12001',
        gtTheTu: '2026-01-01',
        gtTheDen: '2026-12-31',
        ngayDu5Nam: '2028-01-01',
        maKV: 'K1',
        cqBHXH: 'BHXH tỉnh Lai Châu',
        status: 'normal',
      },
    ]);
    const other = await run(['demo-card', '--dir', 'keys/demo-issuer', '--portal-data', 'elsewhere', ...CARD]);
    expect(readDataset(join(root, 'elsewhere')).persons.map((p) => p.maThe)).toStrictEqual(['HS4121201234568']);
    expect(other.err.join('\n')).not.toMatch(/Lò|HS412|1201234568/);
    const none = await run(['demo-card', '--dir', 'keys/demo-issuer', '--portal-data', 'none', '--no-portal-data']);
    expect(none.code).toBe(EXIT.usage);
    const skipped = await run(['demo-card', '--dir', 'keys/demo-issuer', '--portal-data', 'skip', '--gender', 'other']);
    expect(skipped.code).toBe(EXIT.ok);
    expect(skipped.err).toContain('not added to the portal data: the portal records gender only as Nam or Nữ');
    expect(existsSync(join(root, 'skip'))).toBe(false);
  });

  it("demo-legacy prints the paper-card QR then the chip ID-card QR (the project's readers parse them), writes both PNGs, and the portal answers 000 for either", async () => {
    const portal = await startTestPortal([]);
    try {
      const r = await run(['demo-legacy', '--portal-data', portal.dataDir, '--png', 'legacy.png']);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toStrictEqual([
        'GD4121209876543|5068e1baa16d205468e1bb8b205468752048e1bab16e67|15/08/1985|2|53e1bb9120323520c490c6b0e1bb9d6e67205472e1baa76e205068c3ba2c205068c6b0e1bb9d6e672054c3a26e2050686f6e672c205468c3a06e68207068e1bb91204c6169204368c3a2752c204c6169204368c3a275|12 - 001|01/01/2026|31/12/2026|15/12/2025|12011209876543|-|4|01/01/2029|7c3e9a1f5b2d8064-6202|$',
        '012185004321|045678912|Phạm Thị Thu Hằng|15081985|Nữ|Số 25 Đường Trần Phú, Phường Tân Phong, Thành phố Lai Châu, Lai Châu|10052021',
      ]);
      expect(parseLegacyQr(r.out[0]!)).toStrictEqual({
        ok: true,
        card: {
          cardNumber: 'GD4121209876543',
          fullName: 'Phạm Thị Thu Hằng',
          birthDate: '1985-08-15',
          gender: 'female',
          address: 'Số 25 Đường Trần Phú, Phường Tân Phong, Thành phố Lai Châu, Lai Châu',
          registeredFacility: '12001',
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
          issueDate: '2025-12-15',
          managementCode: '12011209876543',
          maSoBhxh: '1209876543',
          fiveYearDate: '2029-01-01',
        },
      });
      expect(parseIdCardQr(r.out[1]!)).toStrictEqual({
        ok: true,
        card: { idNumber: '012185004321', fullName: 'Phạm Thị Thu Hằng', birthDate: '1985-08-15', gender: 'female' },
      });
      for (const f of ['legacy.png', 'legacy-cccd.png'])
        expect((await readFile(join(root, f))).subarray(1, 4).toString('latin1'), f).toBe('PNG');
      expect(r.err.join('\n')).toMatch(/line 1: paper card \/ VssID QR.*line 2: chip ID card \(CCCD\) QR/);
      expect(r.err.join('\n')).not.toMatch(/Phạm|GD412|1209876543|012185004321/);

      const person = readDataset(portal.dataDir).persons.find((p) => p.maSoBhxh === '1209876543')!;
      const auth = await takeToken(portal.url);
      for (const maThe of ['GD4121209876543', '012185004321', '1209876543']) {
        const answer = await post(checkUrl(portal.url, auth), request(person, { maThe }));
        expect(answer.body, maThe).toMatchObject({ maKetQua: '000', hoTen: 'Phạm Thị Thu Hằng', maDKBD: '12001', gtTheDen: '31/12/2026' });
      }
      // Running it again replaces the person (same mã số BHXH): still one record.
      expect((await run(['demo-legacy', '--portal-data', portal.dataDir])).code).toBe(EXIT.ok);
      expect(readDataset(portal.dataDir).persons.filter((p) => p.maSoBhxh === '1209876543')).toHaveLength(1);
    } finally {
      await portal.close();
    }
  });

  it('demo-legacy covers the Vietnam year of --at; a bad --at is a usage error', async () => {
    const r = await run(['demo-legacy', '--no-portal-data', '--at', '2027-12-31T18:00:00Z']);
    expect(r.code).toBe(EXIT.ok);
    expect(parseLegacyQr(r.out[0]!)).toMatchObject({ ok: true, card: { validFrom: '2028-01-01', validTo: '2028-12-31' } });
    const bad = await run(['demo-legacy', '--at', 'soon']);
    expect(bad).toMatchObject({ code: EXIT.usage, out: [] });
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
    const r = spawnCli(['demo-card', '--dir', dir, '--no-trust', '--no-portal-data']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^shc:\/\d+\n$/);
  });

  it('demo-legacy prints exactly two lines on stdout: the paper-card QR, then the chip ID-card QR (exit 0)', () => {
    const r = spawnCli(['demo-legacy', '--portal-data', join(root, 'spawned-portal')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^GD4121209876543\|[0-9a-f]+\|15\/08\/1985\|.*\|\$\n012185004321\|.*\|Phạm Thị Thu Hằng\|15081985\|Nữ\|.*\n$/);
    expect(readDataset(join(root, 'spawned-portal')).persons).toHaveLength(1);
  });

  it('exit 2 on a usage error, with a message on stderr', () => {
    const r = spawnCli(['issue', '--dir', dir, '--name', 'A']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--birth is required');
  });
});
