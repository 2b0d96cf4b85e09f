/**
 * Scan-to-verdict latency in real Chromium against a running kiosk service, read from the page's
 * own performance marks (kiosk-ui: bhyt:camera-start, bhyt:camera-running, bhyt:camera-decoded,
 * bhyt:verdict-painted — the last one a task after the frame that shows the verdict).
 */
import type { Page } from 'puppeteer';
import { launchBenchBrowser } from '../test-support/scan/scan-browser.js';

export interface CameraRun {
  /** scanner.start() called → verdict painted. */
  cameraToVerdictMs: number;
  /** scanner.start() called → camera running (getUserMedia, video playing). */
  cameraStartupMs: number;
  /** camera running → code read. */
  runningToDecodedMs: number;
  /** code read → verdict painted (POST /api/verify, render, paint). */
  decodedToVerdictMs: number;
  /** navigation start → verdict painted (page load included). */
  pageLoadToVerdictMs: number;
}

type Marks = Record<string, number>;

const readMarks = (page: Page) =>
  page.evaluate(
    () =>
      Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('bhyt:'))
          .map((m) => [m.name, m.startTime]),
      ) as Record<string, number>,
  );

const paintedCount = (page: Page) => page.evaluate(() => performance.getEntriesByName('bhyt:verdict-painted').length);

async function waitForPaintedCount(page: Page, n: number, timeout: number): Promise<void> {
  await page.waitForFunction(
    (k: number) => performance.getEntriesByName('bhyt:verdict-painted').length >= k,
    { timeout, polling: 'raf' },
    n,
  );
}

/**
 * `runs` page loads with the fake camera showing `y4m` (a card): each load is a clean start
 * (new page state, camera started afresh, nothing remembered).
 */
export async function measureCameraToVerdict(
  kioskUrl: string,
  y4m: string,
  runs: number,
  onRun?: (r: CameraRun) => void,
): Promise<CameraRun[]> {
  const b = await launchBenchBrowser({ fakeVideo: y4m });
  const out: CameraRun[] = [];
  try {
    const page = await b.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    // One warm-up load: the first one compiles the wasm and fills the HTTP cache, as a kiosk left running has.
    for (let i = 0; i <= runs; i++) {
      await page.goto(`${kioskUrl}/?clear=600`, { waitUntil: 'domcontentloaded' });
      await waitForPaintedCount(page, 1, 20_000);
      const m: Marks = await readMarks(page);
      const start = m['bhyt:camera-start'];
      const running = m['bhyt:camera-running'];
      const decoded = m['bhyt:camera-decoded'];
      const painted = m['bhyt:verdict-painted'];
      if (start === undefined || running === undefined || decoded === undefined || painted === undefined)
        throw new Error(`missing marks: ${Object.keys(m).join(', ')}`);
      const verdict = await page.$eval('kiosk-verdict-panel', (el) => el.getAttribute('data-verdict'));
      if (verdict !== 'accepted') throw new Error(`camera run: verdict ${verdict}, expected accepted (is the bench issuer trusted?)`);
      if (i === 0) continue;
      const run = {
        cameraToVerdictMs: painted - start,
        cameraStartupMs: running - start,
        runningToDecodedMs: decoded - running,
        decodedToVerdictMs: painted - decoded,
        pageLoadToVerdictMs: painted,
      };
      onRun?.(run);
      out.push(run);
    }
  } finally {
    await b.close();
  }
  return out;
}

/**
 * Keyboard wedge: the card text arrives as a burst of key events a scanner would send (synthetic
 * keydowns, ~0 ms apart, dispatched in the page), then a real Enter (CDP) ends it. Measured from
 * that Enter's keydown (its event time) to the verdict painted. Esc clears the screen between runs.
 */
export async function measureWedgeToVerdict(kioskUrl: string, qrText: string, runs: number): Promise<number[]> {
  const b = await launchBenchBrowser(); // no camera: only the wedge can produce a verdict
  const out: number[] = [];
  try {
    const page = await b.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(`${kioskUrl}/?clear=600`, { waitUntil: 'load' });
    await page.waitForSelector('bhyt-kiosk-app');
    await page.evaluate(() => {
      const w = window as unknown as { __enterAt: number[] };
      w.__enterAt = [];
      window.addEventListener('keydown', (e) => e.key === 'Enter' && w.__enterAt.push(e.timeStamp), true);
    });
    for (let i = 0; i <= runs; i++) {
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('kiosk-verdict-panel[data-verdict]'), { timeout: 5_000 });
      const before = await paintedCount(page);
      await page.evaluate((text: string) => {
        for (const ch of text) document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ch, bubbles: true, composed: true }));
      }, qrText);
      await page.keyboard.press('Enter');
      await waitForPaintedCount(page, before + 1, 10_000);
      const ms = await page.evaluate(() => {
        const enter = (window as unknown as { __enterAt: number[] }).__enterAt.at(-1)!;
        const painted = performance.getEntriesByName('bhyt:verdict-painted').at(-1)!.startTime;
        return painted - enter;
      });
      if (i > 0) out.push(ms); // the first run warms up the path
    }
  } finally {
    await b.close();
  }
  return out;
}
