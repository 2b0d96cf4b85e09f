/**
 * Browser: the auditor's check-in records tab. A kiosk (in-process, real clock) with the check-in
 * report on and the REAL reference portal: three check-ins while the portal is down (pending),
 * then the portal comes up refusing one MA_LK (205: parked with its message) and taking the
 * others (received with a transaction id). The auditor sees the day's counts, the rows with
 * their Vietnamese state badges, the receipt and the reason; the signed XML downloads; a day
 * without records says so in Vietnamese with no rows left from the day before. axe-core finds
 * no WCAG 2.1 A/AA violation in any of these states.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, systemRandom } from '../../server/clock.js';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { silentLogger } from '../../server/logger.js';
import { addAccount, md5Hex } from '../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../server/reference-portal/server.js';
import { hashPassword } from '../../server/users/password.js';
import { UserRepository } from '../../server/users/user-repo.js';
import { vietnamDay } from '../../server/wire/vietnam-time.js';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { writeFacilityKeyFiles } from '../helpers/facility-cert.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { testPortalConfig } from '../helpers/reference-portal.js';
import { freePort, pollUntil } from '../server/sync/processes.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const FACILITY = '12001';
const PORTAL_USER = '12001_bv';
const PORTAL_PASSWORD = 'portal-password-for-e2e';
const PASSWORD = 'correct horse battery staple';
const AUDITOR = { username: 'kiem-tra', displayName: 'Trần Văn Kiểm', cccd: '001190054321', role: 'auditor' as const };
const DESK = { username: 'thu-ngan', displayName: 'Nguyễn Thị Thu', cccd: '001190012345', role: 'receptionist' as const };

let root: string;
let uiDir: string;
let issuer: TestIssuer;
let portal: RunningPortal;
let kiosk: Awaited<ReturnType<typeof startTestKiosk>>;
let tb: TestBrowser;
const ids: string[] = [];
const today = vietnamDay(Date.now());

async function login(username: string): Promise<string> {
  const r = await fetch(`${kiosk.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'audit-checkin-e2e-'));
  uiDir = await builtKioskUi();
  issuer = await makeTestIssuer({ now: Date.now() });
  const keys = writeFacilityKeyFiles(root, { facility: FACILITY });
  const passwordFile = join(root, 'portal-password');
  writeFileSync(passwordFile, PORTAL_PASSWORD, { mode: 0o600 });
  const portalPort = await freePort();
  kiosk = await startTestKiosk({
    trustFile: issuer.trustFile,
    clock: systemClock,
    service: { uiDir },
    flags: [
      '--portal-url',
      `http://127.0.0.1:${portalPort}`,
      '--portal-user',
      PORTAL_USER,
      '--portal-password-file',
      passwordFile,
      '--facility-key-file',
      keys.keyFile,
      '--facility-cert-file',
      keys.certFile,
      '--checkin-max-backoff',
      '1s',
    ],
  });
  const { db } = await openKioskDatabase(kiosk.dataDir, Date.now());
  const users = new UserRepository(db, systemClock);
  for (const a of [AUDITOR, DESK]) await users.create({ ...a, passwordHash: await hashPassword(PASSWORD, systemRandom) });
  await db.close();

  // Three check-ins at the desk while the portal is down: their records wait.
  const cookie = await login(DESK.username);
  for (let i = 0; i < 3; i++) {
    const qr = (await issuer.issue({ cardNumber: `DN41212${String(i).padStart(8, '0')}` })).qrText;
    const r = await fetch(`${kiosk.url}/api/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'idempotency-key': `e2e-${i}` },
      body: JSON.stringify({ qr, ...(i === 1 ? { visitCategory: '3.1' } : {}) }),
    });
    expect(r.status).toBe(201);
    ids.push(((await r.json()) as { visit: { id: string } }).visit.id);
  }
  // The portal comes up, refusing the last record (205) and taking the others.
  const portalDir = mkdtempSync(join(root, 'portal-'));
  addAccount(portalDir, { username: PORTAL_USER, passwordMd5: md5Hex(PORTAL_PASSWORD), facility: FACILITY, staff: [] });
  portal = await startPortal(testPortalConfig(portalDir, { port: portalPort }), { logger: silentLogger });
  portal.checkIns.registerFacilityCert(FACILITY, keys.certPem);
  portal.control.setFaults({ checkInRejectMaLk: [ids[2]] });
  const auditor = await login(AUDITOR.username);
  await pollUntil(
    async () => {
      const r = await fetch(`${kiosk.url}/api/audit/check-in-records?date=${today}`, { headers: { cookie: auditor } });
      const day = (await r.json()) as { counts: { received: number; parked: number } };
      return day.counts.received === 2 && day.counts.parked === 1 ? true : undefined;
    },
    'two records received and one parked',
    60_000,
  );
  tb = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await tb?.close();
  await kiosk?.close();
  await portal?.close();
  await issuer?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

async function signedInAuditor(viewport: { width: number; height: number }): Promise<Page> {
  // A fresh context each time: no session cookie from the test before.
  const ctx = await tb.browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport(viewport);
  page.on('pageerror', (e) => tb.errors.push(`pageerror: ${String(e)}`));
  await page.goto(kiosk.url + '/audit', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#audit-login-form');
  await page.type('#audit-username', AUDITOR.username);
  await page.type('#audit-password', PASSWORD);
  await page.click('#audit-login-submit');
  await page.waitForSelector(`#audit-user[data-username="${AUDITOR.username}"]`);
  return page;
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

describe("the auditor's check-in records tab", () => {
  it("shows today's counts and records with Vietnamese state badges, the receipt and the reason; downloads the signed XML", async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 800, height: 1280 },
    ]) {
      const page = await signedInAuditor(viewport);
      await page.click('#tab-check-in');
      await page.waitForSelector('#checkin-table');
      const count = (s: string) => page.$eval(`#checkin-counts [data-count="${s}"] strong`, (el) => el.textContent);
      expect([await count('pending'), await count('received'), await count('parked')]).toEqual(['0', '2', '1']);
      const date = await page.$eval('#checkin-date input', (el) => el.value);
      expect(date).toBe(`${today.slice(8)}/${today.slice(5, 7)}/${today.slice(0, 4)}`);

      const rows = await page.$$eval('#checkin-table tbody tr', (trs) =>
        trs.map((tr) => ({ maLk: tr.getAttribute('data-ma-lk'), state: tr.getAttribute('data-state'), text: tr.textContent ?? '' })),
      );
      expect(rows.map((r) => r.maLk)).toEqual(ids);
      expect(rows.map((r) => r.state)).toEqual(['received', 'received', 'parked']);
      expect(rows[0]!.text).toContain('Cổng đã nhận');
      expect(rows[2]!.text).toContain('Bị từ chối');
      expect(rows[2]!.text).toContain(ids[2]); // the portal's 205 message names the refused MA_LK
      const receipts = await page.$$eval('#checkin-table tbody tr[data-state="received"] td .mono', (tds) =>
        tds.map((td) => td.textContent?.trim() ?? ''),
      );
      expect(receipts.every((r) => r !== '—' && r.length > 0)).toBe(true);
      // The category in words with its code beside it.
      expect(rows[1]!.text).toContain('(3.1)');
      // Fits the screen: no horizontal scroll.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: join(SHOTS, `audit-check-in-${viewport.width}x${viewport.height}.png`), fullPage: true });
      await expectNoAxeViolations(page);

      if (viewport.width === 1280) {
        // The download: the button fetches the day's signed file and hands it to the browser.
        const xml = page.waitForResponse((r) => r.url().includes('/api/audit/check-in-records.xml'));
        await page.click('#checkin-xml');
        const res = await xml;
        expect(res.status()).toBe(200);
        expect(res.url()).toContain(`date=${today}`);
        expect(res.headers()['content-type']).toBe('application/xml; charset=utf-8');
        expect(res.headers()['content-disposition']).toBe(`attachment; filename="checkin-${today}.xml"`);
        // The refused record is not in the file (the portal would refuse it again); the page says so.
        expect(res.headers()['x-record-count']).toBe('2');
        const done = await page.waitForSelector('#checkin-xml-done');
        expect(await done!.evaluate((el) => el.textContent)).toBe(
          'Đã tải tệp XML đã ký: 2 hồ sơ (1 hồ sơ bị cổng từ chối không có trong tệp).',
        );
        expect(await page.$('#checkin-xml-error')).toBeNull();
      }
      await page.browserContext().close();
    }
  });

  it('a day without records: no rows of the day before, and the download says why it cannot in Vietnamese', async () => {
    const page = await signedInAuditor({ width: 1280, height: 800 });
    await page.click('#tab-check-in');
    await page.waitForSelector('#checkin-table tbody tr');
    await page.click('#checkin-prev');
    await page.waitForSelector('#checkin-empty');
    expect(await page.$('#checkin-table')).toBeNull();
    expect(await page.$eval('#checkin-counts [data-count="received"] strong', (el) => el.textContent)).toBe('0');
    await page.click('#checkin-xml');
    const err = await page.waitForSelector('#checkin-xml-error');
    expect(await err!.evaluate((el) => el.textContent)).toBe('Ngày này không có hồ sơ check-in nào để tải.');
    await expectNoAxeViolations(page);

    // A typed date, dd/mm/yyyy whatever the browser's locale, takes the auditor back to today.
    const input = (await page.$('#checkin-date input'))!;
    await input.click({ clickCount: 3 });
    await input.type(`${today.slice(8)}/${today.slice(5, 7)}/${today.slice(0, 4)}`);
    await input.press('Enter');
    await page.keyboard.press('Tab');
    await page.waitForSelector('#checkin-table tbody tr');
    expect(await page.$$eval('#checkin-table tbody tr', (trs) => trs.length)).toBe(3);
    expect(await page.$('#checkin-xml-error')).toBeNull();

    // A day that does not exist is refused where it was typed, and nothing is fetched for it.
    await input.click({ clickCount: 3 });
    await input.type('31/02/2026');
    await page.keyboard.press('Tab');
    await page.waitForSelector('#checkin-date input[aria-invalid="true"]');
    expect(await page.$$eval('#checkin-table tbody tr', (trs) => trs.length)).toBe(3);
    expect(tb.errors).toEqual([]);
    await page.browserContext().close();
  });
});
