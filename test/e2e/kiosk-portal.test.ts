/**
 * The kiosk screen with the online card check, in real Chromium against the real kiosk service
 * and the REAL reference portal (in-process on 127.0.0.1, port 0, its own data file): a legacy
 * paper-card QR on the fake camera → "đang tra cứu cổng giám định" with the seconds ticking (the
 * portal's injected latency holds the answer until the test releases it: no sleeps) → the
 * portal's verdict in place → check-in from the card check; a chip ID-card QR → the portal's
 * "already checked in today" → check-in; the manual-entry form typed in Vietnamese; giving up on
 * a slow portal (check-in under review); the portal refusing the facility's staff ID (054: the
 * facility's problem, not the patient's).
 * Screenshots: test-artifacts/screenshots/portal-*.png (1280×800 and 800×1280).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, systemRandom } from '../../server/clock.js';
import { silentLogger } from '../../server/logger.js';
import type { PortalPerson } from '../../server/reference-portal/dataset-schema.js';
import { writeDataset } from '../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../server/reference-portal/server.js';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser } from '../helpers/browser.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { LEGACY_HC, LEGACY_NEW, LEGACY_TE } from '../helpers/legacy-samples.js';
import { qrFrame } from '../helpers/qr-matrix.js';
import { writeY4m } from '../helpers/y4m.js';
import { scanByWedge } from '../helpers/wedge.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const NOW = Date.parse('2026-11-25T02:00:00Z'); // 09:00 in Hà Nội
const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const PORTAL_PASSWORD = 'mat-khau-12001';
/** The demo receptionist as the portal knows her (server/users/demo-accounts.ts). */
const STAFF = { hoTen: 'Lễ tân (tài khoản demo)', cccd: '012195000101' };

const base = {
  gioiTinh: 'Nam' as const,
  diaChi: 'Số 10 Ngõ 132 Trần Hưng Đạo, Lai Châu',
  maDKBD: '12001',
  gtTheTu: '2026-01-01',
  gtTheDen: '2026-12-31',
};
/** bhyt-domain.md's paper card HC4121201234567 (and its holder's chip ID card). */
const THIEN: PortalPerson = {
  ...base,
  maSoBhxh: '1201234567',
  maThe: 'HC4121201234567',
  hoTen: 'Nguyễn Đức Thiện',
  ngaySinh: '1990-03-20',
  cqBHXH: '1201',
  maKV: 'K1',
  ngayDu5Nam: '2028-01-01',
  status: 'normal',
  gioiTinh: 'Nam',
};
/** A chip ID card of someone seen at another facility this morning. */
const BINH_CCCD = '001095004321|123456780|Trần Văn Bình|15071995|Nam|Số 5 Phố Huế, Hai Bà Trưng, Hà Nội|01022022';
const BINH: PortalPerson = {
  ...base,
  maSoBhxh: '0100000021',
  maThe: 'DN4010100000021',
  cccd: '001095004321',
  hoTen: 'Trần Văn Bình',
  ngaySinh: '1995-07-15',
  diaChi: 'Số 5 Phố Huế, Hai Bà Trưng, Hà Nội',
  ngayDu5Nam: '2027-03-01',
  status: 'normal',
  gioiTinh: 'Nam',
  visits: [
    {
      maHoSo: 'HS-1',
      maCSKCB: '79002',
      ngayVao: '202611250745',
      ngayRa: '202611250810',
      tenBenh: null,
      tinhTrang: null,
      kqDieuTri: null,
      lyDoVV: null,
    },
  ],
};
/** Typed in by hand: every letter of her name carries a diacritic. */
const NGUYET: PortalPerson = {
  ...base,
  maSoBhxh: '0100000033',
  maThe: 'GD4010100000033',
  hoTen: 'Phạm Thị Hằng Nguyệt',
  ngaySinh: '1988-05-12',
  gioiTinh: 'Nữ',
  status: 'normal',
};

/** A chip ID card with a Vietnamese letter in every word of the name: a wedge types "ng Th Xun". */
const XUAN_CCCD = '012188007777||Đặng Thị Xuân|09091988|Nữ|Số 3 Lê Lợi, Lai Châu|01012022';
const XUAN: PortalPerson = {
  ...base,
  maSoBhxh: '0100000044',
  maThe: 'HC4010100000044',
  cccd: '012188007777',
  hoTen: 'Đặng Thị Xuân',
  ngaySinh: '1988-09-09',
  gioiTinh: 'Nữ',
  status: 'normal',
};

