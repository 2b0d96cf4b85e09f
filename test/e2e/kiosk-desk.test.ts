/**
 * The kiosk screen as a receptionist with a queue lives it (issue #13, items 1–3, 7, 8 and the
 * accessibility check): nobody is dropped by the next scan ("chưa tiếp nhận" tray with a one-key
 * check-in), Enter confirms an accepted card and the keyboard sits on the next action, no
 * auto-clear of an undecided card (a long idle moves it to the tray, with a visible countdown),
 * roles see only what they can do, the login form fits, the status text matches its dot, the DEMO
 * banner outlives the service, recent visits are masked until revealed, a favicon, and axe-core
 * (WCAG 2.1 A/AA) finds nothing in each state. Real Chromium, real service, keyboard wedge.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { demoLegacyPerson, idCardQrText } from '../../server/issuer/demo-legacy.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { scanByWedge } from '../helpers/wedge.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const LANDSCAPE = { width: 1280, height: 800 };
const PORTRAIT = { width: 800, height: 1280 };
const LEGACY_QR =
  'HC4121201234567|4e677579e1bb856e20c490e1bba96320546869e1bb876e|20/03/1990|1|53e1bb91203130204e67c3b520313332205472e1baa76e2048c6b06e6720c490e1baa16f2c205068c6b0e1bb9d6e6720c4906fc3a06e204be1babf742c205468c3a06e68207068e1bb91204c6169204368c3a275|12 - 001|01/01/2026|31/12/2026|15/12/2025|12011201234567|-|4|01/01/2028|0a1b2c3d4e5f6071-6202|$';

let work: string;
let uiDir: string;
let issuer: TestIssuer;
let desk: Awaited<ReturnType<typeof startTestKiosk>>;
const passwords: Record<string, string> = {};
const qr: Record<'a' | 'b' | 'c' | 'd' | 'e', string> = { a: '', b: '', c: '', d: '', e: '' };
const NAMES = { a: 'Nguyễn Đức Thiện', b: 'Trần Thị Mai', c: 'Lê Văn Hùng', d: 'Phạm Thu Hà', e: 'Đỗ Minh Quân' };

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewport(LANDSCAPE);
  await page.screenshot({ path: join(SHOTS, `desk-${name}-landscape.png`) });
  await page.setViewport(PORTRAIT);
  await page.screenshot({ path: join(SHOTS, `desk-${name}-portrait.png`) });
  await page.setViewport(LANDSCAPE);
}

/** The tray is on screen without scrolling, at 1280×800 and at 800×1280 (#13: not below the fold). */
async function expectTrayInView(page: Page, state: string): Promise<void> {
  for (const size of [LANDSCAPE, PORTRAIT]) {
    await page.setViewport(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.$eval('kiosk-pending-tray >>> section[data-tray]', (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, scrollY: window.scrollY };
    });
    const where = `${state} at ${size.width}×${size.height}: ${JSON.stringify(box)}`;
    expect(box.top, where).toBeGreaterThanOrEqual(0);
    expect(box.left, where).toBeGreaterThanOrEqual(0);
    expect(box.bottom, where).toBeLessThanOrEqual(size.height);
    expect(box.right, where).toBeLessThanOrEqual(size.width);
  }
  await page.setViewport(LANDSCAPE);
}

const verdictOf = (page: Page) => page.evaluate(() => document.querySelector('kiosk-verdict-panel')?.getAttribute('data-verdict') ?? null);

async function wedge(page: Page, text: string, verdict: string): Promise<void> {
  // The scan goes to the page, not to whatever field had the keyboard.
  await scanByWedge(page, text);
  await page.waitForFunction(
    (v: string) =>
      document.querySelector('kiosk-verdict-panel')?.getAttribute('data-verdict') === v &&
      !document.querySelector('[data-state="checking"]'),
    { timeout: 30_000 },
    verdict,
  );
}

