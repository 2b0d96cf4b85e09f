/** Every expectation of ../shared/vectors/README.md, through the whole verifier. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr, verifyQrDebug } from '../../../server/card/verify.js';
import { KID_1, KID_2, SHC_ISS, shcTrust, vector } from '../../helpers/shc-vectors.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const trust = shcTrust();
const ctx = { trust, now: NOW, policy: DEFAULT_POLICY };
const check = (rel: string) => verifyQr(vector(rel), ctx);
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);
const checkNames = (r: { checks: { name: string; ok: boolean }[] }) => r.checks.map((c) => `${c.name}:${c.ok ? 'ok' : 'fail'}`);

describe('SMART Health Cards spec examples', () => {
  it.each(['shc-spec/example-00-d-jws.txt', 'shc-spec/example-00-f-qr-code-numeric-value-0.txt'])(
    '%s: signature verifies, not revoked, rejected CREDENTIAL_INVALID',
    (rel) => {
      const r = check(rel);
      expect(r.verdict).toBe('rejected');
      expect(r.code).toBe('CREDENTIAL_INVALID');
      expect(codes(r)).toEqual(['CREDENTIAL_INVALID']);
      expect(checkNames(r)).toEqual(['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:fail', 'time:ok', 'revocation:ok']);
      expect(r).toMatchObject({
        source: 'signed',
        keyId: KID_1,
        issuer: SHC_ISS,
        issuerName: 'SMART Health Cards spec examples',
        nbf: 1687450764.656,
      });
      expect(r.exp).toBeUndefined();
      expect(r.card).toBeUndefined();
      expect(r.demo).toBeUndefined();
      expect(r.checkedAt).toBe('2026-11-25T03:00:00.000Z');
    },
  );

  it("example-00's inflated payload equals the -c- file", () => {
    const d = verifyQrDebug(vector('shc-spec/example-00-f-qr-code-numeric-value-0.txt'), ctx);
    expect(d.payloadJson).toBe(vector('shc-spec/example-00-c-jws-payload-minified.json').trim());
    expect(d.payload).toEqual(JSON.parse(vector('shc-spec/example-00-c-jws-payload-minified.json')));
    expect(d.result.code).toBe('CREDENTIAL_INVALID');
  });

  it.each(['shc-spec/example-01-d-jws.txt', 'shc-spec/example-01-f-qr-code-numeric-value-0.txt'])(
    '%s: same, with the second key',
    (rel) => {
      const r = check(rel);
      expect(r.code).toBe('CREDENTIAL_INVALID');
      expect(codes(r)).toEqual(['CREDENTIAL_INVALID']);
      expect(r.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      expect(r.keyId).toBe(KID_2);
      const d = verifyQrDebug(vector(rel), ctx);
      expect(d.payloadJson).toBe(vector('shc-spec/example-01-c-jws-payload-minified.json').trim());
    },
  );

  it.each(['shc-spec/example-03-d-jws.txt', 'shc-spec/example-03-f-qr-code-numeric-value-0.txt'])(
    '%s: EXPIRED and REVOKED both reported',
    (rel) => {
      const r = check(rel);
      expect(r.verdict).toBe('rejected');
      expect(r.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      expect(codes(r)).toContain('EXPIRED');
      expect(codes(r)).toContain('REVOKED');
      expect(r.checks.find((c) => c.name === 'time')?.ok).toBe(false);
      expect(r.checks.find((c) => c.name === 'revocation')?.ok).toBe(false);
      expect(r.rid).toBeTypeOf('string');
      expect(r.exp).toBeLessThan(Date.parse('2025-01-01T00:00:00Z') / 1000);
      expect(r.reasons.find((x) => x.code === 'REVOKED')?.portalCode).toBe('110');
      const d = verifyQrDebug(vector(rel), ctx);
      expect(d.payloadJson).toBe(vector('shc-spec/example-03-c-jws-payload-minified.json').trim());
    },
  );

  it('example-02-d is longer than 1195 characters: JWS_MALFORMED', () => {
    const r = check('shc-spec/example-02-d-jws.txt');
    expect(r.code).toBe('JWS_MALFORMED');
    expect(checkNames(r)).toEqual(['qr:ok', 'header:fail']);
  });

  it.each([0, 1, 2])('example-02-f chunk %i: CHUNKED_QR', (i) => {
    const r = check(`shc-spec/example-02-f-qr-code-numeric-value-${i}.txt`);
    expect(r.code).toBe('CHUNKED_QR');
    expect(checkNames(r)).toEqual(['qr:fail']);
  });
});

describe('SMART Health Cards validator negatives', () => {
  it.each<[string, string, string[]]>([
    ['test-example-00-d-jws-invalid-signature.txt', 'SIGNATURE_INVALID', ['qr:ok', 'header:ok', 'key:ok', 'signature:fail']],
    ['test-example-00-d-jws-wrong_jws_header_kid.txt', 'KEY_UNKNOWN', ['qr:ok', 'header:ok', 'key:fail']],
    ['test-example-00-d-jws-no_jws_header_alg.txt', 'HEADER_INVALID', ['qr:ok', 'header:fail']],
    ['test-example-00-d-jws-no_jws_header_kid.txt', 'HEADER_INVALID', ['qr:ok', 'header:fail']],
    ['test-example-00-d-jws-no_jws_header_zip.txt', 'HEADER_INVALID', ['qr:ok', 'header:fail']],
    ['test-example-00-d-jws-no_deflate.txt', 'HEADER_INVALID', ['qr:ok', 'header:fail']],
    [
      'test-example-00-e-file-invalid_deflate.smart-health-card',
      'PAYLOAD_INVALID',
      ['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:fail'],
    ],
    ['test-example-00-f-qr-code-numeric-value-0-wrong_qr_header.txt', 'QR_MALFORMED', ['qr:fail']],
    ['test-example-00-f-qr-code-numeric-value-0-odd-count.txt', 'QR_MALFORMED', ['qr:fail']],
  ])('%s → %s', (file, code, checks) => {
    const r = check(`shc-negative/${file}`);
    expect(r.verdict).toBe('rejected');
    expect(r.code).toBe(code);
    expect(codes(r)).toEqual([code]);
    expect(checkNames(r)).toEqual(checks);
    expect(r.card).toBeUndefined();
  });

  it.each([
    'test-example-00-f-qr-code-numeric-value-0-index-out-of-range.txt',
    'test-example-00-f-qr-code-numeric-value-0-wrong-multi-chunk.txt',
  ])('%s → CHUNKED_QR or QR_MALFORMED', (file) => {
    expect(['CHUNKED_QR', 'QR_MALFORMED']).toContain(check(`shc-negative/${file}`).code);
  });

  it('the 1194-character JWS at the limit verifies, then CREDENTIAL_INVALID', () => {
    const text = vector('shc-negative/test-example-1195-byte-qrnumeric.txt').trim();
    expect((text.length - 5) / 2).toBe(1194);
    const r = verifyQr(text, ctx);
    expect(r.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
    expect(r.code).toBe('CREDENTIAL_INVALID');
  });
});
