import { describe, expect, it } from 'vitest';
import { classifyQr, decodeShcNumeric, encodeShcNumeric } from '../../../server/card/qr-text.js';
import { vector } from '../../helpers/shc-vectors.js';

const MAX = 4096;

describe('classifyQr', () => {
  it('decodes shc:/ numeric to the JWS (example-00 f == d)', () => {
    const r = classifyQr(vector('shc-spec/example-00-f-qr-code-numeric-value-0.txt'), MAX);
    expect(r).toEqual({ kind: 'jws', via: 'shc', jws: vector('shc-spec/example-00-d-jws.txt').trim() });
  });

  it('strips keyboard-wedge CR/LF and surrounding spaces', () => {
    const f = vector('shc-spec/example-01-f-qr-code-numeric-value-0.txt').trim();
    for (const t of [`${f}\r\n`, `${f}\n`, `${f}\r`, `  ${f}\t\r\n`]) {
      expect(classifyQr(t, MAX)).toMatchObject({ kind: 'jws', via: 'shc' });
    }
  });

  it('rejects odd digit counts, pairs above 77, non-digits and empty bodies', () => {
    expect(classifyQr('shc:/567', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('shc:/5678', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' }); // 78
    expect(classifyQr('shc:/56a6', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('shc:/', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('shc:/5676/', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
  });

  it('recognises the chunked form', () => {
    expect(classifyQr('shc:/1/3/5676290952', MAX)).toEqual({ kind: 'error', code: 'CHUNKED_QR' });
    expect(classifyQr(vector('shc-spec/example-02-f-qr-code-numeric-value-1.txt'), MAX)).toEqual({ kind: 'error', code: 'CHUNKED_QR' });
  });

  it('refuses wrong prefixes', () => {
    expect(classifyQr(vector('shc-negative/test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt'), MAX)).toEqual({
      kind: 'error',
      code: 'QR_MALFORMED',
    });
    expect(classifyQr('SHC:/5676', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('https://example.com', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr(' \r\n', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
  });

  it('enforces the size limit before anything else', () => {
    const big = 'shc:/' + '56'.repeat(3000);
    expect(classifyQr(big, MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr(big, 10_000)).toMatchObject({ kind: 'jws' });
  });

  it('takes a bare compact JWS', () => {
    const d = vector('shc-spec/example-00-d-jws.txt');
    expect(classifyQr(d, MAX)).toEqual({ kind: 'jws', via: 'bare', jws: d.trim() });
    expect(classifyQr('abc.def.ghi', MAX)).toMatchObject({ kind: 'jws', via: 'bare' });
  });

  it('takes the first credential of a .smart-health-card file', () => {
    const r = classifyQr(vector('shc-negative/test-example-00-e-file-invalid_deflate.smart-health-card'), MAX);
    expect(r).toMatchObject({ kind: 'jws', via: 'file' });
    expect(classifyQr('{"verifiableCredential":[]}', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('{"verifiableCredential":[1]}', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('{not json', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
  });

  it('recognises legacy paper-card and CCCD QRs', () => {
    const legacy = 'HC4121201234567|4e|20/03/1990|1|-|12 - 001|01/01/2026|31/12/2026|15/12/2025|12011201234567|-|4|01/01/2028|0a1b-6202|$';
    expect(classifyQr(legacy, MAX)).toMatchObject({ kind: 'legacy' });
    const cccd = '012090001234|123456789|Nguyễn Đức Thiện|20031990|Nam|Lai Châu|15082021';
    expect(classifyQr(cccd, MAX)).toMatchObject({ kind: 'id-card' });
    expect(classifyQr('012090001234|x|y', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
    expect(classifyQr('a|b|c', MAX)).toEqual({ kind: 'error', code: 'QR_MALFORMED' });
  });
});

describe('shc numeric encoding', () => {
  it('round-trips every JWS character', () => {
    const jws = 'eyJ6aXAiOiJERUYifQ.AbC-_09xyz.zz-';
    const qr = encodeShcNumeric(jws);
    expect(qr.startsWith('shc:/')).toBe(true);
    expect(decodeShcNumeric(qr.slice(5))).toBe(jws);
    expect(encodeShcNumeric('-z')).toBe('shc:/0077');
  });

  it('matches the spec example', () => {
    const d = vector('shc-spec/example-00-d-jws.txt').trim();
    expect(encodeShcNumeric(d)).toBe(vector('shc-spec/example-00-f-qr-code-numeric-value-0.txt').trim());
  });

  it('refuses characters outside the range', () => {
    expect(() => encodeShcNumeric('a b')).toThrow(RangeError);
  });
});
