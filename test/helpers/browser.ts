/**
 * Real Chromium for the kiosk screen's end-to-end tests (Debian's /usr/bin/chromium; puppeteer's
 * own download is disabled). Each browser gets a fresh profile, removed on close, and optionally
 * a fake camera showing a Y4M file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { CHROMIUM_PATH, chromiumArgs } from '../../test-support/chromium.js';

export const CHROMIUM = CHROMIUM_PATH;

export interface TestBrowser {
  browser: Browser;
  /** Uncaught page errors and console errors seen so far (a crash shows up here). */
  errors: string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { fakeVideo?: string } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-'));
  const args = chromiumArgs(profile, opts);
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args, protocolTimeout: 60_000 });
  const errors: string[] = [];
  return {
    browser,
    errors,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const page = await browser.newPage();
      await page.setViewport(viewport);
      page.on('pageerror', (e) => errors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
      page.on('console', (m) => {
        // 401 from GET /api/session (not signed in) is logged by Chromium as a failed resource: expected.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
      });
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
