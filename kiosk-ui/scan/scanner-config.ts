import { Html5QrcodeSupportedFormats, type Html5QrcodeCameraScanConfig, type Html5QrcodeFullConfig } from 'html5-qrcode';

/**
 * html5-qrcode's configuration for the kiosk camera, shared with the scanning benchmark
 * (test-support/scan/scan-lab-page.ts) so the decode rate it reports is the kiosk's own. QR only; decoding
 * through `window.BarcodeDetector`, which the kiosk installs (barcode-polyfill.ts).
 */
export const SCANNER_CONFIG: Html5QrcodeFullConfig = {
  verbose: false,
  formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE],
  useBarCodeDetectorIfSupported: true,
};

/** Per-scan settings: 10 frames a second (each frame can take several decode passes). */
export const SCAN_START_CONFIG: Html5QrcodeCameraScanConfig = { fps: 10 };
