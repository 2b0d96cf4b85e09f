import { ZxingBarcodeDetector } from './zxing-detector.js';

let installed = false;

/**
 * Installs the kiosk's ZXing-wasm BarcodeDetector (zxing-detector.ts: several binarisers per
 * frame) as `window.BarcodeDetector` when the browser has none (Chromium on Linux and Windows has
 * none). Must run before Html5Qrcode is constructed: html5-qrcode checks for it once, at
 * construction, when `useBarCodeDetectorIfSupported` is set.
 *
 * It replaced the `barcode-detector` ponyfill (ZXing's default pass only): on the benchmark's hard
 * cases that read fewer codes (docs/scanning.md).
 */
export function installBarcodeDetector(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as { BarcodeDetector?: unknown };
  if (g.BarcodeDetector === undefined) g.BarcodeDetector = ZxingBarcodeDetector;
}
