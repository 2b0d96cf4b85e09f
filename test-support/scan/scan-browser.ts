/**
 * Chromium for the scanning benchmark (Debian's /usr/bin/chromium): a fresh profile per launch,
 * removed on close; optionally a fake camera showing a Y4M file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { CHROMIUM_PATH, chromiumArgs } from '../chromium.js';

export const CHROMIUM = CHROMIUM_PATH;

export interface BenchBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBenchBrowser(opts: { fakeVideo?: string } = {}): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'bhyt-scan-chromium-'));
  const args = chromiumArgs(profile, opts);
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args, protocolTimeout: 120_000 });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