const outcome = (page: Page) =>
  page
    .waitForSelector('kiosk-check-in >>> [data-checkin-outcome]', { timeout: 30_000 })
    .then((h) => h!.evaluate((el) => el.getAttribute('data-checkin-outcome')));

/** The desk's visits (names), newest first, as the receptionist's own session reads them. */
const visitNames = (page: Page) =>
  page.evaluate(async () => {
    const r = await fetch('/api/visits/recent?limit=50');
    const body = (await r.json()) as { items: Array<{ card?: { fullName?: string } }> };
    return body.items.map((v) => v.card?.fullName ?? '');
  });

async function signIn(page: Page, username: string): Promise<void> {
  await page.waitForSelector('kiosk-login >>> input[name="username"]');
  await page.click('kiosk-login >>> input[name="username"]');
  await page.keyboard.type(username, { delay: 5 });
  await page.keyboard.press('Tab');
  await page.keyboard.type(passwords[username]!, { delay: 5 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`kiosk-login >>> [data-signed-in="${username}"]`);
  // Sign-in leaves the keyboard on the page, ready for the scanner.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function expectNoAxe(page: Page, state: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${state}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kiosk-desk-'));
  uiDir = await builtKioskUi();
  issuer = await makeTestIssuer({ now: NOW, demo: true });
  const numbers = { a: 'DN4121201234567', b: 'DN4121209876543', c: 'DN4121205550001', d: 'DN4121205550002', e: 'DN4121205550003' };
  for (const k of Object.keys(qr) as Array<keyof typeof qr>) {
    qr[k] = (await issuer.issue({ fullName: NAMES[k], cardNumber: numbers[k] })).qrText;
  }
  let notice = '';
  desk = await startTestKiosk({
    trustFile: issuer.trustFile,
    flags: ['--demo-accounts'],
    service: { uiDir, print: (t: string) => void (notice += t) },
  });
  for (const m of notice.matchAll(/^ {2}(\S+) +(?:receptionist|auditor|admin) +(\S+)$/gm)) passwords[m[1]!] = m[2]!;
}, 120_000);

