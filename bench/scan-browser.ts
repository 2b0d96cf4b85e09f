/**
 * Chromium for the scanning benchmark (Debian's /usr/bin/chromium): a fresh profile per launch,
 * removed on close; optionally a fake camera showing a Y4M file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BenchBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBenchBrowser(opts: { fakeVideo?: string } = {}): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'bhyt-scan-chromium-'));
  const args = [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    `--user-data-dir=${profile}`,
  ];
  if (opts.fakeVideo) args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${opts.fakeVideo}`);
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args, protocolTimeout: 120_000 });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
