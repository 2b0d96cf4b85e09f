/** Tokens, MD5 passwords and their expiry on the portal's injected clock; 205 for malformed requests. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../../server/reference-portal/dataset.js';
import { PORTAL_PATHS } from '../../../server/wire/portal.js';
import { checkUrl, PASSWORD, person, post, request, startTestPortal, takeToken, USERNAME, type TestPortal } from './fixtures.js';

const p = person(0);
let portal: TestPortal;
const token = (body: unknown, raw?: string) => post(portal.url + PORTAL_PATHS.token, body, raw === undefined ? {} : { raw });

beforeAll(async () => {
  portal = await startTestPortal([p]);
});
afterAll(async () => {
  await portal.close();
});

describe('POST /api/token/take', () => {
  it('issues a token for the MD5 of the password', async () => {
    const r = await token({ username: USERNAME, password: md5Hex(PASSWORD) });
    expect(r.status).toBe(200);
    expect(r.body.maKetQua).toBe('200');
    expect(r.body.APIKey).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      id_token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      token_type: 'Bearer',
      username: USERNAME,
      expires_in: 3000,
    });
  });

  it('accounts stored with passwordMd5 work the same way', async () => {
    expect((await token({ username: '79002_bv', password: md5Hex('khac') })).body.maKetQua).toBe('200');
  });

  it.each([
    ['the plain password', { username: USERNAME, password: PASSWORD }],
    ['upper-case hex', { username: USERNAME, password: md5Hex(PASSWORD).toUpperCase() }],
    ['a wrong password', { username: USERNAME, password: md5Hex('wrong') }],
    ['an unknown user', { username: 'nobody', password: md5Hex(PASSWORD) }],
  ])('answers 401 for %s', async (_what, body) => {
    const r = await token(body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ maKetQua: '401', APIKey: null });
  });

  it.each([
    ['no password', { username: USERNAME }],
    ['a number', { username: USERNAME, password: 5 }],
    ['an array', [1]],
  ])('answers 205 for %s', async (_what, body) => {
    expect((await token(body)).body).toMatchObject({ maKetQua: '205', APIKey: null });
  });

  it('answers 205 for a body that is not JSON', async () => {
    const r = await token(undefined, '{"username":');
    expect(r.status).toBe(200);
    expect(r.body.maKetQua).toBe('205');
  });
});

describe('card check authentication', () => {
  it('a token is good until its lifetime has passed on the portal clock, then 401; a new token works', async () => {
    const auth = await takeToken(portal.url);
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
    portal.clock.advance(2_999_999);
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
    portal.clock.advance(1);
    const expired = await post(checkUrl(portal.url, auth), request(p));
    expect(expired.status).toBe(200);
    expect(expired.body.maKetQua).toBe('401');
    expect(expired.body.hoTen).toBeNull();
    const again = await takeToken(portal.url);
    expect((await post(checkUrl(portal.url, again), request(p))).body.maKetQua).toBe('000');
  });

  it.each([
    ['an unknown token', (a: Record<string, string>) => ({ ...a, token: 'x'.repeat(32) })],
    ['another id_token', (a: Record<string, string>) => ({ ...a, id_token: 'y'.repeat(32) })],
    ['the plain password in the query', (a: Record<string, string>) => ({ ...a, password: PASSWORD })],
    ['a wrong MD5 in the query', (a: Record<string, string>) => ({ ...a, password: md5Hex('wrong') })],
    ['another account with this token', (a: Record<string, string>) => ({ ...a, username: '79002_bv', password: md5Hex('khac') })],
    ['no password', ({ password: _p, ...a }: Record<string, string>) => a],
    ['no token', ({ token: _t, ...a }: Record<string, string>) => a],
  ])('answers 401 for %s', async (_what, mangle) => {
    const auth = await takeToken(portal.url);
    const url = `${portal.url}${PORTAL_PATHS.cardCheck}?${new URLSearchParams(mangle({ ...auth })).toString()}`;
    const r = await post(url, request(p));
    expect(r.status).toBe(200);
    expect(r.body.maKetQua).toBe('401');
  });

  it('answers HTTP 401 (same body) when authFailureAs is "http"', async () => {
    portal.control.setFaults({ authFailureAs: 'http' });
    try {
      const auth = await takeToken(portal.url);
      const r = await post(checkUrl(portal.url, { ...auth, token: 'nope' }), request(p));
      expect(r.status).toBe(401);
      expect(r.body.maKetQua).toBe('401');
    } finally {
      portal.control.setFaults({ authFailureAs: 'body' });
    }
  });
});

describe('205: malformed card-check parameters', () => {
  const bad: Array<[string, unknown, string?]> = [
    ['a missing field', (({ cccdCb: _c, ...r }) => r)(request(p))],
    ['an unknown field', { ...request(p), mathe: 'x' }],
    ['a number for text', { ...request(p), maThe: 123 }],
    ['null for text', { ...request(p), hoTen: null }],
    ['an empty card number', { ...request(p), maThe: '' }],
    ['an ISO birth date', { ...request(p), ngaySinh: '1990-03-20' }],
    ['an impossible day', { ...request(p), ngaySinh: '31/02/1990' }],
    ['a two-digit year', { ...request(p), ngaySinh: '90' }],
    ['an over-long field', { ...request(p), hoTen: 'A'.repeat(300) }],
    ['an array', [request(p)]],
    ['a string', 'maThe'],
    ['not JSON', undefined, '{"maThe": '],
  ];
  it.each(bad)('%s → HTTP 200, maKetQua 205, everything else null', async (_what, body, raw) => {
    const auth = await takeToken(portal.url);
    const r = await post(checkUrl(portal.url, auth), body, raw === undefined ? {} : { raw });
    expect(r.status).toBe(200);
    expect(r.body.maKetQua).toBe('205');
    expect(r.body.maThe).toBeNull();
    expect(r.body.dsLichSuKT2018).toEqual([]);
  });

  it('a body over the limit is refused with HTTP 413, maKetQua 205', async () => {
    const auth = await takeToken(portal.url);
    const r = await post(checkUrl(portal.url, auth), { ...request(p), hoTen: 'A'.repeat(20_000) });
    expect(r.status).toBe(413);
    expect(r.body.maKetQua).toBe('205');
  });

  it('unknown paths are HTTP 404', async () => {
    const r = await post(`${portal.url}/api/egw/khongCo`, {});
    expect(r.status).toBe(404);
  });
});
