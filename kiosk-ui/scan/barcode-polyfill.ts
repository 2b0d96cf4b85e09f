import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';

/**
 * Where the ZXing wasm is served: our own server (vite.config.ts copies it into the build and
 * serves it in dev), never a CDN — the kiosk must work offline and the CSP allows only 'self'.
 */
export const ZXING_WASM_PATH = 'zxing/zxing_reader.wasm';

let installed = false;

/**
 * Installs the ZXing-backed BarcodeDetector as `window.BarcodeDetector` when the browser has
 * none (Chromium on Linux and Windows has none). Must run before Html5Qrcode is constructed:
 * html5-qrcode checks for it once, at construction, when `useBarCodeDetectorIfSupported` is set.
 */
export function installBarcodeDetector(): void {
  if (installed) return;
  installed = true;
  prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.wasm') ? new URL(ZXING_WASM_PATH, document.baseURI).href : prefix + path,
    },
  });
  const g = globalThis as unknown as { BarcodeDetector?: unknown };
  if (g.BarcodeDetector === undefined) g.BarcodeDetector = BarcodeDetector;
}