/** The child's paper card TE1121201234569: expired at the portal, a new card issued (003). */
const PO: PortalPerson = {
  ...base,
  maSoBhxh: '1201234569',
  maThe: 'TE1121201234569',
  hoTen: 'Vàng A Pó',
  ngaySinh: '2023-02-14',
  maDKBD: '12002',
  gtTheTu: '2023-02-14',
  gtTheDen: '2026-06-30',
  status: 'normal',
  newCard: { maThe: 'TE1121201234570', gtTheTu: '2026-07-01', gtTheDen: '2029-02-13', maDKBD: '12002', tenDKBD: 'Trạm Y tế xã Sơn Bình' },
};

let work: string;
let issuer: TestIssuer;
let portal: RunningPortal;
let kiosk: Awaited<ReturnType<typeof startTestKiosk>>;
let receptionistPassword = '';
let portalData = '';

/** The portal's data file; the portal reads it again on its next call. */
function writePortalData(staff: { hoTen: string; cccd: string }): void {
  writeDataset(portalData, {
    version: 1,
    persons: [THIEN, BINH, NGUYET, PO, XUAN],
    accounts: [{ username: '12001_bv', password: PORTAL_PASSWORD, facility: '12001', staff: [staff] }],
  });
}

/** The portal's latency, held: calls with a delay wait until `release()` (then none wait). */
const held = {
  open: true,
  waiting: 0,
  release: () => undefined as void,
  gate: Promise.resolve(),
  hold() {
    this.open = false;
    this.gate = new Promise<void>((r) => (this.release = r));
    portal.control.setFaults({ latency: '60000' });
  },
  letGo() {
    portal.control.setFaults({ latency: '0' });
    this.open = true;
    this.release();
  },
};

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewport(LANDSCAPE);
  await page.screenshot({ path: join(SHOTS, `portal-${name}-landscape.png`) });
  await page.setViewport(PORTRAIT);
  await page.screenshot({ path: join(SHOTS, `portal-${name}-portrait.png`) });
  await page.setViewport(LANDSCAPE);
}

