/**
 * scan.*: the kiosk's camera path in real Chromium, against its own kiosk service.
 *  - cameraToVerdictMs: fake camera showing a bench card, ≥ 20 clean page loads, scanner start →
 *    verdict painted (the page's performance marks);
 *  - wedgeToVerdictMs: keyboard-wedge burst, Enter keydown → verdict painted;
 *  - decodeRate: generated hard cases (scan-cases.ts) through the kiosk's decoding stack, beside
 *    html5-qrcode's built-in JS decoder, the kiosk's previous stack and the best-effort decoder.
 * Needs the build (dist/server, dist/kiosk-ui). Everything started here is stopped here.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeBenchCard } from './fixtures.js';
import { freePort, serviceNodeFlags, startProcess } from './processes.js';
import { cardFor, cleanFrame, DISTORTIONS, makeScanCases } from '../test-support/scan/scan-cases.js';
import { caseItem, LAB_DECODERS, runDecodeLab, type LabDecoder, type LabOutcome } from '../test-support/scan/scan-lab.js';
import { measureCameraToVerdict, measureWedgeToVerdict } from './scan-latency.js';
import { writeStillY4m } from './scan-y4m.js';
import { median, percentile, round } from './stats.js';
import { writeBenchTrust } from './trust-file.js';

export interface ScanBenchOptions {
  cameraRuns?: number;
  wedgeRuns?: number;
  /** Camera ticks a still code gets in the decode lab (10 a second in the kiosk). */
  ticks?: number;
  log?: (line: string) => void;
}

const rate = (xs: LabOutcome[]) => (xs.length ? round(xs.filter((x) => x.ok).length / xs.length, 3) : NaN);

export async function benchScan(workDir: string, opts: ScanBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`bench: scan: ${line}\n`));
  const dir = join(workDir, 'scan');
  mkdirSync(dir, { recursive: true });
  const card = await makeBenchCard(Date.now());
  const trustFile = writeBenchTrust(dir, card);
  const out: Record<string, unknown> = {};

  // 1. Latency, against a kiosk service of our own.
  const port = await freePort();
  const kiosk = await startProcess({
    entry: [
      ...serviceNodeFlags(),
      'dist/server/main.js',
      '--port',
      String(port),
      '--data-dir',
      join(dir, 'kiosk'),
      '--trust-file',
      trustFile,
      '--trust-refresh',
      '0',
      '--no-demo-accounts',
    ],
    port,
    readyPath: '/api/status',
  });
  try {
    const y4m = writeStillY4m(join(dir, 'card.y4m'), cleanFrame(cardFor(card.qrText, card.jws.length)));
    const cam = await measureCameraToVerdict(kiosk.url, y4m, opts.cameraRuns ?? 20);
    const pick = (k: keyof (typeof cam)[number]) => cam.map((r) => r[k]);
    out.cameraToVerdictMs = {
      p50: round(median(pick('cameraToVerdictMs'))),
      p95: round(percentile(pick('cameraToVerdictMs'), 95)),
      runs: cam.length,
    };
    out.cameraBreakdownMsP50 = {
      cameraStartup: round(median(pick('cameraStartupMs'))),
      runningToDecoded: round(median(pick('runningToDecodedMs'))),
      decodedToVerdict: round(median(pick('decodedToVerdictMs'))),
      pageLoadToVerdict: round(median(pick('pageLoadToVerdictMs'))),
    };
    log(`camera→verdict p50 ${(out.cameraToVerdictMs as { p50: number }).p50} ms`);
    const wedge = await measureWedgeToVerdict(kiosk.url, card.qrText, opts.wedgeRuns ?? 20);
    out.wedgeToVerdictMs = { p50: round(median(wedge), 1), p95: round(percentile(wedge, 95), 1), runs: wedge.length };
    log(`wedge→verdict p50 ${(out.wedgeToVerdictMs as { p50: number }).p50} ms`);
  } finally {
    await kiosk.stop();
  }

  // 2. Decode rate on the hard cases.
  const cases = await makeScanCases(card.signer, card.now);
  const ticks = opts.ticks ?? 8;
  const { outcomes: lab, pageErrors } = await runDecodeLab(cases.map(caseItem), { ticks });
  if (pageErrors.length > 0) throw new Error(`decode lab page errors: ${pageErrors.slice(0, 3).join('; ')}`);
  const by = (d: LabDecoder) => lab.filter((r) => r.decoder === d);
  const decodeRate = rate(by('kiosk'));
  out.decodeRate = decodeRate;
  out.decodeRateByDecoder = Object.fromEntries(LAB_DECODERS.map((d) => [d, rate(by(d))]));
  out.decodeRateByDistortion = Object.fromEntries(
    DISTORTIONS.map((k) => [k, Object.fromEntries(LAB_DECODERS.map((d) => [d, rate(by(d).filter((r) => r.kind === k))]))]),
  );
  out.decodeMisreads = lab.filter((r) => r.misread).length;
  // Main-thread cost of a camera tick that finds nothing (the price of trying harder).
  const idle = (d: LabDecoder) =>
    by(d)
      .filter((r) => !r.ok)
      .map((r) => r.msPerTick);
  out.decodeMsPerEmptyTickP50 = Object.fromEntries(LAB_DECODERS.map((d) => [d, idle(d).length ? round(median(idle(d)), 1) : null]));
  out.decodeCases = {
    count: cases.length,
    ticks,
    perDistortion: Object.fromEntries(DISTORTIONS.map((k) => [k, cases.filter((c) => c.kind === k).length])),
    symbolVersions: [...new Set(cases.map((c) => c.card.modules.version))].sort((a, b) => a - b),
    missedByKiosk: by('kiosk')
      .filter((r) => !r.ok)
      .map((r) => r.id),
  };
  out.decoders = {
    html5qrcodeJs: 'html5-qrcode 2.3.8, built-in JS ZXing port only (useBarCodeDetectorIfSupported: false)',
    kioskBefore: 'html5-qrcode + barcode-detector ponyfill (ZXing C++ wasm, default options), alternating with the JS decoder',
    kiosk: "html5-qrcode + the kiosk's ZxingBarcodeDetector (kiosk-ui/scan/zxing-detector.ts), alternating with the JS decoder",
    best: 'zxing-wasm readBarcodes, every pass (binarisers, blur, 2× upscale, denoise) on the frame and its mirror',
  };
  log(`decode rate kiosk ${decodeRate} (${JSON.stringify(out.decodeRateByDecoder)})`);
  return out;
}
