import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';

/**
 * Where the ZXing wasm is served: our own server (vite.config.ts copies it into the build and
 * serves it in dev), never a CDN — the kiosk must work offline and the CSP allows only 'self'.
 */
export const ZXING_WASM_PATH = 'zxing/zxing_reader.wasm';

/** One decoding attempt: ZXing options, optionally on a pre-processed copy of the frame. */
export interface DecodePass {
  name: string;
  options: ReaderOptions;
  /** `blur`: 1-px Gaussian first (breaks up a photographed screen's pixel grid); `upscale`: 2× bilinear (tiny modules). */
  prep?: 'blur' | 'upscale';
}

export interface DecodePlan {
  /** Tried on every frame, in order, until one finds a code. */
  everyFrame: readonly DecodePass[];
  /**
   * Slower passes: one of them per frame that found nothing, in turn (the camera sends the same
   * scene again). An odd count, so each pass meets both of html5-qrcode's alternating
   * orientations (it mirrors every other frame after a miss).
   */
  rotating: readonly DecodePass[];
}

/**
 * The kiosk's decoding plan, chosen by `npm run bench` (bench/scan-bench.ts, docs/scanning.md):
 * ZXing's default (LocalAverage = hybrid binariser) misses low-contrast, glare and screen-moiré
 * frames that a global threshold (FixedThreshold, GlobalHistogram) reads, and each pass costs
 * only a few ms on a 640×480 frame; the costlier ones (pre-processed copies) are spread over
 * frames so a frame that holds no code never costs more than ~4 passes.
 */
export const KIOSK_DECODE_PLAN: DecodePlan = {
  everyFrame: [
    { name: 'local', options: { binarizer: 'LocalAverage' } },
    { name: 'fixed', options: { binarizer: 'FixedThreshold' } },
    { name: 'histogram', options: { binarizer: 'GlobalHistogram' } },
  ],
  rotating: [
    { name: 'blur-local', options: { binarizer: 'LocalAverage' }, prep: 'blur' },
    { name: 'upscale-fixed', options: { binarizer: 'FixedThreshold', tryDownscale: false }, prep: 'upscale' },
    { name: 'blur-histogram', options: { binarizer: 'GlobalHistogram' }, prep: 'blur' },
    { name: 'upscale-local', options: { binarizer: 'LocalAverage', tryDownscale: false }, prep: 'upscale' },
    { name: 'blur-fixed', options: { binarizer: 'FixedThreshold' }, prep: 'blur' },
    { name: 'denoise', options: { binarizer: 'LocalAverage', tryDenoise: true } },
    { name: 'upscale-histogram', options: { binarizer: 'GlobalHistogram', tryDownscale: false }, prep: 'upscale' },
  ],
};

/** What html5-qrcode reads from BarcodeDetector.detect() (a subset of the Shape Detection API). */
export interface DetectedCode {
  rawValue: string;
  format: 'qr_code';
  boundingBox: DOMRectReadOnly;
  cornerPoints: { x: number; y: number }[];
}

type FrameSource = HTMLCanvasElement | OffscreenCanvas | ImageData;

let prepared = false;

/** Points ZXing at our own copy of the wasm (once; the module itself loads on first use). */
export function prepareZxing(): void {
  if (prepared) return;
  prepared = true;
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.wasm') ? new URL(ZXING_WASM_PATH, document.baseURI).href : prefix + path,
    },
  });
}

/**
 * A BarcodeDetector (QR only) on ZXing C++ compiled to wasm, trying several binarisers and
 * pre-processed copies per frame — see KIOSK_DECODE_PLAN. html5-qrcode stays the camera layer: it
 * finds this as `window.BarcodeDetector` and hands it a canvas of each video frame.
 */
export class ZxingBarcodeDetector {
  private turn = 0;
  private scratch: OffscreenCanvas | undefined;

  constructor(
    _options?: { formats?: string[] },
    private readonly plan: DecodePlan = KIOSK_DECODE_PLAN,
  ) {
    prepareZxing();
  }

  static getSupportedFormats(): Promise<string[]> {
    return Promise.resolve(['qr_code']);
  }

  async detect(source: FrameSource): Promise<DetectedCode[]> {
    const frame = source instanceof ImageData ? source : readPixels(source);
    if (!frame) return [];
    for (const pass of this.plan.everyFrame) {
      const found = await this.run(pass, frame);
      if (found.length > 0) return found;
    }
    if (this.plan.rotating.length === 0) return [];
    const pass = this.plan.rotating[this.turn++ % this.plan.rotating.length]!;
    return this.run(pass, frame);
  }

  /** Every pass of the plan on one frame (the benchmark's "best effort" decoder). */
  async detectExhaustive(source: FrameSource): Promise<DetectedCode[]> {
    const frame = source instanceof ImageData ? source : readPixels(source);
    if (!frame) return [];
    for (const pass of [...this.plan.everyFrame, ...this.plan.rotating]) {
      const found = await this.run(pass, frame);
      if (found.length > 0) return found;
    }
    return [];
  }

  private async run(pass: DecodePass, frame: ImageData): Promise<DetectedCode[]> {
    const input = pass.prep ? this.prepare(frame, pass.prep) : frame;
    if (!input) return [];
    const scale = pass.prep === 'upscale' ? 0.5 : 1;
    const results = await readBarcodes(input, {
      tryHarder: true,
      ...pass.options,
      formats: ['QRCode'],
      maxNumberOfSymbols: 1,
      textMode: 'Plain',
    });
    return results
      .filter((r) => r.isValid && r.text)
      .map((r) => {
        const p = r.position;
        const pts = [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft].map((q) => ({ x: q.x * scale, y: q.y * scale }));
        const xs = pts.map((q) => q.x);
        const ys = pts.map((q) => q.y);
        const x = Math.min(...xs);
        const y = Math.min(...ys);
        return {
          rawValue: r.text,
          format: 'qr_code' as const,
          boundingBox: new DOMRectReadOnly(x, y, Math.max(...xs) - x, Math.max(...ys) - y),
          cornerPoints: pts,
        };
      });
  }

  private prepare(frame: ImageData, prep: 'blur' | 'upscale'): ImageData | undefined {
    const k = prep === 'upscale' ? 2 : 1;
    const w = frame.width * k;
    const h = frame.height * k;
    const src = new OffscreenCanvas(frame.width, frame.height);
    src.getContext('2d')!.putImageData(frame, 0, 0);
    if (!this.scratch || this.scratch.width !== w || this.scratch.height !== h) this.scratch = new OffscreenCanvas(w, h);
    const ctx = this.scratch.getContext('2d', { willReadFrequently: true });
    if (!ctx) return undefined;
    ctx.filter = prep === 'blur' ? 'blur(1px)' : 'none';
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(src, 0, 0, w, h);
    ctx.filter = 'none';
    return ctx.getImageData(0, 0, w, h);
  }
}

function readPixels(source: HTMLCanvasElement | OffscreenCanvas): ImageData | undefined {
  if (source.width === 0 || source.height === 0) return undefined;
  const ctx = source.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  return ctx?.getImageData(0, 0, source.width, source.height) ?? undefined;
}
