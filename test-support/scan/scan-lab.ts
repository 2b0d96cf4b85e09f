/**
 * The decode-rate lab: bundles test-support/scan/scan-lab-page.ts (the kiosk's decoding stack), serves it on
 * 127.0.0.1 with the kiosk's ZXing wasm, and runs every hard case through each decoder in one
 * Chromium. Returns per-case results; scan-bench.ts turns them into rates.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchBenchBrowser } from './scan-browser.js';
import { renderCase, type ScanCase } from './scan-cases.js';
import type { GreyFrame } from './scan-render.js';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');

export type LabDecoder = 'html5qrcodeJs' | 'kioskBefore' | 'kiosk' | 'best';
export const LAB_DECODERS: readonly LabDecoder[] = ['html5qrcodeJs', 'kioskBefore', 'kiosk', 'best'];

/** One frame for the lab: `expected` is the text it should read (undefined: it must read nothing). */
export interface LabItem {
  id: string;
  kind: string;
  expected: string | undefined;
  render(): GreyFrame;
}

export const caseItem = (c: ScanCase): LabItem => ({ id: c.id, kind: c.kind, expected: c.card.text, render: () => renderCase(c) });

export interface LabOutcome {
  id: string;
  kind: string;
  /** What was read, if anything. */
  text?: string | undefined;
  decoder: LabDecoder;
  ok: boolean;
  /** Read, but not the card's text (must never happen: a mis-read). */
  misread: boolean;
  tick: number | undefined;
  msPerTick: number;
}

/** The lab page bundle (ESM, browser) built from source, so it always runs the current kiosk decoder code. */
export async function bundleLab(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'test-support/scan/scan-lab-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return out.outputFiles[0]!.text;
}

/** Serves the lab page on a free port until `close()`. */
export async function serveLab(js: string): Promise<{ url: string; close(): Promise<void> }> {
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  const html = '<!doctype html><meta charset="utf-8"><title>scan lab</title><script type="module" src="/lab.js"></script>';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else if (path === '/lab.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (path === '/zxing/zxing_reader.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Runs `items` through `decoders` (html5-qrcode's loop for `ticks` camera ticks; `best` once,
 * exhaustively). Frames are rendered here, in node, and passed to the page as grey bytes.
 * Page errors (a crash in the decoding stack) are returned, not thrown.
 */
export async function runDecodeLab(
  items: readonly LabItem[],
  opts: { decoders?: readonly LabDecoder[]; ticks?: number; onItem?: (o: LabOutcome[]) => void } = {},
): Promise<{ outcomes: LabOutcome[]; pageErrors: string[] }> {
  const decoders = opts.decoders ?? LAB_DECODERS;
  const ticks = opts.ticks ?? 8;
  const server = await serveLab(await bundleLab());
  const b = await launchBenchBrowser();
  const outcomes: LabOutcome[] = [];
  const pageErrors: string[] = [];
  try {
    const page = await b.browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => 'scanLab' in globalThis, { timeout: 20_000 });
    await page.evaluate(() => (globalThis as unknown as { scanLab: { setup(): Promise<void> } }).scanLab.setup());
    for (const item of items) {
      const frame = item.render();
      if (frame.width !== 640 || frame.height !== 480) throw new Error('lab frames are 640×480');
      const grey = Buffer.from(frame.pixels).toString('base64');
      const row: LabOutcome[] = [];
      for (const decoder of decoders) {
        const r = await page.evaluate(
          (d, g, t) =>
            (
              globalThis as unknown as {
                scanLab: { decode(d: string, g: string, t: number): Promise<{ text?: string; tick?: number; msPerTick: number }> };
              }
            ).scanLab.decode(d, g, t),
          decoder,
          grey,
          ticks,
        );
        const text = r.text ?? undefined;
        row.push({
          id: item.id,
          kind: item.kind,
          text,
          decoder,
          ok: item.expected !== undefined && text === item.expected,
          misread: text !== undefined && text !== item.expected,
          tick: r.tick ?? undefined,
          msPerTick: r.msPerTick,
        });
      }
      opts.onItem?.(row);
      outcomes.push(...row);
    }
  } finally {
    await b.close();
    await server.close();
  }
  return { outcomes, pageErrors };
}
