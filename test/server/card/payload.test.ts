import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseJws } from '../../../server/card/jws.js';
import { MAX_INFLATED_BYTES, decodePayload } from '../../../server/card/payload.js';
import { classifyQr } from '../../../server/card/qr-text.js';
import { vector } from '../../helpers/shc-vectors.js';

const b64 = (b: Buffer) => b.toString('base64url');

describe('decodePayload', () => {
  it("inflates example-00 to exactly the spec's -c- payload", () => {
    const p = parseJws(vector('shc-spec/example-00-d-jws.txt').trim());
    if (!p.ok) throw new Error('fixture');
    const r = decodePayload(p.parts.payload);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.json).toBe(vector('shc-spec/example-00-c-jws-payload-minified.json').trim());
    expect(r.payload.iss).toBe('https://spec.smarthealth.cards/examples/issuer');
  });

  it('accepts raw DEFLATE of a JSON object', () => {
    expect(decodePayload(b64(deflateRawSync(Buffer.from('{"a":"Nguyễn"}'))))).toMatchObject({ ok: true, payload: { a: 'Nguyễn' } });
  });

  it('refuses zlib- and gzip-wrapped data and garbage', () => {
    const json = Buffer.from('{"a":1}');
    expect(decodePayload(b64(deflateSync(json)))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
    expect(decodePayload(b64(gzipSync(json)))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
    expect(decodePayload(b64(Buffer.from('definitely not deflate')))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
  });

  it('refuses the zlib-wrapped vector', () => {
    const qr = classifyQr(vector('shc-negative/test-example-00-e-file-invalid_deflate.smart-health-card'), 4096);
    if (qr.kind !== 'jws') throw new Error('fixture');
    const p = parseJws(qr.jws);
    if (!p.ok) throw new Error('fixture');
    expect(decodePayload(p.parts.payload)).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
  });

  it('stops a decompression bomb at the 16 KiB cap', () => {
    const bomb = Buffer.from(`{"a":"${'x'.repeat(17 * 1024)}"}`);
    const small = deflateRawSync(bomb, { level: 9 });
    expect(small.length).toBeLessThan(200);
    expect(decodePayload(b64(small))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
    const atCap = Buffer.from(`{"a":"${'x'.repeat(MAX_INFLATED_BYTES - 8)}"}`);
    expect(atCap.length).toBe(MAX_INFLATED_BYTES);
    expect(decodePayload(b64(deflateRawSync(atCap))).ok).toBe(true);
  });

  it('refuses invalid UTF-8, non-JSON and non-objects', () => {
    const latin1 = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc0, 0xff, 0xfe]), Buffer.from('"}')]);
    expect(decodePayload(b64(deflateRawSync(latin1)))).toMatchObject({ ok: false, code: 'PAYLOAD_INVALID' });
    expect(decodePayload(b64(deflateRawSync(Buffer.from('{"a":')))).ok).toBe(false);
    expect(decodePayload(b64(deflateRawSync(Buffer.from('[1,2]')))).ok).toBe(false);
    expect(decodePayload(b64(deflateRawSync(Buffer.from('null')))).ok).toBe(false);
    expect(decodePayload(b64(deflateRawSync(Buffer.from('"x"')))).ok).toBe(false);
  });
});
