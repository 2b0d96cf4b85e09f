/**
 * Browser side of the scanning benchmark (bundled by test-support/scan/scan-lab.ts, run in Chromium): the
 * kiosk's decoding stack on still frames. For html5-qrcode it drives the library's own decoder
 * object (the one its camera loop calls) exactly as Html5Qrcode.foreverScan does — draw the frame
 * into a canvas, decode, on failure decode again (the "flip" retry, which only takes effect on the
 * next draw) — for a number of camera ticks; so the rate is what the camera path gets from a code
 * held still in front of it for that long.
 */
import { BarcodeDetector as PonyfillDetector, prepareZXingModule as preparePonyfill } from 'barcode-detector/ponyfill';
import { Html5Qrcode } from 'html5-qrcode';
import { SCAN_START_CONFIG, SCANNER_CONFIG } from '../../kiosk-ui/scan/scanner-config.js';
import { installBarcodeDetector } from '../../kiosk-ui/scan/barcode-polyfill.js';
import { KIOSK_DECODE_PLAN, ZxingBarcodeDetector, ZXING_WASM_PATH, type DecodePlan } from '../../kiosk-ui/scan/zxing-detector.js';

interface Shim {
  decodeAsync(canvas: HTMLCanvasElement): Promise<{ text: string }>;
}

export type LabDecoder = 'html5qrcodeJs' | 'kioskBefore' | 'kiosk' | 'best';

export interface LabResult {
  text: string | undefined;
  /** Camera ticks until the code was read (1-based), or undefined. */
  tick: number | undefined;
  /** Mean ms per tick spent decoding (all ticks run when nothing was read). */
  msPerTick: number;
}

const W = 640;
const H = 480;
const region = document.createElement('div');
document.body.append(region);
let regionSeq = 0;

/** The "best effort" decoder: every pass of the kiosk plan plus slower ones, all on one frame and its mirror. */
const BEST_PLAN: DecodePlan = {
  everyFrame: [
    ...KIOSK_DECODE_PLAN.everyFrame,
    ...KIOSK_DECODE_PLAN.rotating,
    { name: 'blur-denoise', options: { binarizer: 'LocalAverage', tryDenoise: true }, prep: 'blur' },
  ],
  rotating: [],
};

function shimFor(detector: unknown, useDetector: boolean): Shim {
  const g = globalThis as unknown as { BarcodeDetector?: unknown };
  g.BarcodeDetector = detector;
  const id = `lab-region-${++regionSeq}`;
  const el = document.createElement('div');
  el.id = id;
  region.append(el);
  const scanner = new Html5Qrcode(id, { ...SCANNER_CONFIG, useBarCodeDetectorIfSupported: useDetector });
  // html5-qrcode's decoder object (Html5QrcodeShim): the one foreverScan calls for every frame.
  return (scanner as unknown as { qrcode: Shim }).qrcode;
}

let shims: Record<'html5qrcodeJs' | 'kioskBefore' | 'kiosk', Shim> | undefined;
let best: ZxingBarcodeDetector | undefined;

async function setup(): Promise<void> {
  if (shims) return;
  preparePonyfill({
    overrides: {
      locateFile: (p: string, prefix: string) => (p.endsWith('.wasm') ? new URL(ZXING_WASM_PATH, document.baseURI).href : prefix + p),
    },
  });
  const js = shimFor(undefined, false);
  const before = shimFor(PonyfillDetector, true);
  // The kiosk's own installer decides what window.BarcodeDetector is.
  delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector;
  installBarcodeDetector();
  const kiosk = shimFor((globalThis as { BarcodeDetector?: unknown }).BarcodeDetector, true);
  shims = { html5qrcodeJs: js, kioskBefore: before, kiosk };
  best = new ZxingBarcodeDetector(undefined, BEST_PLAN);
  // Load the wasm (both copies) before anything is timed.
  const blank = new ImageData(W, H);
  await new PonyfillDetector({ formats: ['qr_code'] }).detect(blank);
  await best.detect(blank);
}

function frameCanvas(grey: Uint8Array): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = W;
  c.height = H;
  const img = new ImageData(W, H);
  for (let i = 0; i < grey.length; i++) {
    img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = grey[i]!;
    img.data[i * 4 + 3] = 255;
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

/** Html5Qrcode.foreverScan on a still frame, `ticks` times. */
async function cameraLoop(shim: Shim, frame: HTMLCanvasElement, ticks: number, disableFlip: boolean): Promise<LabResult> {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let spent = 0;
  for (let t = 1; t <= ticks; t++) {
    const t0 = performance.now();
    ctx.drawImage(frame, 0, 0, W, H);
    let text: string | undefined;
    try {
      text = (await shim.decodeAsync(canvas)).text;
    } catch {
      if (!disableFlip) {
        ctx.translate(W, 0);
        ctx.scale(-1, 1);
        try {
          text = (await shim.decodeAsync(canvas)).text;
        } catch {
          // nothing this tick
        }
      }
    }
    spent += performance.now() - t0;
    if (text) return { text, tick: t, msPerTick: spent / t };
  }
  return { text: undefined, tick: undefined, msPerTick: spent / ticks };
}

async function decode(decoder: LabDecoder, greyB64: string, ticks: number): Promise<LabResult> {
  await setup();
  const grey = Uint8Array.from(atob(greyB64), (c) => c.charCodeAt(0));
  const frame = frameCanvas(grey);
  if (decoder === 'best') {
    // Every pass, on the frame and on its mirror image (as html5-qrcode's flip retry shows it).
    const t0 = performance.now();
    const mirror = document.createElement('canvas');
    mirror.width = W;
    mirror.height = H;
    const mctx = mirror.getContext('2d', { willReadFrequently: true })!;
    mctx.translate(W, 0);
    mctx.scale(-1, 1);
    mctx.drawImage(frame, 0, 0);
    let found = await best!.detect(frame.getContext('2d')!.getImageData(0, 0, W, H));
    if (found.length === 0) found = await best!.detect(mctx.getImageData(0, 0, W, H));
    return { text: found[0]?.rawValue, tick: found.length ? 1 : undefined, msPerTick: performance.now() - t0 };
  }
  return cameraLoop(shims![decoder], frame, ticks, SCAN_START_CONFIG.disableFlip === true);
}

(globalThis as unknown as { scanLab: unknown }).scanLab = { setup, decode };
