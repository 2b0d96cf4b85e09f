/**
 * Browser: the admin page (/admin, #13 item 15) in real Chromium at 1280×800 and 800×1280. The
 * admin signs in, sees every operator with their ID-card number and last sign-in, adds a
 * receptionist with name and ID-card number, disables and re-enables them, resets their
 * password (the new one signs in), sees the trust store (issuer, key ids, revocation lists'
 * age), refreshes it, and sees the service's warnings and outboxes. A receptionist is told this
 * is not their page. axe-core: zero WCAG 2.1 A/AA violations in each state.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { ACCOUNTS, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
let k: LogKiosk;
let tb: TestBrowser;

beforeAll(async () => {
  const uiDir = await builtKioskUi();
  k = await startLogKiosk({ service: { uiDir } });
  tb = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await tb?.close();
  await k?.close();
});

async function signIn(viewport: { width: number; height: number }, username: string): Promise<Page> {
  const ctx = await tb.browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport(viewport);
  page.on('pageerror', (e) => tb.errors.push(`pageerror: ${String(e)}`));
  await page.goto(k.url + '/admin', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#audit-login-form');
  expect(await page.$eval('#audit-login-form h2', (h) => h.textContent)).toBe('Đăng nhập quản trị');
  // The sign-in form itself: no WCAG 2.1 A/AA violation either.
  expect(await axeViolations(page)).toEqual([]);
  await page.type('#audit-username', username);
  await page.type('#audit-password', PASSWORD);
  await page.click('#audit-login-submit');
  return page;
}

/** Screenshots at 1280×800 and 800×1280 (then back to where the page was). */
async function shootBoth(page: Page, name: string): Promise<void> {
  const before = page.viewport()!;
  for (const size of [
    { width: 1280, height: 800 },
    { width: 800, height: 1280 },
  ]) {
    await page.setViewport(size);
    await page.screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewport(before);
}

const userRow = (u: string) => `#admin-users tr[data-username="${u}"]`;

describe('the admin page (#13 item 15)', () => {
  it('operators: list with last sign-in, add with name and ID-card number, disable, re-enable, reset a password', async () => {
    const page = await signIn({ width: 1280, height: 800 }, ACCOUNTS.admin.username);
    await page.waitForSelector(userRow(ACCOUNTS.receptionist.username));
    const desk = await page.$eval(userRow(ACCOUNTS.receptionist.username), (tr) => tr.textContent ?? '');
    expect(desk).toContain(ACCOUNTS.receptionist.displayName);
    expect(desk).toContain(ACCOUNTS.receptionist.cccd);
    expect(desk).toContain('lễ tân');
    expect(desk).toContain('25/11/2026'); // signed in at the fixture's frozen time
    // The admin cannot disable themselves: no button on their row.
    expect(await page.$(`${userRow(ACCOUNTS.admin.username)} [data-action="disable"]`)).toBeNull();
    expect(await axeViolations(page)).toEqual([]);

    // A receptionist without an ID-card number is refused, in Vietnamese, naming the field.
    await page.type('#admin-new-user input[name="displayName"]', 'Phạm Thị Mới');
    await page.type('#admin-new-user input[name="username"]', 'pham-moi');
    await page.select('#admin-new-user select[name="role"]', 'receptionist');
    await page.type('#admin-new-user input[name="password"]', 'a long enough password');
    await page.click('#admin-add-user');
    expect(await (await page.waitForSelector('#admin-users-error'))!.evaluate((el) => el.textContent)).toBe(
      'Số căn cước (CCCD): bắt buộc nhập',
    );
    await page.type('#admin-new-user input[name="cccd"]', '001190077777');
    await page.click('#admin-add-user');
    await page.waitForSelector(userRow('pham-moi'));
    expect(await page.$eval('#admin-users-notice', (el) => el.textContent)).toBe('Đã thêm Phạm Thị Mới.');
    expect(await page.$eval(userRow('pham-moi'), (tr) => tr.textContent ?? '')).toContain('Chưa bao giờ');
    expect((await k.login('pham-moi', 'a long enough password')).status).toBe(200);

    // Disable asks first, in an accessible dialog: Escape cancels (nothing changes, focus back on the button)…
    await page.click(`${userRow('pham-moi')} [data-action="disable"]`);
    await page.waitForSelector('#admin-disable-dialog[open]');
    expect(
      await page.$eval('#admin-disable-dialog', (d) => [
        d.getAttribute('aria-labelledby'),
        document.activeElement?.getAttribute('data-action'),
      ]),
    ).toEqual(['admin-disable-title', 'cancel-disable']);
    expect(await page.$eval('#admin-disable-text', (el) => el.textContent)).toContain('Phạm Thị Mới (pham-moi)');
    await shootBoth(page, 'admin-disable-dialog');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#admin-disable-dialog:not([open])');
    expect(await page.$eval(userRow('pham-moi'), (tr) => tr.getAttribute('data-disabled'))).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('disable');
    expect((await k.login('pham-moi', 'a long enough password')).status).toBe(200);
    // …Enter on its confirm button confirms.
    await page.click(`${userRow('pham-moi')} [data-action="disable"]`);
    await page.waitForSelector('#admin-disable-dialog[open]');
    await page.focus('#admin-disable-dialog [data-action="confirm-disable"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${userRow('pham-moi')}[data-disabled="true"]`);
    expect(await page.$('#admin-disable-dialog[open]')).toBeNull();
    expect((await k.login('pham-moi', 'a long enough password')).json.code).toBe('LOGIN_FAILED');
    await page.click(`${userRow('pham-moi')} [data-action="enable"]`);
    await page.waitForSelector(`${userRow('pham-moi')}[data-disabled="false"]`);

    // Reset the password: the new one signs in, the old one no longer does.
    await page.click(`${userRow('pham-moi')} [data-action="reset"]`);
    await page.type('form[data-reset-for="pham-moi"] input[name="password"]', 'the new long passphrase');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('form[data-reset-for="pham-moi"] button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#admin-users-notice')?.textContent?.includes('Đã đặt lại mật khẩu'));
    expect((await k.login('pham-moi', 'the new long passphrase')).status).toBe(200);
    expect((await k.login('pham-moi', 'a long enough password')).json.code).toBe('LOGIN_FAILED');

    // Edit the account: a bad ID-card number is refused naming the field; then name, number and role change.
    await page.click(`${userRow('pham-moi')} [data-action="edit"]`);
    const form = 'form[data-edit-for="pham-moi"]';
    await page.waitForSelector(form);
    expect(await page.$eval(`${form} input[name="displayName"]`, (i) => i.value)).toBe('Phạm Thị Mới');
    await page.$eval(`${form} input[name="cccd"]`, (i) => {
      i.removeAttribute('pattern'); // the browser's own check is not what is tested
      i.value = '12345';
    });
    await page.click(`${form} button[type="submit"]`);
    expect(await (await page.waitForSelector('#admin-users-error'))!.evaluate((el) => el.textContent)).toBe(
      'Số căn cước (CCCD): không hợp lệ',
    );
    await page.$eval(`${form} input[name="displayName"]`, (i) => (i.value = ''));
    await page.type(`${form} input[name="displayName"]`, 'Phạm Thị Mới Sửa');
    await page.$eval(`${form} input[name="cccd"]`, (i) => (i.value = ''));
    await page.type(`${form} input[name="cccd"]`, '001190088888');
    await page.select(`${form} select[name="role"]`, 'auditor');
    await shootBoth(page, 'admin-edit-form');
    expect(await axeViolations(page)).toEqual([]);
    await page.click(`${form} button[type="submit"]`);
    await page.waitForFunction(() =>
      document.querySelector('#admin-users-notice')?.textContent?.includes('Đã lưu thay đổi của Phạm Thị Mới Sửa'),
    );
    expect(await page.$(form)).toBeNull();
    const edited = await page.$eval(userRow('pham-moi'), (tr) => tr.textContent ?? '');
    expect(edited).toContain('Phạm Thị Mới Sửa');
    expect(edited).toContain('001190088888');
    expect(edited).toContain('kiểm toán');
    const after = (await k.login('pham-moi', 'the new long passphrase')).json as { user: { role: string; displayName: string } };
    expect(after.user).toMatchObject({ role: 'auditor', displayName: 'Phạm Thị Mới Sửa' });
    expect(tb.errors).toEqual([]);
    await page.browserContext().close();
  });

  it('trust, sync, portal and check-in report state, warnings; refresh now; both sizes fit; zero axe violations', async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 800, height: 1280 },
    ]) {
      const page = await signIn(size, ACCOUNTS.admin.username);
      const issuer = await page.waitForSelector('#admin-issuers tbody tr');
      expect(await issuer!.$$eval('[data-kid]', (els) => els.length)).toBeGreaterThan(0);
      expect(await page.$eval('#admin-crl-age', (el) => el.textContent)).toMatch(/trước/);
      expect(await page.$eval('#admin-sync', (el) => el.getAttribute('data-state'))).toBe('off');
      expect(await page.$eval('#admin-checkin', (el) => el.getAttribute('data-state'))).toBe('off');
      expect(await page.$('#admin-portal')).not.toBeNull();
      // The warnings in words with the code beside (this kiosk has none, or lists them).
      expect((await page.$('#admin-no-warnings')) ?? (await page.$('#admin-warnings'))).not.toBeNull();
      await page.click('#admin-trust-refresh');
      const outcome = await page.waitForSelector('#admin-trust-outcome');
      expect(await outcome!.evaluate((el) => el.textContent ?? '')).toMatch(/đơn vị phát hành|bị từ chối/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await page.screenshot({ path: join(SHOTS, `admin-${size.width}x${size.height}.png`), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.browserContext().close();
    }
    expect(tb.errors).toEqual([]);
  });

  it('a receptionist on /admin is told it is not their page, in Vietnamese, and sees nothing', async () => {
    const page = await signIn({ width: 1280, height: 800 }, ACCOUNTS.receptionist.username);
    const msg = await (await page.waitForSelector('#admin-not-admin'))!.evaluate((el) => el.textContent ?? '');
    expect(msg).toContain('(lễ tân)');
    expect(await page.$('#admin-users')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await page.browserContext().close();
  });
});
