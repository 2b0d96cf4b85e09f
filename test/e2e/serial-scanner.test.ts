/**
 * #13: the USB serial scanner, end to end in real Chromium. A pair of linked pseudo-terminals
 * (socat) stands in for the scanner in CDC/ACM mode: the service reads one end
 * (KIOSK_SCANNER_DEVICE, here --scanner-device), the test writes a scan into the other, and the
 * signed-in receptionist's screen (GET /api/scanner/events, server-sent events) shows its
 * verdict: a signed card, then a chip ID card whose Vietnamese name arrives intact (no wedge
 * warning, the name shown as the card's). Screenshots at 1280×800 and 800×1280; axe: none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { ACCOUNTS, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { builtKioskUi } from '../helpers/kiosk-ui-build.js';

const SHOTS = resolve(process.cwd(), 'test-artifacts/screenshots');
const dir = mkdtempSync(join(tmpdir(), 'kiosk-serial-e2e-'));
const SCANNER = join(dir, 'ttyScanner');
const WRITER = join(dir, 'ttyTest');
const ID_CARD = '001190012345|123456789|Nguyễn Đức Thiện|20031990|Nam|Số 10 Ngõ 132 Trần Hưng Đạo, Hà Nội|15122021';

let socat: ChildProcess;
let k: LogKiosk;
let tb: TestBrowser;
let page: Page;

async function until(what: string, f: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const verdict = () =>
  page.evaluate(() => {
    const panel = document.querySelector('kiosk-verdict-panel');
    const name = panel?.shadowRoot?.querySelector('[data-field="fullName"]');
    return {
      verdict: panel?.getAttribute('data-verdict') ?? null,
      code: panel?.getAttribute('data-code') ?? null,
      name: name?.textContent?.trim() ?? null,
      nameFrom: name?.getAttribute('data-name-from') ?? null,
    };
  });

/**
 * Writes one scan (CR LF terminated, as scanners send) into the scanner's pty until the screen
 * shows `code` — the first write may land before the service has the port open or the screen its stream.
 */
async function scan(text: string, code: string): Promise<void> {
  let last = '';
  await until(`the verdict ${code} of a serial scan`, async () => {
    const v = await verdict();
    if (v.code === code) return true;
    if (last !== text || v.code === null) {
      writeFileSync(WRITER, `${text}\r\n`);
      last = text;
    }
    await page
      .waitForFunction(
        (c: string) => document.querySelector('kiosk-verdict-panel')?.getAttribute('data-code') === c,
        { timeout: 2000 },
        code,
      )
      .catch(() => undefined);
    return (await verdict()).code === code;
  });
}

async function shoot(name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const size of [
    { width: 1280, height: 800 },
    { width: 800, height: 1280 },
  ]) {
    await page.setViewport(size);
    await page.screenshot({ path: join(SHOTS, `serial-${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewport({ width: 1280, height: 800 });
}

beforeAll(async () => {
  const uiDir = await builtKioskUi();
  socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${SCANNER}`, `pty,raw,echo=0,link=${WRITER}`], { stdio: 'ignore' });
  await until('the linked pseudo-terminals', () => existsSync(SCANNER) && existsSync(WRITER));
  k = await startLogKiosk({ flags: ['--scanner-device', SCANNER], service: { uiDir } });
  tb = await launchBrowser();
  page = await tb.newPage({ width: 1280, height: 800 });
  // Signed in as the receptionist (the scanner's scans go to a receptionist's screen only).
  await page.goto(`${k.url}/api/status`);
  const status = await page.evaluate(
    (username: string, password: string) =>
      fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.status),
    ACCOUNTS.receptionist.username,
    PASSWORD,
  );
  expect(status).toBe(200);
  await page.goto(`${k.url}/?clear=600`, { waitUntil: 'load' });
  await page.waitForSelector(`kiosk-login >>> [data-signed-in="${ACCOUNTS.receptionist.username}"]`);
}, 120_000);

afterAll(async () => {
  await tb?.close();
  await k?.close();
  socat?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('the USB serial scanner on the kiosk screen', () => {
  it('a signed card written into the scanner’s pty → HỢP LỆ on the screen, no key pressed', async () => {
    const card = await k.card(1);
    await scan(card, 'OK');
    expect(await verdict()).toMatchObject({ verdict: 'accepted', code: 'OK', nameFrom: 'card' });
    await shoot('signed');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a chip ID card: its Vietnamese name arrives intact (no wedge warning), shown as the card’s', async () => {
    await scan(ID_CARD, 'ID_CARD_PRESENTED');
    expect(await verdict()).toEqual({ verdict: 'needs_review', code: 'ID_CARD_PRESENTED', name: 'Nguyễn Đức Thiện', nameFrom: 'card' });
    expect(await page.$('[data-warning="WEDGE_ID_CARD"]')).toBeNull();
    expect(await page.$eval('kiosk-verdict-panel >>> [data-field="idNumber"] dd', (el) => el.textContent)).toBe('001190012345');
    await shoot('id-card');
    expect(await axeViolations(page)).toEqual([]);
    expect(tb.errors).toEqual([]);
  });
});
