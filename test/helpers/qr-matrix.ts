/**
 * QR codes as grey-scale images for the kiosk's camera tests: the `qrcode` package builds the
 * module matrix; we paint it (with its quiet zone) onto a frame the fake camera shows.
 */
import QRCode, { type QRCodeSegment } from 'qrcode';

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, 0 = black, 255 = white. */
  pixels: Uint8Array;
}

/** The module matrix for a QR text: `shc:/` + digits as byte + numeric segments, else byte mode. */
export function qrMatrix(text: string): { size: number; dark: (x: number, y: number) => boolean } {
  const m = /^shc:\/(\d+)$/.exec(text);
  const bytes = (s: string) => ({ data: Buffer.from(s, 'utf8'), mode: 'byte' as const });
  const segments: QRCodeSegment[] = m ? [bytes('shc:/'), { data: m[1]!, mode: 'numeric' }] : [bytes(text)];
  const qr = QRCode.create(segments, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const data = qr.modules.data;
  return { size, dark: (x, y) => data[y * size + x] === 1 };
}

/** Paints the QR centred on a white frame, as large as fits with a 4-module quiet zone. */
export function qrFrame(text: string, width = 640, height = 480): GreyImage {
  const { size, dark } = qrMatrix(text);
  const total = size + 8;
  const scale = Math.max(1, Math.floor(Math.min(width, height) / total));
  const ox = Math.floor((width - size * scale) / 2);
  const oy = Math.floor((height - size * scale) / 2);
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!dark(x, y)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (oy + y * scale + dy) * width;
        pixels.fill(0, row + ox + x * scale, row + ox + (x + 1) * scale);
      }
    }
  }
  return { width, height, pixels };
}

/**
 * RGBA (jpeg-js / pngjs output) → grey, centred on a white frame: small images are enlarged by a
 * whole factor (nearest neighbour, as a camera held closer would see them), large ones shrunk.
 */
export function fitRgba(src: { width: number; height: number; data: Uint8Array | Buffer }, width = 640, height = 480): GreyImage {
  const fit = Math.min(width / src.width, height / src.height);
  const scale = fit >= 1 ? Math.floor(fit) : fit;
  const w = Math.floor(src.width * scale);
  const h = Math.floor(src.height * scale);
  const ox = Math.floor((width - w) / 2);
  const oy = Math.floor((height - h) / 2);
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1, Math.floor(x / scale));
      const i = (sy * src.width + sx) * 4;
      const a = src.data[i + 3]! / 255;
      const grey = 0.299 * src.data[i]! + 0.587 * src.data[i + 1]! + 0.114 * src.data[i + 2]!;
      pixels[(oy + y) * width + ox + x] = Math.round(grey * a + 255 * (1 - a));
    }
  }
  return { width, height, pixels };
}
