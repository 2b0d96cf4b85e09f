/**
 * Browser: a receptionist signs in on the kiosk screen and checks a card in; an auditor signs in
 * on /audit (a separate browser context: separate cookies) and sees that visit, the integrity
 * badge and the charts. The kiosk screen is driven only through its DOM (its login form's input
 * names, `data-signed-in`, the paste box and the check-in button); the test asserts that path
 * was taken (the API helpers below only say what went wrong if it was not).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { CHROMIUM_PATH, chromiumArgs } from '../../test-support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, cardNumber, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

/** Screenshots to look at (test artifacts, not committed). */
const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');

let k: LogKiosk;
let browser: Browser;
const profile = mkdtempSync(join(tmpdir(), 'chromium-audit-e2e-'));

beforeAll(async () => {
  // The real pages, built once for all the browser tests (not dist/, which others may be building).
  const uiDir = await builtKioskUi();
  k = await startLogKiosk({ service: { uiDir } });
  browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs(profile) });
});

afterAll(async () => {
  await browser?.close();
  await k?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function signInOnKioskScreen(page: Page, username: string): Promise<'dom' | 'api'> {
  await page.goto(k.url + '/', { waitUntil: 'domcontentloaded' });
  const input = await page.waitForSelector('kiosk-login >>> input[name="username"]', { timeout: 10_000 }).catch(() => null);
  if (input) {
    await input.type(username);
    await (await page.waitForSelector('kiosk-login >>> input[name="password"]'))!.type(PASSWORD);
    await (await page.waitForSelector('kiosk-login >>> button[type="submit"]'))!.click();
    await page.waitForSelector(`kiosk-login >>> [data-signed-in="${username}"]`, { timeout: 10_000 });
    return 'dom';
  }
  const status = await page.evaluate(
    async (u, p) =>
      (
        await fetch('/api/session', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: u, password: p }),
        })
      ).status,
    username,
    PASSWORD,
  );
  expect(status).toBe(200);
  return 'api';
}

/**
 * Scans by pasting into the kiosk screen's paste box and presses its confirm button
 * (data-action="check-in"), waiting for data-checkin-outcome="done". Reports 'api' (and the test
 * fails) when the kiosk screen's elements are not there.
 */
async function scanAndConfirm(page: Page, qr: string): Promise<'dom' | 'api'> {
  const paste = await page.waitForSelector('>>> #paste', { timeout: 10_000 }).catch(() => null);
  if (paste) {
    await paste.evaluate((el) => el.closest('details')?.setAttribute('open', ''));
    await paste.evaluate((el, text) => ((el as HTMLTextAreaElement).value = text), qr);
    await paste.press('Enter');
    const button = await page.waitForSelector('>>> [data-action="check-in"]:not([disabled])', { timeout: 15_000 }).catch(() => null);
    if (button) {
      await button.click();
      await page.waitForSelector('>>> [data-checkin-outcome="done"]', { timeout: 15_000 });
      return 'dom';
    }
  }
  const status = await page.evaluate(async (text) => {
    const r = await fetch('/api/check-ins', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'e2e-1' },
      body: JSON.stringify({ qr: text }),
    });
    return r.status;
  }, qr);
  expect(status).toBe(201);
  return 'api';
}

async function latestVisitIdOfCard(card: string): Promise<string> {
  const r = await k.request('GET', `/api/audit/visits?cardNumber=${card}&limit=1`, { cookie: k.cookies.auditor });
  expect(r.json.items).toHaveLength(1);
  return r.json.items[0].id as string;
}

describe('receptionist checks in, auditor sees it on /audit', () => {
  it('end to end in Chromium', async () => {
    const qr = await k.card(77);

    // ── the front desk ──
    const desk = await browser.createBrowserContext();
    const deskPage = await desk.newPage();
    // Both through the kiosk screen's own DOM: the API fallbacks below must not be needed.
    expect(await signInOnKioskScreen(deskPage, ACCOUNTS.receptionist.username)).toBe('dom');
    expect(await scanAndConfirm(deskPage, qr)).toBe('dom');
    const visitId = await latestVisitIdOfCard(cardNumber(77));
    await desk.close();

    // ── the auditor, in a separate context (no desk cookie) ──
    const office = await browser.createBrowserContext();
    const page = await office.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(k.url + '/audit', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#audit-login-form');
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Kiểm tra nhật ký tiếp nhận BHYT');

    // A wrong password first: the page says so and stays on the form.
    await page.type('#audit-username', ACCOUNTS.auditor.username);
    await page.type('#audit-password', 'wrong password');
    await page.click('#audit-login-submit');
    await page.waitForSelector('[data-testid="login-error"]');
    await page.$eval('#audit-password', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#audit-password', PASSWORD);
    await page.click('#audit-login-submit');

    await page.waitForSelector(`#audit-user[data-username="${ACCOUNTS.auditor.username}"]`);
    const row = await page.waitForSelector(`#audit-table tr[data-visit-id="${visitId}"]`, { timeout: 15_000 });
    const rowText = await row!.evaluate((tr) => tr.textContent ?? '');
    expect(rowText).toContain(cardNumber(77));
    expect(rowText).toContain('Nguyễn Đức Thiện');
    expect(rowText).toContain(ACCOUNTS.receptionist.displayName);
    expect(rowText).toContain('Hợp lệ');
    // Sync is off in this kiosk: nothing is sent anywhere, and the auditor is told so (#13 item 12).
    await page.waitForFunction(
      (id) => document.querySelector(`#audit-table tr[data-visit-id="${id}"] td[data-sync]`)?.getAttribute('data-sync') === 'off',
      {},
      visitId,
    );
    expect(await page.$eval(`#audit-table tr[data-visit-id="${visitId}"] td[data-sync]`, (td) => td.textContent?.trim())).toBe(
      'Không đồng bộ',
    );

    await page.waitForSelector('#audit-integrity[data-state="ok"]', { timeout: 15_000 });
    // Sync is off in this kiosk: the page says the log is not anchored, rather than "none yet".
    expect(await page.$eval('#audit-anchor[data-state="off"]', (p) => p.textContent?.trim())).toBe(
      'Không neo nhật ký: chưa cấu hình đồng bộ với máy chủ lưu trữ.',
    );
    await page.waitForSelector('#chart-per-day g[data-total="1"]');
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewport({ width: 1280, height: 800 });
    await page.screenshot({ path: join(SHOTS, 'audit-landscape.png'), fullPage: true });

    // The CSV link carries the filters.
    await page.type('#filter-cardNumber', cardNumber(77));
    await page.click('#filter-apply');
    await page.waitForFunction(
      (n) => document.querySelector<HTMLAnchorElement>('#audit-csv')?.href.includes(`cardNumber=${n}`),
      {},
      cardNumber(77),
    );
    await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 1);

    // English switch.
    await page.click('#audit-lang');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'BHYT check-in log audit');
    expect(await page.$eval(`#audit-table tr[data-visit-id="${visitId}"]`, (tr) => tr.textContent)).toContain('Accepted');

    expect(problems).toEqual([]);
    await office.close();
  });

  it('a receptionist on /audit is told this is not their page, and sees no data', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    await page.goto(k.url + '/audit', { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#audit-login-form');
    await page.type('#audit-username', ACCOUNTS.receptionist.username);
    await page.type('#audit-password', PASSWORD);
    await page.click('#audit-login-submit');
    await page.waitForSelector('#audit-not-auditor');
    expect(await page.$('#audit-table')).toBeNull();
    await ctx.close();
  });
});
