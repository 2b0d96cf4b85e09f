/**
 * Browser: the audit room as an inspector lives it (#13 items 10–13), in real Chromium at
 * 1280×800 and 800×1280. One kiosk (in-process, frozen clock, sync off) with an accepted visit,
 * a reviewed one (unsigned paper card, the desk's ticked checks as its note) and two rejected
 * attempts. Each test would fail on the old page: raw codes, `ID_SEEN:` notes, English roles,
 * bare visit types, yyyy-mm-dd dates and locale date inputs; username-only, exact-match filters
 * with a bare QUERY_INVALID over stale rows; "Đang chờ gửi" with sync off; 1019 px at 800.
 * axe-core: zero WCAG 2.1 A/AA violations in every state touched.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { LEGACY_HC } from '../helpers/legacy-samples.js';
import { ACCOUNTS, cardNumber, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 1280 },
] as const;
const NOTE = 'Kiểm tra: ID_SEEN: Đã xem giấy tờ tùy thân có ảnh; PAPER_CARD: Đã đối chiếu thẻ giấy / thông tin trên thẻ';

let k: LogKiosk;
let tb: TestBrowser;

beforeAll(async () => {
  const uiDir = await builtKioskUi();
  k = await startLogKiosk({ service: { uiDir } });
  const post = (body: object) => k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body });
  expect((await post({ qr: await k.card(7) })).status).toBe(201);
  expect((await post({ qr: LEGACY_HC, reviewNote: NOTE })).status).toBe(201);
  expect((await post({ qr: 'not a card' })).status).toBe(422);
  expect((await post({ qr: 'still not a card' })).status).toBe(422);
  tb = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await tb?.close();
  await k?.close();
});

async function auditor(viewport: { width: number; height: number }, username: string = ACCOUNTS.auditor.username): Promise<Page> {
  const ctx = await tb.browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport(viewport);
  // An English browser: the page's dates must not follow it.
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'en-US' });
  await page.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'language', { get: () => 'en-US' }));
  page.on('pageerror', (e) => tb.errors.push(`pageerror: ${String(e)}`));
  await page.goto(k.url + '/audit', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#audit-login-form');
  await page.type('#audit-username', username);
  // The sign-in form itself: no WCAG 2.1 A/AA violation either.
  expect(await axeViolations(page)).toEqual([]);
  await page.type('#audit-password', PASSWORD);
  await page.click('#audit-login-submit');
  return page;
}

const rowCount = (page: Page) => page.$$eval('#audit-table tbody tr', (trs) => trs.length);
const waitLoaded = (page: Page) => page.waitForSelector('#audit-table[data-loading="false"]');

async function applyFilter(page: Page, fields: Record<string, string>): Promise<void> {
  await page.click('#filter-reset');
  for (const [name, value] of Object.entries(fields)) {
    const sel = name === 'from' || name === 'to' ? `#filter-${name} input` : `#filter-${name}`;
    await page.$eval(sel, (el) => ((el as HTMLInputElement).value = ''));
    await page.type(sel, value);
  }
  await page.click('#filter-apply');
}

describe('the audit room (#13 items 10–13)', () => {
  it('10: reasons, notes, visit types and roles in Vietnamese (code beside), one date format dd/mm/yyyy, whatever the locale', async () => {
    for (const size of SIZES) {
      const page = await auditor(size);
      await page.waitForSelector('#audit-table tbody tr[data-seq="2"]');
      await page.waitForSelector('#chart-reasons li');
      const reviewed = await page.$eval('#audit-table tr[data-seq="2"]', (tr) => tr.textContent ?? '');
      expect(reviewed).toContain('Đã xem giấy tờ tùy thân có ảnh');
      expect(reviewed).not.toContain('ID_SEEN');
      expect(reviewed).toContain('Khám bệnh (01)');
      // The reason in words, its code beside it (small), in the table and the chart.
      const reason = await page.$eval('#audit-table tr[data-seq="2"] li[data-code="UNSIGNED_LEGACY"]', (li) => li.textContent ?? '');
      expect(reason).toMatch(/^\S.*UNSIGNED_LEGACY$/s);
      expect(reason.replace('UNSIGNED_LEGACY', '')).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);
      const chart = await page.$eval('#chart-reasons li[data-code="QR_MALFORMED"]', (li) => li.textContent ?? '');
      expect(chart).toContain('QR_MALFORMED');
      expect(chart.replace('QR_MALFORMED', '').trim().length).toBeGreaterThan(10);
      // One date format: the table, the chart's range and the (text) date inputs.
      const body = await page.$eval('main', (m) => m.textContent ?? '');
      expect(body).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
      expect(body).toContain('25/11/2026');
      expect(await page.$$eval('input[type="date"]', (els) => els.length)).toBe(0);
      expect(await page.$eval('#filter-from input', (el) => el.getAttribute('placeholder'))).toBe('dd/mm/yyyy');
      await page.screenshot({ path: join(SHOTS, `audit-room-${size.width}x${size.height}.png`), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.browserContext().close();
    }
    // A receptionist is told in Vietnamese which role they have.
    const desk = await auditor(SIZES[0], ACCOUNTS.receptionist.username);
    const msg = await (await desk.waitForSelector('#audit-not-auditor'))!.evaluate((el) => el.textContent ?? '');
    expect(msg).toContain('(lễ tân)');
    expect(msg).not.toContain('receptionist');
    expect(await axeViolations(desk)).toEqual([]);
    await desk.browserContext().close();
  });

  it('11: forgiving filters (names with or without marks, partial numbers, any-case codes); errors in Vietnamese, never over stale rows', async () => {
    const page = await auditor(SIZES[0]);
    await page.waitForSelector('#audit-table tbody tr');
    await waitLoaded(page);
    const all = await rowCount(page);
    expect(all).toBe(4);
    for (const operator of ['nguyen thi thu', 'Nguyễn Thị Thu', ACCOUNTS.receptionist.username]) {
      await applyFilter(page, { operator });
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll('#audit-table tbody tr').length === n && document.querySelector('#audit-table[data-loading="false"]'),
        {},
        all,
      );
    }
    // Both cards are Nguyễn Đức Thiện's; the rejected attempts have no card.
    await applyFilter(page, { name: 'nguyen duc thien' });
    await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 2);
    await applyFilter(page, { cardNumber: cardNumber(7).slice(-6) });
    await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 1);
    await applyFilter(page, { reasonCode: 'qr_malformed' });
    await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 2);

    // A bad filter: the reason in Vietnamese, and no rows of the filter before.
    await applyFilter(page, { cardNumber: 'ab' });
    const err = await page.waitForSelector('#audit-table-error');
    const text = await err!.evaluate((el) => el.textContent ?? '');
    expect(text).toContain('Bộ lọc không hợp lệ');
    expect(text).not.toMatch(/^[A-Z_]+$/);
    expect(await rowCount(page)).toBe(0);
    expect(await page.$eval('#chart-error', (el) => el.textContent)).toContain('Bộ lọc không hợp lệ');
    expect(await axeViolations(page)).toEqual([]);
    // A date that is not a day is refused in the form, in Vietnamese.
    await applyFilter(page, { from: '31/02/2026' });
    expect(await (await page.waitForSelector('#filter-error'))!.evaluate((el) => el.textContent)).toContain('dd/mm/yyyy');
    // A good date, typed dd/mm/yyyy in an English browser, filters by that Vietnam day.
    await applyFilter(page, { from: '25/11/2026', to: '25/11/2026' });
    await page.waitForFunction((n) => document.querySelectorAll('#audit-table tbody tr').length === n, {}, all);
    expect(await page.$eval('#audit-csv', (a) => (a as HTMLAnchorElement).href)).toContain('from=2026-11-25');
    await page.browserContext().close();
  });

  it('12: with sync off the rows say "Không đồng bộ", not "Đang chờ gửi"', async () => {
    const page = await auditor(SIZES[0]);
    const cell = await page.waitForSelector('#audit-table tr[data-seq="1"] td[data-sync]');
    await page.waitForFunction(
      () => document.querySelector('#audit-table tr[data-seq="1"] td[data-sync]')?.getAttribute('data-sync') === 'off',
    );
    const text = await cell!.evaluate((td) => td.textContent?.trim());
    expect(text).toBe('Không đồng bộ');
    expect(await page.$eval('main', (m) => m.textContent ?? '')).not.toContain('Đang chờ gửi');
    await page.browserContext().close();
  });

  it('13: fits 1280×800 and 800×1280 (no horizontal scroll; a card per visit on the portrait tablet)', async () => {
    for (const size of SIZES) {
      const page = await auditor(size);
      await page.waitForSelector('#audit-table tbody tr');
      await page.waitForSelector('#chart-per-day');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      if (size.width === 800) {
        expect(await page.$eval('#audit-table tbody tr', (tr) => getComputedStyle(tr).display)).toBe('block');
        const label = await page.$eval('#audit-table tbody tr td[data-label]', (td) => getComputedStyle(td, '::before').content);
        expect(label).toContain('STT');
      }
      await page.browserContext().close();
    }
    expect(tb.errors).toEqual([]);
  });
});
