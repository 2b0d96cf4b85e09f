/**
 * The QR symbol for a card (spec §1): a byte-mode `shc:/` segment then one numeric segment,
 * version 22 or lower, error correction M (L when M does not fit).
 */
import QRCode, { type QRCodeErrorCorrectionLevel, type QRCodeSegment } from 'qrcode';
import { AppError } from '../errors.js';

export const MAX_QR_VERSION = 22;
const SHC_TEXT = /^shc:\/\d+$/;

export function qrSegments(qrText: string): QRCodeSegment[] {
  if (!SHC_TEXT.test(qrText) || qrText.length % 2 === 0) {
    // `shc:/` is 5 characters and the digits come in pairs, so a valid text has odd length.
    throw new AppError('ISSUER_QR_INVALID', 'QR text must be shc:/ followed by an even number of digits');
  }
  return [
    { data: Buffer.from('shc:/', 'latin1'), mode: 'byte' },
    { data: qrText.slice(5), mode: 'numeric' },
  ];
}

export interface QrChoice {
  version: number;
  errorCorrectionLevel: 'M' | 'L';
}

/** Picks the error-correction level: M when it fits version 22, else L, else an error. */
export function chooseQr(qrText: string): QrChoice {
  const segments = qrSegments(qrText);
  for (const level of ['M', 'L'] as const) {
    const { version } = QRCode.create(segments, { errorCorrectionLevel: level satisfies QRCodeErrorCorrectionLevel });
    if (version <= MAX_QR_VERSION) return { version, errorCorrectionLevel: level };
  }
  throw new AppError('ISSUER_QR_TOO_LARGE', `the card does not fit a version-${MAX_QR_VERSION} QR code`);
}

/** Renders the QR as PNG bytes. */
export async function qrPng(qrText: string, opts: { scale?: number } = {}): Promise<{ png: Buffer } & QrChoice> {
  const choice = chooseQr(qrText);
  const png = await QRCode.toBuffer(qrSegments(qrText), {
    type: 'png',
    version: choice.version,
    errorCorrectionLevel: choice.errorCorrectionLevel,
    margin: 4,
    scale: opts.scale ?? 4,
  });
  return { png, ...choice };
}

/**
 * Renders any other QR text (a paper-card or chip ID-card QR: `|`-separated UTF-8) as one
 * byte-mode segment, error correction M.
 */
export async function textQrPng(text: string, opts: { scale?: number } = {}): Promise<{ png: Buffer; version: number }> {
  const segments: QRCodeSegment[] = [{ data: Buffer.from(text, 'utf8'), mode: 'byte' }];
  const { version } = QRCode.create(segments, { errorCorrectionLevel: 'M' });
  const png = await QRCode.toBuffer(segments, { type: 'png', version, errorCorrectionLevel: 'M', margin: 4, scale: opts.scale ?? 4 });
  return { png, version };
}