afterAll(async () => {
  await desk?.close().catch(() => undefined);
  await issuer?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kiosk desk: a receptionist with a queue', () => {
  let b: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    b = await launchBrowser();
    page = await b.newPage(LANDSCAPE);
    await page.goto(`${desk.url}/?clear=600`, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('login state: the form fits 1280×800 and 800×1280, the status text says connected, a favicon; axe finds nothing', async () => {
    await page.waitForSelector('kiosk-login >>> form');
    await page.waitForSelector('kiosk-status-bar >>> [data-service="up"]');
    for (const vp of [LANDSCAPE, PORTRAIT]) {
      await page.setViewport(vp);
      const box = await page.$eval('kiosk-login >>> form', (el) => {
        const r = el.getBoundingClientRect();
        return { bottom: r.bottom + window.scrollY, right: r.right, page: document.documentElement.scrollHeight };
      });
      expect(box.bottom, `login form bottom at ${vp.width}×${vp.height}`).toBeLessThanOrEqual(vp.height);
      expect(box.right).toBeLessThanOrEqual(vp.width);
    }
    await page.setViewport(LANDSCAPE);
    expect(await page.$eval('kiosk-status-bar >>> [data-service="up"]', (el) => el.textContent?.trim())).toBe('Máy chủ: đã kết nối');
    const icon = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
      const r = await fetch(href);
      return { ok: r.ok, type: r.headers.get('content-type') ?? '', data: href.startsWith('data:') };
    });
    expect(icon).toMatchObject({ ok: true, data: false });
    expect(icon.type).toContain('image/svg+xml');
    await shoot(page, 'login');
    await expectNoAxe(page, 'login');
  });

  it('item 6: a scanner burst while the username field has focus is a scan, not typing in the field', async () => {
    await page.click('kiosk-login >>> input[name="username"]');
    await page.keyboard.type('ab', { delay: 150 });
    // The receptionist stopped typing a moment before the scan.
    await new Promise((r) => setTimeout(r, 400));
    await wedge(page, qr.a, 'accepted');
    expect(await page.$eval('kiosk-login >>> input[name="username"]', (el) => el.value)).toBe('ab');
    await page.keyboard.press('Escape');
    await page.$eval('kiosk-login >>> input[name="username"]', (el) => (el.value = ''));
  });

  it('item 1: the next scan keeps the unconfirmed patient in the "chưa tiếp nhận" tray; one key checks them in', async () => {
    await signIn(page, 'le-tan');
    await expectNoAxe(page, 'idle, signed in');
    await wedge(page, qr.a, 'accepted');
    // Not confirmed: the next patient's card.
    await wedge(page, qr.b, 'accepted');
    await page.waitForSelector('kiosk-pending-tray >>> [data-tray-item]');
    const tray = await page.$eval('kiosk-pending-tray', (el) => el.shadowRoot!.textContent ?? '');
    expect(tray).toContain(NAMES.a);
    expect(tray).toContain('Chưa tiếp nhận (1)');
    expect(await page.$eval('kiosk-verdict-panel >>> [data-field="fullName"]', (el) => el.textContent?.trim())).toBe(NAMES.b);
    await shoot(page, 'tray');
    await expectTrayInView(page, 'a verdict on screen');
    await expectNoAxe(page, 'accepted with the tray');
    // One key: the tray's "Tiếp nhận" for the first patient.
    await page.focus('kiosk-pending-tray >>> [data-action="tray-confirm"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('kiosk-pending-tray')?.shadowRoot?.querySelector('[data-tray-item]'));
    expect(await visitNames(page)).toEqual([NAMES.a]);
    // B is still on the main panel, still to be confirmed.
    expect(await verdictOf(page)).toBe('accepted');
  });

  it('item 2: Enter confirms an accepted card; the keyboard then sits on "next card"', async () => {
    // After the scan the confirm button has the keyboard.
    await wedge(page, qr.c, 'accepted');
    await page.waitForFunction(() => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a?.getAttribute('data-action') === 'check-in';
    });
    // For 100 ms after a scan an Enter is the scanner's CR LF tail (swallowed); a person's comes later.
    await new Promise((r) => setTimeout(r, 200));
    await page.keyboard.press('Enter');
    expect(await outcome(page)).toBe('done');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-action') === 'new-scan');
    await expectNoAxe(page, 'accepted, checked in');
    // B went to the tray when C was scanned: still there, not lost.
    expect(await page.$eval('kiosk-pending-tray', (el) => el.shadowRoot!.textContent ?? '')).toContain(NAMES.b);
    expect((await visitNames(page))[0]).toBe(NAMES.c);
    // Enter with nothing focused confirms too.
    await wedge(page, qr.d, 'accepted');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await new Promise((r) => setTimeout(r, 200));
    await page.keyboard.press('Enter');
    expect(await outcome(page)).toBe('done');
    expect((await visitNames(page))[0]).toBe(NAMES.d);
  });

  it('items 3 and 1: a review is never wiped by the clear; a long idle moves an undecided card to the tray, with a warning', async () => {
    const p = await b.newPage(LANDSCAPE);
    try {
      await p.goto(`${desk.url}/?clear=1`, { waitUntil: 'load' });
      await p.waitForSelector('kiosk-login >>> [data-signed-in="le-tan"]');
      await wedge(p, LEGACY_QR, 'needs_review');
      // The review's first tick has the keyboard.
      await p.waitForFunction(
        () => document.querySelector('kiosk-check-in')?.shadowRoot?.activeElement?.getAttribute('data-review') === 'ID_SEEN',
      );
      await p.keyboard.press('Space');
      // The clear time (1 s) passes several times over: the review stays, its tick too.
      await p.evaluate(() => new Promise((r) => setTimeout(r, 3000)));
      expect(await verdictOf(p)).toBe('needs_review');
      expect(await p.$eval('kiosk-check-in >>> [data-review="ID_SEEN"]', (el) => (el as HTMLInputElement).checked)).toBe(true);
      await expectNoAxe(p, 'review open');
      await shoot(p, 'review-open');
      // Untick: nothing decided; the countdown says where the card goes, and it goes to the tray.
      await p.keyboard.press('Space');
      await p.waitForFunction(
        () => (document.querySelector('kiosk-verdict-panel')?.shadowRoot?.textContent ?? '').includes('chuyển vào danh sách chờ sau'),
        { timeout: 5000 },
      );
      await p.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'), { timeout: 20_000 });
      await p.waitForSelector('kiosk-pending-tray >>> [data-tray-item][data-verdict="needs_review"]');
      // A needs-review card reopens on the main panel (its ticks are needed there).
      await p.click('kiosk-pending-tray >>> [data-tray-item][data-verdict="needs_review"] [data-action="tray-open"]');
      await p.waitForFunction(() => document.querySelector('kiosk-verdict-panel')?.getAttribute('data-verdict') === 'needs_review');
      expect(b.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('a decided card still clears after the short time; Esc keeps an undecided one in the tray', async () => {
    await page.keyboard.press('Escape');
    await wedge(page, qr.e, 'accepted');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'));
    expect(await page.$eval('kiosk-pending-tray', (el) => el.shadowRoot!.textContent ?? '')).toContain(NAMES.e);
    await expectTrayInView(page, 'idle');
    await shoot(page, 'tray-idle');
    await page.click('kiosk-pending-tray >>> [data-action="tray-dismiss"]');
    await page.click('kiosk-pending-tray >>> [data-action="tray-dismiss"]');
    await page.waitForFunction(() => !document.querySelector('kiosk-pending-tray')?.shadowRoot?.querySelector('[data-tray-item]'));
  });

  it('#13 item 3, no portal: a wedge-typed chip ID card is checked in on its ID number and birth date; the garbled name is neither shown nor recorded', async () => {
    const person = demoLegacyPerson(NOW);
    const idQr = idCardQrText(person);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await scanByWedge(page, idQr);
    await page.waitForSelector('[data-warning="WEDGE_ID_CARD"]', { timeout: 30_000 });
    const name = await page.$eval('kiosk-verdict-panel >>> [data-field="fullName"]', (el) => ({
      from: el.getAttribute('data-name-from'),
      text: el.textContent.replace(/\s+/g, ' ').trim(),
    }));
    expect(name.from).toBe('unreadable');
    expect(name.text).toMatch(/^Không đọc được họ tên/);
    // The service's card check (portal off) holds the card without the name; the check-in takes it.
    await page.waitForSelector('kiosk-check-in >>> [data-review]');
    for (const box of await page.$$('kiosk-check-in >>> [data-review]')) await box.click();
    await page.click('kiosk-check-in >>> [data-action="check-in"]');
    expect(await outcome(page)).toBe('done');
    const visit = await page.evaluate(async () => {
      const r = await fetch('/api/visits/recent?limit=1');
      return ((await r.json()) as { items: Array<{ cardCheckId?: string; card?: Record<string, unknown> }> }).items[0]!;
    });
    expect(visit.cardCheckId).toEqual(expect.any(String));
    expect(visit.card).toMatchObject({ idNumber: person.cccd, nameFrom: 'unreadable' });
    expect(visit.card?.fullName).toBeUndefined();
    expect(JSON.stringify(visit)).not.toContain('Phm Th');
    await page.keyboard.press('Escape');
  });

  it('item 8: recent visits are masked until revealed', async () => {
    await page.click('kiosk-recent-visits >>> summary');
    await page.waitForSelector('kiosk-recent-visits >>> li[data-visit-id]');
    const masked = await page.$eval('kiosk-recent-visits', (el) => el.shadowRoot!.textContent ?? '');
    for (const n of [NAMES.a, NAMES.c, NAMES.d]) expect(masked).not.toContain(n);
    expect(masked).not.toContain('DN4121201234567');
    expect(masked).not.toContain('20/03/1990');
    await expectNoAxe(page, 'recent visits, masked');
    await page.click('kiosk-recent-visits >>> [data-action="recent-reveal"]');
    const shown = await page.$eval('kiosk-recent-visits', (el) => el.shadowRoot!.textContent ?? '');
    expect(shown).toContain(NAMES.a);
    expect(shown).toContain('DN4121201234567');
    await shoot(page, 'recent-revealed');
    await page.click('kiosk-recent-visits >>> summary');
  });

  it('item 7: an admin is not offered "Xác nhận tiếp nhận"; an auditor neither', async () => {
    for (const user of ['quan-tri', 'kiem-toan']) {
      await page.click('kiosk-login >>> button.secondary');
      await signIn(page, user);
      await wedge(page, qr.a, 'accepted');
      expect(await page.$('kiosk-check-in >>> [data-action="check-in"]')).toBeNull();
      expect(await page.$('kiosk-check-in >>> [data-checkin="role-cannot"]')).not.toBeNull();
      expect(await page.$('kiosk-pending-tray >>> [data-tray]')).toBeNull();
      await expectNoAxe(page, `accepted as ${user}`);
      await page.keyboard.press('Escape');
    }
    await shoot(page, 'admin-accepted');
  });

  it('axe: each verdict (accepted, needs review, rejected) and signed out', async () => {
    await page.click('kiosk-login >>> button.secondary');
    await page.waitForSelector('kiosk-login >>> form');
    await wedge(page, qr.a, 'accepted');
    await expectNoAxe(page, 'accepted, signed out');
    await page.keyboard.press('Escape');
    await wedge(page, LEGACY_QR, 'needs_review');
    await expectNoAxe(page, 'needs review, signed out');
    await page.keyboard.press('Escape');
    const bad = `${qr.a.slice(0, -6)}000000`;
    await wedge(page, bad, 'rejected');
    await expectNoAxe(page, 'rejected');
    await page.click('button[lang="en"]');
    await expectNoAxe(page, 'rejected, English');
    await page.click('button[lang="vi"]');
    await page.keyboard.press('Escape');
  });

  it('item 6: a chip ID-card QR typed by a wedge is flagged: its accented letters are lost, match on the ID number and birth date', async () => {
    const idQr = idCardQrText(demoLegacyPerson(NOW));
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await scanByWedge(page, idQr);
    await page.waitForSelector('[data-warning="WEDGE_ID_CARD"]', { timeout: 30_000 });
    expect(await page.$eval('[data-warning="WEDGE_ID_CARD"]', (el) => el.textContent)).toContain('số CCCD và ngày sinh');
    await shoot(page, 'wedge-id-card');
    await expectNoAxe(page, 'wedge ID card');
    await page.keyboard.press('Escape');
    // Pasted (the text intact): no warning.
    await page.evaluate((text: string) => {
      void document.querySelector('bhyt-kiosk-app')!.handleScan({ text, source: 'paste' });
    }, idQr);
    await page.waitForSelector('kiosk-verdict-panel[data-verdict]');
    expect(await page.$('[data-warning="WEDGE_ID_CARD"]')).toBeNull();
    await page.keyboard.press('Escape');
  });

  it('item 8: the DEMO banner stays while the service is down', async () => {
    await page.waitForSelector('kiosk-status-bar >>> [data-warning="DEMO_KEYS"]');
    await desk.close();
    await page.evaluate(() => document.querySelector('kiosk-status-bar')!.poll());
    await page.waitForSelector('kiosk-status-bar >>> [data-service="down"]');
    expect(await page.$('kiosk-status-bar >>> [data-warning="DEMO_KEYS"]')).not.toBeNull();
    await shoot(page, 'service-down-demo');
    await expectNoAxe(page, 'service down');
  });
});
