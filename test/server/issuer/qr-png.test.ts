import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
// zxing-wasm comes with barcode-detector (the kiosk screen's decoder): decode with what scans.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseQr, qrPng, qrSegments } from '../../../server/issuer/qr-png.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await makeTestIssuer({ now: NOW });
  return () => issuer.cleanup();
});

describe('QR symbol', () => {
  it('uses a byte segment for shc:/ then one numeric segment', () => {
    const segs = qrSegments('shc:/0123');
    expect(segs).toHaveLength(2);
    expect(segs[0]).toMatchObject({ mode: 'byte' });
    expect(Buffer.from(segs[0]!.data as Uint8Array).toString('latin1')).toBe('shc:/');
    expect(segs[1]).toStrictEqual({ mode: 'numeric', data: '0123' });
  });

  it('a typical card fits version ≤ 22 at level M or L and renders a PNG', async () => {
    const card = await issuer.issue();
    const choice = chooseQr(card.qrText);
    expect(choice.version).toBeLessThanOrEqual(22);
    expect(['M', 'L']).toContain(choice.errorCorrectionLevel);
    const { png, version } = await qrPng(card.qrText);
    const img = PNG.sync.read(png);
    // version v has 17 + 4v modules; scale 4 and a 4-module margin each side
    expect(img.width).toBe((17 + 4 * version + 8) * 4);

    const wasm = readFileSync(resolve(process.cwd(), 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'));
    await prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
      fireImmediately: true,
    });
    const image = { data: new Uint8ClampedArray(img.data), width: img.width, height: img.height, colorSpace: 'srgb' } as ImageData;
    const found = await readBarcodes(image, { formats: ['QRCode'] });
    expect(found.map((b) => b.text)).toStrictEqual([card.qrText]);
    expect(found[0]!.version).toBe(String(version));
  });

  it('picks M when it fits', () => {
    expect(chooseQr(`shc:/${'12'.repeat(300)}`).errorCorrectionLevel).toBe('M');
  });

  it('refuses text that is not shc:/ digits, and text too big for version 22', () => {
    expect(() => qrSegments('shc:/123')).toThrow(expect.objectContaining({ code: 'ISSUER_QR_INVALID' }));
    expect(() => qrSegments('hello')).toThrow(expect.objectContaining({ code: 'ISSUER_QR_INVALID' }));
    expect(() => chooseQr(`shc:/${'12'.repeat(1300)}`)).toThrow(expect.objectContaining({ code: 'ISSUER_QR_TOO_LARGE' }));
  });
});
