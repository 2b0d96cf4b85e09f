/**
 * The visit category and type at the desk, in real Chromium against the real service: a card
 * registered at this kiosk's facility comes with "1.1" preselected, the receptionist changes it
 * (the selects are reached by Tab from the confirm button), and the check-in carries the chosen
 * codes, which the recorded visit keeps. GET /api/visit-codes is the real route once the service
 * mounts it; until then (404) the page gets the same table from the same module through request
 * interception.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HTTPRequest, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitCodesOn } from '../../server/check-in-record/visit-codes.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { scanByWedge } from '../helpers/wedge.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');

let work: string;
let issuer: TestIssuer;
let desk: Awaited<ReturnType<typeof startTestKiosk>>;
let b: TestBrowser;
let page: Page;
let password = '';
let hereQr: string;
const checkIns: Array<Record<string, unknown>> = [];

const waitForVerdict = (p: Page) =>
  p
    .waitForSelector('kiosk-verdict-panel[data-verdict]', { timeout: 30_000 })
    .then((h) => h!.evaluate((el) => el.getAttribute('data-verdict')));

const selectValue = (p: Page, sel: string) => p.$eval(`kiosk-check-in >>> ${sel}`, (el) => (el as HTMLSelectElement).value);

const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const LONGEST = [...visitCodesOn('2026-11-25').categories].sort((a, b) => b.labelVi.length - a.labelVi.length)[0]!;

/**
 * The category's label and the chosen category's whole text are inside the viewport, not clipped
 * (at both screen sizes; screenshots saved). `code` is chosen first when given.
 */
async function expectWholeCategory(p: Page, label: string, shot: string, code?: string): Promise<void> {
  if (code !== undefined) await (await p.$('kiosk-check-in >>> select[data-visit-category]'))!.select(code);
  for (const size of [
    { width: 1280, height: 800 },
    { width: 800, height: 1280 },
  ]) {
    await p.setViewport(size);
    const box = await p.$eval('kiosk-check-in >>> [data-visit-category-text]', (el) => {
      el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      const fieldLabel = (el.getRootNode() as ShadowRoot).querySelector('label[for="category"]')!.getBoundingClientRect();
      return {
        text: el.textContent.replace(/\s+/g, ' ').trim(),
        clipped: el.scrollWidth > el.clientWidth,
        inside: r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight,
        labelInside: fieldLabel.left >= 0 && fieldLabel.right <= innerWidth && fieldLabel.width > 0,
      };
    });
    expect(box, `${size.width}×${size.height}`).toEqual({
      text: expect.stringContaining(label) as string,
      clipped: false,
      inside: true,
      labelInside: true,
    });
    await p.screenshot({ path: join(SHOTS, `${shot}-${size.width}x${size.height}.png`) });
  }
  await p.setViewport({ width: 1280, height: 800 });
}

/** The element focused inside nested shadow roots. */
const deepFocus = (p: Page) =>
  p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), name: el.getAttribute('name') } : null;
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kiosk-e2e-codes-'));
  const uiDir = await builtKioskUi();
  issuer = await makeTestIssuer({ now: NOW });
  let notice = '';
  desk = await startTestKiosk({
    trustFile: issuer.trustFile,
    flags: ['--demo-accounts'],
    service: { uiDir, print: (t: string) => void (notice += t) },
  });
  password = /le-tan\s+receptionist\s+(\S+)/.exec(notice)?.[1] ?? '';
  hereQr = (await issuer.issue({ registeredFacility: desk.config.facility })).qrText;

  // The real route answers 401 without a session; 404 means it is not mounted yet.
  const mounted = (await fetch(`${desk.url}/api/visit-codes`)).status !== 404;
  b = await launchBrowser();
  page = await b.newPage({ width: 1280, height: 800 });
  if (!mounted) {
    await page.setRequestInterception(true);
    page.on('request', (req: HTTPRequest) => {
      if (req.isInterceptResolutionHandled()) return;
      if (new URL(req.url()).pathname === '/api/visit-codes') {
        void req.respond({ status: 200, contentType: 'application/json', body: JSON.stringify(visitCodesOn(NOW)) });
      } else void req.continue();
    });
  }
  page.on('request', (req: HTTPRequest) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/check-ins') checkIns.push(JSON.parse(req.postData() ?? '{}'));
  });
  await page.goto(`${desk.url}/?clear=600`, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await b?.close();
  await desk?.close();
  await issuer?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('desk: visit category and type before confirming', () => {
  it('signs in', async () => {
    expect(password).not.toBe('');
    await page.click('kiosk-login >>> input[name="username"]');
    await page.keyboard.type('le-tan', { delay: 10 });
    await page.keyboard.press('Tab');
    await page.keyboard.type(password, { delay: 10 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('kiosk-login >>> [data-signed-in="le-tan"]');
  });

  it('a card registered here → "1.1" preselected, type 01, both after the confirm button in Tab order', async () => {
    await scanByWedge(page, hereQr);
    expect(await waitForVerdict(page)).toBe('accepted');
    await page.waitForSelector('kiosk-check-in >>> select[data-visit-category]');
    expect(await selectValue(page, 'select[data-visit-category]')).toBe('1.1');
    expect(await selectValue(page, 'select[data-visit-type]')).toBe('01');
    const text = await page.$eval('kiosk-check-in >>> select[data-visit-category] option:checked', (el) => el.textContent?.trim() ?? '');
    expect(text).toMatch(/^1\.1 · Đúng tuyến, nơi đăng ký KCB ban đầu/);
    // #13: the whole label is on screen at 1280×800 and 800×1280 (the field's name and the
    // chosen category's words, however long), nothing cut off.
    await expectWholeCategory(page, 'Đúng tuyến, nơi đăng ký KCB ban đầu (đề xuất)', 'visit-codes-1.1');
    await page.focus('kiosk-check-in >>> [data-action="check-in"]');
    await page.keyboard.press('Tab');
    expect(await deepFocus(page)).toEqual({ tag: 'select', name: 'visitCategory' });
    await page.keyboard.press('Tab');
    expect(await deepFocus(page)).toEqual({ tag: 'select', name: 'visitType' });
  });

  it('changed by the receptionist → the check-in carries the chosen codes', async () => {
    const category = await page.$('kiosk-check-in >>> select[data-visit-category]');
    await category!.select('3.3');
    const type = await page.$('kiosk-check-in >>> select[data-visit-type]');
    await type!.select('02');
    await expectWholeCategory(page, LONGEST.labelVi, 'visit-codes-longest', LONGEST.code);
    await category!.select('3.3');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/check-ins');
    await page.click('kiosk-check-in >>> [data-action="check-in"]');
    const res = await answer;
    const outcome = await page
      .waitForSelector('kiosk-check-in >>> [data-checkin-outcome]')
      .then((h) => h!.evaluate((el) => el.getAttribute('data-checkin-outcome')));
    expect(outcome).toBe('done');
    expect(checkIns.at(-1)).toMatchObject({ qr: hereQr, visitCategory: '3.3', visitType: '02' });
    // The recorded visit says what was chosen.
    const body = (await res.json()) as { visit: { visitType: string; visitCategory?: string } };
    expect(body.visit).toMatchObject({ visitType: '02', visitCategory: '3.3' });
    expect(b.errors).toEqual([]);
  });
});