/** Signs the browser in as le-tan (cookie), before the kiosk screen opens. */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${kiosk.url}/api/status`);
  const status = await page.evaluate(
    (password: string) =>
      fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'le-tan', password }),
      }).then((r) => r.status),
    receptionistPassword,
  );
  expect(status).toBe(200);
}

async function expectNoAxe(page: Page, state: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${state}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}

const attr = (page: Page, selector: string, name: string) => page.$eval(selector, (el, n) => el.getAttribute(n), name).catch(() => null);

const verdictOf = async (page: Page) => ({
  verdict: await attr(page, 'kiosk-verdict-panel', 'data-verdict'),
  code: await attr(page, 'kiosk-verdict-panel', 'data-code'),
});

const portalText = (page: Page, selector: string) =>
  page.$eval(`kiosk-portal-panel >>> ${selector}`, (el) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '');

/** The verdict panel's countdown ("Tự xóa sau 45 giây", "… sau 1 giờ", or the move to the tray; '' while paused). */
const clearCountdown = (page: Page) => page.$eval('kiosk-verdict-panel >>> .foot span:last-child', (el) => el.textContent?.trim() ?? '');

async function checkIn(page: Page): Promise<string | null> {
  await page.click('kiosk-check-in >>> [data-action="check-in"]');
  const h = await page.waitForSelector('kiosk-check-in >>> [data-checkin-outcome]:not([data-checkin-outcome="busy"])');
  return h!.evaluate((el) => el.getAttribute('data-checkin-outcome'));
}

/** The latest visit of this desk, as the receptionist's API shows it. */
/**
 * Opens the manual-entry form as a receptionist would: the button is pressed (again) until the
 * form is open. On a loaded machine the first press can land while the screen is still
 * re-rendering after sign-in and the status (a button that is replaced, not the one pressed).
 */
async function openManualForm(page: Page): Promise<void> {
  await page.waitForSelector('kiosk-manual-entry >>> [data-action="manual-entry"]:not([disabled])');
  await page.waitForFunction(
    () => {
      const root = document.querySelector('kiosk-manual-entry')?.shadowRoot;
      if (root?.querySelector('dialog[open]')) return true;
      root?.querySelector<HTMLButtonElement>('[data-action="manual-entry"]:not([disabled])')?.click();
      return false;
    },
    { polling: 250, timeout: 30_000 },
  );
}

const lastVisit = (page: Page) =>
  page.evaluate(() =>
    fetch('/api/visits/recent?limit=1')
      .then((r) => r.json())
      .then((b: { items: Array<{ cardCheckId?: string; verdict: string; portal?: { state: string; code?: string } }> }) => b.items[0]),
  );

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kiosk-portal-e2e-'));
  const uiDir = await builtKioskUi();
  issuer = await makeTestIssuer({ now: NOW });

  portalData = join(work, 'portal');
  writePortalData(STAFF);
  portal = await startPortal(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: portalData,
      tokenTtlSeconds: 3000,
      latency: { minMs: 0, maxMs: 0 },
      failRate: 0,
      failModes: ['http500', 'hang', 'drop'],
      authFailureAs: 'body',
      controlPort: undefined,
    },
    {
      clock: fixedClock(NOW),
      random: systemRandom,
      logger: silentLogger,
      randomFraction: () => 0,
      // The injected latency: held by the test, never real time.
      sleep: (ms) => (ms === 0 || held.open ? Promise.resolve() : (held.waiting++, held.gate.finally(() => held.waiting--))),
    },
  );

  const passwordFile = join(work, 'portal-password');
  writeFileSync(passwordFile, PORTAL_PASSWORD);
  chmodSync(passwordFile, 0o600);
  let notice = '';
  kiosk = await startTestKiosk({
    trustFile: issuer.trustFile,
    flags: ['--demo-accounts', '--portal-url', portal.url, '--portal-user', '12001_bv', '--portal-password-file', passwordFile],
    service: { uiDir, print: (t: string) => void (notice += t) },
  });
  receptionistPassword = /le-tan\s+receptionist\s+(\S+)/.exec(notice)?.[1] ?? '';
});

afterAll(async () => {
  if (portal && !held.open) held.letGo();
  await kiosk?.close();
  await portal?.close();
  await issuer?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kiosk screen with the online card check', () => {
  it('a legacy QR on the camera → the local findings, "đang tra cứu…" ticking, no auto-clear → the portal’s 000 → check-in from the card check', async () => {
    held.hold();
    const b = await launchBrowser({ fakeVideo: writeY4m(join(work, 'legacy.y4m'), qrFrame(LEGACY_HC)) });
    try {
      const page = await b.newPage(LANDSCAPE);
      await signIn(page);
      await page.goto(`${kiosk.url}/?clear=600`, { waitUntil: 'load' });
      await page.waitForSelector('kiosk-status-bar >>> [data-portal-health]');
      // The local findings at once, the portal pending.
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="pending"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY' });
      expect(await portalText(page, '[data-portal-title]')).toContain('Đang tra cứu cổng giám định…');
      // The seconds tick; the auto-clear countdown does not run while the portal is asked.
      await page.waitForFunction(
        () =>
          Number(
            document
              .querySelector('kiosk-portal-panel')
              ?.shadowRoot?.querySelector('[data-portal-elapsed]')
              ?.getAttribute('data-portal-elapsed'),
          ) >= 2,
        { timeout: 20_000, polling: 200 },
      );
      expect(await portalText(page, '[data-portal-elapsed]')).toMatch(/^\d+ s$/);
      expect(await clearCountdown(page)).toBe('');
      expect(await verdictOf(page)).toEqual({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY' });
      expect(await page.$('kiosk-check-in >>> [data-action="give-up"]')).not.toBeNull();
      expect(await page.$('kiosk-check-in >>> [data-action="check-in"]')).toBeNull();
      expect(held.waiting).toBeGreaterThan(0);
      await shoot(page, '1-legacy-pending');

      // The portal answers: the verdict changes in place.
      held.letGo();
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="done"]', { timeout: 30_000 });
      expect(await attr(page, 'kiosk-portal-panel', 'data-portal-code')).toBe('000');
      expect(await verdictOf(page)).toEqual({ verdict: 'accepted', code: 'OK' });
      expect(await portalText(page, '[data-portal-result]')).toBe('Mã 000');
      // Answered but not yet confirmed: it is not cleared, it would move to the tray (#13 item 3).
      expect(await clearCountdown(page)).toBe('Chưa tiếp nhận — chuyển vào danh sách chờ sau 1 giờ');
      expect(await portalText(page, '[data-portal-message]')).toBe('Thông tin thẻ chính xác');
      expect(await portalText(page, '[data-portal-field="portalFiveYear"] dd')).toBe('01/01/2028');
      expect(await portalText(page, '[data-portal-field="portalAddress"] dd')).toBe(THIEN.diaChi);
      await shoot(page, '2-legacy-done');
      expect(await checkIn(page)).toBe('done');
      const visit = await lastVisit(page);
      expect(visit).toMatchObject({ verdict: 'accepted', portal: { state: 'done', code: '000' } });
      expect(visit?.cardCheckId).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.errors).toEqual([]);
    } finally {
      if (!held.open) held.letGo();
      await b.close();
    }
  });

  it('a chip ID-card QR → the portal’s verdict with "already checked in today at 07:45 at facility 79002" → check-in', async () => {
    const b = await launchBrowser({ fakeVideo: writeY4m(join(work, 'cccd.y4m'), qrFrame(BINH_CCCD)) });
    try {
      const page = await b.newPage(LANDSCAPE);
      await signIn(page);
      await page.goto(`${kiosk.url}/?clear=600`, { waitUntil: 'load' });
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="done"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'accepted', code: 'OK' });
      expect(await portalText(page, '[data-portal-today]')).toBe('Đã tiếp nhận hôm nay lúc 07:45 tại cơ sở 79002');
      expect(await portalText(page, '[data-portal-field="portalLastVisit"] dd')).toBe('25/11/2026 07:45 – 25/11/2026 08:10 tại 79002');
      await shoot(page, '3-cccd-done');
      expect(await checkIn(page)).toBe('done');
      expect(await lastVisit(page)).toMatchObject({ portal: { state: 'done', code: '000' } });
      expect(b.errors).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('the manual form: Esc closes it, Vietnamese typed, validation in Vietnamese, Enter submits → the portal → check-in', async () => {
    const b = await launchBrowser();
    try {
      const page = await b.newPage(LANDSCAPE);
      await signIn(page);
      await page.goto(`${kiosk.url}/?clear=600`, { waitUntil: 'load' });
      await openManualForm(page);
      // The number field has focus; Esc closes the form.
      expect(await page.$eval('kiosk-manual-entry', (el) => el.shadowRoot!.activeElement?.getAttribute('name'))).toBe('number');
      await page.keyboard.press('Escape');
      await page.waitForSelector('kiosk-manual-entry >>> dialog:not([open])');

      await openManualForm(page);
      await page.keyboard.type('gd 401 010 000 0033');
      await page.keyboard.press('Tab');
      await page.keyboard.type(NGUYET.hoTen);
      await page.keyboard.press('Tab');
      await page.keyboard.type('31/02/1988');
      // An IME composing a letter: its Enter does not submit.
      const submittedWhileComposing = await page.$eval('kiosk-manual-entry', (el) => {
        const input = el.shadowRoot!.querySelector('input[name="birthDate"]')!;
        input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, composed: true }));
        el.shadowRoot!.querySelector('form')!.requestSubmit();
        const shown = el.shadowRoot!.querySelector('[data-manual-error]') !== null;
        input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, composed: true }));
        return shown;
      });
      expect(submittedWhileComposing).toBe(false);
      await page.keyboard.press('Enter');
      const err = await page.waitForSelector('kiosk-manual-entry >>> [data-manual-error="birthDate"]');
      expect(await err!.evaluate((el) => el.textContent)).toBe('Ngày sinh không hợp lệ: nhập dd/mm/yyyy hoặc năm yyyy.');
      expect(await page.$eval('kiosk-manual-entry', (el) => el.shadowRoot!.activeElement?.getAttribute('name'))).toBe('birthDate');
      expect(await page.$eval('kiosk-manual-entry >>> input[name="name"]', (el) => el.value)).toBe(NGUYET.hoTen);
      await shoot(page, '4-manual-validation');
      await page.$eval('kiosk-manual-entry >>> input[name="birthDate"]', (el) => el.select());
      await page.keyboard.type('12/05/1988');
      await page.keyboard.press('Enter');

      await page.waitForSelector('kiosk-manual-entry >>> dialog:not([open])');
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="done"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'accepted', code: 'OK' });
      expect(await page.$eval('kiosk-verdict-panel >>> [data-field="fullName"]', (el) => el.textContent?.trim())).toBe(NGUYET.hoTen);
      await shoot(page, '5-manual-done');
      expect(await checkIn(page)).toBe('done');
      expect(await lastVisit(page)).toMatchObject({ verdict: 'accepted', portal: { state: 'done', code: '000' } });
      expect(b.errors).toEqual([]);
    } finally {
      await b.close();
    }
  });

  describe('no camera, keyboard wedge', () => {
    let b: Awaited<ReturnType<typeof launchBrowser>>;
    let page: Page;
    beforeAll(async () => {
      b = await launchBrowser();
      page = await b.newPage(LANDSCAPE);
      await signIn(page);
      await page.goto(`${kiosk.url}/?clear=600`, { waitUntil: 'load' });
      await page.waitForSelector('kiosk-status-bar >>> [data-portal-health]');
    });
    afterAll(async () => {
      if (!held.open) held.letGo();
      await b?.close();
    });

    it('the portal is slow: the receptionist stops waiting, ticks what she checked, checks in under review', async () => {
      held.hold();
      await scanByWedge(page, LEGACY_NEW);
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="pending"]', { timeout: 30_000 });
      await page.click('kiosk-check-in >>> [data-action="give-up"]');
      await page.waitForSelector('kiosk-check-in >>> [data-review="PAPER_CARD"]');
      expect(await portalText(page, '[data-portal-gave-up]')).toBe('Cổng chưa trả lời; tiếp nhận sau khi kiểm tra giấy tờ.');
      // Still no auto-clear: a review is open.
      expect(await clearCountdown(page)).toBe('');
      await page.click('kiosk-check-in >>> [data-review="ID_SEEN"]');
      await page.click('kiosk-check-in >>> [data-review="PAPER_CARD"]');
      await shoot(page, '6-gave-up-review');
      expect(await checkIn(page)).toBe('done');
      const visit = await lastVisit(page);
      expect(visit).toMatchObject({ verdict: 'needs_review' });
      // The visit keeps its card check, ended as unavailable: the re-check worker takes it up.
      expect(visit?.cardCheckId).toEqual(expect.any(String));
      expect(visit?.portal).toMatchObject({ state: 'unavailable' });
      held.letGo();
      expect(b.errors).toEqual([]);
    });

    it('#13 item 3: a chip ID-card QR typed by the wedge: its lost name is never shown; matched on the ID number and birth date, the portal’s name shown as such → check-in', async () => {
      held.hold();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await scanByWedge(page, XUAN_CCCD);
      // The instant verdict, the portal still asked: no name, said why; the typed letters nowhere.
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="pending"]', { timeout: 30_000 });
      await page.waitForSelector('[data-warning="WEDGE_ID_CARD"]');
      const nameNow = await page.$eval('kiosk-verdict-panel >>> [data-field="fullName"]', (el) => ({
        from: el.getAttribute('data-name-from'),
        text: el.textContent.replace(/\s+/g, ' ').trim(),
      }));
      expect(nameNow).toEqual({
        from: 'unreadable',
        text: 'Không đọc được họ tên (máy quét kiểu bàn phím làm mất chữ có dấu): đối chiếu bằng số CCCD và ngày sinh',
      });
      const panelText = () => page.$eval('kiosk-verdict-panel', (el) => (el.shadowRoot!.textContent ?? '') + el.textContent);
      expect(await panelText()).not.toContain('ng Th Xun');
      expect(await page.$eval('kiosk-verdict-panel >>> [data-field="idNumber"] dd', (el) => el.textContent)).toBe('012188007777');
      expect(await page.$eval('kiosk-verdict-panel >>> [data-field="birthDate"] dd', (el) => el.textContent)).toBe('09/09/1988');
      await shoot(page, '8-wedge-cccd-pending');
      held.letGo();
      // The portal: looked up by the ID number; its record's name and birth date → 000, its name shown, marked.
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="done"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'accepted', code: 'OK' });
      expect(
        await page.$eval('kiosk-verdict-panel >>> [data-field="fullName"]', (el) => [
          el.getAttribute('data-name-from'),
          el.textContent.trim(),
        ]),
      ).toEqual(['portal', 'Đặng Thị Xuân']);
      expect(await page.$eval('kiosk-verdict-panel >>> [data-name-note]', (el) => el.textContent.trim())).toBe(
        'Họ tên theo cổng giám định BHYT (khớp số CCCD và ngày sinh)',
      );
      expect(await panelText()).not.toContain('ng Th Xun');
      await shoot(page, '8-wedge-cccd-done');
      await expectNoAxe(page, 'wedge-typed ID card, the portal’s name');
      expect(await checkIn(page)).toBe('done');
      const visit = (await lastVisit(page)) as unknown as { card?: { fullName?: string }; portal?: { code?: string } };
      expect(visit.portal).toMatchObject({ code: '000' });
      if (visit.card) expect(visit.card.fullName).toBe('Đặng Thị Xuân');
      await page.keyboard.press('Escape');
      expect(b.errors).toEqual([]);
    });

    it("the portal refuses the facility's staff ID (054): shown as the facility's problem, the status bar says misconfigured", async () => {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
      writePortalData({ hoTen: STAFF.hoTen, cccd: '012195009999' });
      try {
        await scanByWedge(page, LEGACY_TE);
        await page.waitForSelector('kiosk-portal-panel[data-portal-state="config"]', { timeout: 30_000 });
        expect(await verdictOf(page)).toEqual({ verdict: 'needs_review', code: 'PORTAL_CONFIG_ERROR' });
        expect(await portalText(page, '[data-portal-title]')).toContain('Lỗi cấu hình của cơ sở, không phải lỗi của người bệnh');
        await page.waitForSelector('kiosk-status-bar >>> [data-portal-health="misconfigured"]');
        await shoot(page, '7-config');
        expect(b.errors).toEqual([]);
      } finally {
        writePortalData(STAFF);
      }
    });

    it('003: the old card expired, the new card number and dates are shown; the card is refused', async () => {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
      await scanByWedge(page, LEGACY_TE);
      await page.waitForSelector('kiosk-portal-panel[data-portal-code="003"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'rejected', code: 'CARD_REPLACED' });
      expect(await portalText(page, '[data-portal-field="newCardNumber"] dd')).toBe('TE1121201234570');
      expect(await portalText(page, '[data-portal-field="newCardValidity"] dd')).toBe('01/07/2026 – 13/02/2029');
      expect(await portalText(page, '[data-portal-field="newCardFacility"] dd')).toBe('12002 — Trạm Y tế xã Sơn Bình');
      expect(await page.$('kiosk-check-in >>> [data-checkin="blocked"]')).not.toBeNull();
      await shoot(page, '8-new-card-003');
    });

    it("070 on a typed-in card: the portal's birth date beside the one entered", async () => {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
      await openManualForm(page);
      await page.keyboard.type(NGUYET.maSoBhxh);
      await page.keyboard.press('Tab');
      await page.keyboard.type(NGUYET.hoTen);
      await page.keyboard.press('Tab');
      await page.keyboard.type('1987');
      await page.keyboard.press('Enter');
      await page.waitForSelector('kiosk-portal-panel[data-portal-code="070"]', { timeout: 30_000 });
      expect(await verdictOf(page)).toEqual({ verdict: 'needs_review', code: 'PORTAL_BIRTH_DATE_MISMATCH' });
      expect(await portalText(page, '[data-mismatch-card]')).toBe('1987');
      expect(await portalText(page, '[data-mismatch-portal]')).toBe('12/05/1988');
      await shoot(page, '9-mismatch-070');
      expect(b.errors).toEqual([]);
    });

    it('signing out while the portal is asked cancels the check and clears the screen', async () => {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
      held.hold();
      await scanByWedge(page, LEGACY_HC);
      await page.waitForSelector('kiosk-portal-panel[data-portal-state="pending"]', { timeout: 30_000 });
      const polls = () =>
        page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/card-checks/')).length);
      await page.click('kiosk-login >>> [data-signed-in] button');
      await page.waitForSelector('kiosk-status-bar >>> [data-user=""]');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
      expect(await page.$('kiosk-portal-panel[data-portal-state]')).toBeNull();
      const after = await polls();
      held.letGo();
      // The held GET (if one was in flight) was aborted: no new poll starts after sign-out.
      await page.waitForSelector('[data-state="idle"]');
      expect(await polls()).toBe(after);
      expect(b.errors).toEqual([]);
    });
  });
});
