import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKiosk } from '../../helpers/kiosk-service.js';
import { makeTrustFixture, VECTORS } from '../../helpers/spec-trust.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const fixture = makeTrustFixture();
let kiosk: Awaited<ReturnType<typeof startTestKiosk>>;

beforeAll(async () => {
  kiosk = await startTestKiosk({ trustFile: fixture.trustFile });
});
afterAll(() => kiosk?.close());

function post(path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(kiosk.url + path, { method: 'POST', headers, body });
}

describe('POST /api/verify', () => {
  it('returns 200 with an accepted result for a valid card', async () => {
    const card = await fixture.issue(NOW - 3600_000);
    const res = await post('/api/verify', JSON.stringify({ qr: card.qrText }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      verdict: 'accepted',
      code: 'OK',
      source: 'signed',
      issuer: fixture.signer.iss,
      keyId: fixture.signer.kid,
    });
    expect(body.card).toMatchObject({ fullName: 'Nguyễn Đức Thiện', cardNumber: 'DN4121201234567', maSoBhxh: '1201234567' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('returns 200 with the reasons for a bad card, good or bad', async () => {
    const spec = readFileSync(join(VECTORS, 'shc-spec/example-00-f-qr-code-numeric-value-0.txt'), 'utf8');
    const res = await post('/api/verify', JSON.stringify({ qr: spec }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ verdict: 'rejected', code: 'CREDENTIAL_INVALID' });
    const junk = await post('/api/verify', JSON.stringify({ qr: 'hello' }));
    expect(await junk.json()).toMatchObject({ verdict: 'rejected', code: 'QR_MALFORMED' });
  });

  it.each([
    ['not JSON', '{"qr":', 400, 'BODY_NOT_JSON'],
    ['no qr', '{}', 400, 'FIELD_MISSING'],
    ['qr not a string', '{"qr": 42}', 400, 'FIELD_INVALID'],
    ['an array', '[1,2]', 400, 'BODY_INVALID'],
    ['an unknown member', '{"qr":"x","verdict":"accepted"}', 400, 'FIELD_UNKNOWN'],
    ['a qr over the field limit', JSON.stringify({ qr: '1'.repeat(9000) }), 400, 'FIELD_TOO_LONG'],
    ['a body over the size limit', JSON.stringify({ qr: '1'.repeat(20_000) }), 413, 'BODY_TOO_LARGE'],
  ])('answers problem+json for %s', async (_what, body, status, code) => {
    const res = await post('/api/verify', body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status, code });
  });

  it('refuses a body that is not declared JSON', async () => {
    const res = await post('/api/verify', 'qr=shc:/123', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'BODY_INVALID' });
  });

  it('refuses a body in another charset with 415', async () => {
    const res = await post('/api/verify', JSON.stringify({ qr: 'x' }), { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
  });

  it('sends the security headers on results and on problems alike', async () => {
    for (const res of [await post('/api/verify', JSON.stringify({ qr: 'x' })), await post('/api/verify', '{')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('ignores a query string, and answers other methods with 404 problem+json', async () => {
    expect((await post('/api/verify?source=scanner', JSON.stringify({ qr: 'x' }))).status).toBe(200);
    const get = await fetch(kiosk.url + '/api/verify');
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await post('/api/verifyx', JSON.stringify({ qr: 'x' }))).status).toBe(404);
  });

  it('answers 404 problem+json for an unknown API path', async () => {
    const res = await fetch(kiosk.url + '/api/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('GET /api/status', () => {
  it('reports version, facility, trust age and the demo flag', async () => {
    const res = await fetch(kiosk.url + '/api/status');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ service: 'bhyt-kiosk', facility: '12001', demo: false, trust: { ageSec: 7200, stale: false } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.warnings).toEqual([]);
  });
});
