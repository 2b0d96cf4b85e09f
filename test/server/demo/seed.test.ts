import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPaths } from '../../../server/demo/layout.js';
import { DEMO_PORTAL_USER, prepareDemoFolder, seedDemo } from '../../../server/demo/seed.js';
import { projectRoot } from '../../../server/project-root.js';
import { accountPasswordMd5, md5Hex, readDataset } from '../../../server/reference-portal/dataset.js';
import { DEMO_ACCOUNTS } from '../../../server/users/demo-accounts.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');

describe('demo folder', () => {
  it('seeds the portal account (password in a 0600 file, MD5 in portal.json) with the demo receptionist as staff, the store key, both people; a re-run keeps the secrets', async () => {
    const paths = demoPaths(join(mkdtempSync(join(tmpdir(), 'demo-seed-')), 'demo'));
    const first = await seedDemo(paths, { projectRoot: projectRoot(), now: NOW });
    expect(first.kioskFresh).toBe(true);
    for (const f of [paths.portalPassword, paths.storeKeys, paths.facilityKey, paths.facilityCert])
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    // The DEMO facility certificate that signs check-in records, registered with the portal.
    const cert = readFileSync(paths.facilityCert, 'utf8');
    expect(new X509Certificate(cert).subject).toContain('DEMO');
    expect(readDataset(paths.portal).facilityCerts).toStrictEqual({ '12001': cert });
    const password = readFileSync(paths.portalPassword, 'utf8');
    const data = readDataset(paths.portal);
    expect(data.accounts).toStrictEqual([
      {
        username: DEMO_PORTAL_USER,
        passwordMd5: md5Hex(password),
        facility: '12001',
        staff: [{ hoTen: DEMO_ACCOUNTS[0]!.displayName, cccd: '012195000101' }],
      },
    ]);
    expect(data.persons.map((p) => p.maSoBhxh)).toStrictEqual(['1209876543', '1201234567']);
    expect(JSON.parse(readFileSync(paths.storeKeys, 'utf8'))).toStrictEqual({ [first.storeKey]: '12001' });
    expect(first.legacy.qr).toMatch(/^GD4121209876543\|/);
    expect(first.signed.qr).toMatch(/^shc:\/\d+$/);
    // The demo issuer's working copy is in the kiosk's data folder (the kiosk trusts it; `issuer revoke --data-dir` changes it), with the signed card's rid.
    expect(existsSync(join(paths.issuerDir, 'issuer.json'))).toBe(true);
    expect(first.signed.rid).toMatch(/^\S+$/);

    const again = await seedDemo(paths, { projectRoot: projectRoot(), now: NOW + 86_400_000 });
    expect(again.storeKey).toBe(first.storeKey);
    expect(again.state.createdAt).toBe(first.state.createdAt);
    expect(accountPasswordMd5(readDataset(paths.portal).accounts[0]!)).toBe(md5Hex(password));
    expect(readDataset(paths.portal).persons).toHaveLength(2);
    // The same key and certificate on a re-run.
    expect(readFileSync(paths.facilityCert, 'utf8')).toBe(cert);
  });

  it('--fresh empties a demo folder (keeping the lock); a folder with anything else is refused, untouched', () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-fresh-'));
    const paths = demoPaths(join(root, 'demo'));
    mkdirSync(paths.kiosk, { recursive: true });
    writeFileSync(join(paths.root, 'kiosk.lock'), '');
    writeFileSync(paths.state, '{}');
    prepareDemoFolder(paths, true);
    expect(existsSync(paths.kiosk)).toBe(false);
    expect(existsSync(paths.state)).toBe(false);
    expect(existsSync(join(paths.root, 'kiosk.lock'))).toBe(true);

    writeFileSync(join(paths.root, 'kiosk.sqlite'), 'real');
    expect(() => prepareDemoFolder(paths, true)).toThrow(/holds files the demo did not make/);
    expect(readFileSync(join(paths.root, 'kiosk.sqlite'), 'utf8')).toBe('real');
  });
});
