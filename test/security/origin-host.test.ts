/**
 * Issue #14 item 3: DNS rebinding and cross-origin writes. A page that rebinds its own name to
 * 127.0.0.1 still sends `Host: evil.example`; a page of another origin sends its `Origin`. Both
 * are refused with problem+json 403 before any handler runs, on every path (the fast
 * /api/verify, static UI files, SSE, /metrics, /api/health included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { send } from './http-client.js';

let k: LogKiosk;
let port: number;
beforeAll(async () => {
  k = await startLogKiosk({ flags: ['--public-hosts', 'kiosk.benhvien.test, 10.0.5.20:8443'] });
  port = Number(new URL(k.url).port);
});
afterAll(async () => {
  await k?.close();
});

function expectProblem(r: { status: number; headers: Record<string, unknown>; json: any }, code: string) {
  expect([r.status, r.json?.code]).toEqual([403, code]);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('Host check (every request)', () => {
  const paths: Array<[string, string, unknown?]> = [
    ['GET', '/api/status'],
    ['GET', '/api/health'],
    ['GET', '/api/ready'],
    ['GET', '/metrics'],
    ['GET', '/api/scanner/events'],
    ['GET', '/'],
    ['GET', '/index.html'],
    ['GET', '/audit'],
    ['GET', '/no/such/file.js'],
    ['POST', '/api/verify', { qr: 'HC1:x' }],
    ['POST', '/api/session', { username: 'thu-ngan', password: 'x' }],
  ];

  it.each(paths)('%s %s with Host: evil.example → 403 HOST_NOT_ALLOWED', async (method, path, body) => {
    const r = await send(k.url, method, path, { headers: { host: 'evil.example', cookie: k.cookies.receptionist }, body });
    expectProblem(r, 'HOST_NOT_ALLOWED');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('POST /api/check-ins with a valid cookie and Host: evil.example (rebound) is refused and records nothing', async () => {
    const qr = await k.card(1);
    const r = await send(k.url, 'POST', '/api/check-ins', {
      headers: { host: `evil.example:${port}`, cookie: k.cookies.receptionist },
      body: { qr },
    });
    expectProblem(r, 'HOST_NOT_ALLOWED');
    // Nothing was recorded: the same card from the desk is a new visit, not a duplicate.
    const own = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
    expect([own.status, own.json.duplicate]).toEqual([201, false]);
  });

  it('the loopback names on any port, the public hosts as configured; look-alikes refused', async () => {
    const allowed = [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `[::1]:${port}`,
      'LOCALHOST:1234',
      'kiosk.benhvien.test',
      'kiosk.benhvien.test:443',
      '10.0.5.20:8443',
    ];
    for (const host of allowed) expect((await send(k.url, 'GET', '/api/health', { headers: { host } })).status, host).toBe(200);
    const refused = [
      'evil.example',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      'kiosk.benhvien.test.evil.example',
      '10.0.5.20', // pinned to :8443
      '10.0.5.20:8080',
      '0.0.0.0',
      'a b',
      `127.0.0.1:${port}@evil.example`,
    ];
    for (const host of refused) expectProblem(await send(k.url, 'GET', '/api/health', { headers: { host } }), 'HOST_NOT_ALLOWED');
  });
});

describe('Origin check (state-changing requests)', () => {
  it('POST /api/check-ins with Origin: http://evil.example and a valid cookie → 403 ORIGIN_NOT_ALLOWED', async () => {
    const r = await send(k.url, 'POST', '/api/check-ins', {
      headers: { origin: 'http://evil.example', cookie: k.cookies.receptionist },
      body: { qr: await k.card(2) },
    });
    expectProblem(r, 'ORIGIN_NOT_ALLOWED');
    const again = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(2) } });
    expect([again.status, again.json.duplicate]).toEqual([201, false]);
  });

  it('failed sign-ins from a foreign page do not count: the account is not locked by them', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await send(k.url, 'POST', '/api/session', {
        headers: { origin: 'http://evil.example' },
        body: { username: ACCOUNTS.admin.username, password: `guess ${i}` },
      });
      expectProblem(r, 'ORIGIN_NOT_ALLOWED');
    }
    const own = await send(k.url, 'POST', '/api/session', {
      headers: { origin: `http://127.0.0.1:${port}` },
      body: { username: ACCOUNTS.admin.username, password: PASSWORD },
    });
    expect(own.status).toBe(200);
  });

  it('every unsafe method is checked; GET with a foreign Origin is not (it changes nothing)', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      expectProblem(
        await send(k.url, method, '/api/session', { headers: { origin: 'https://evil.example' }, body: {} }),
        'ORIGIN_NOT_ALLOWED',
      );
    const get = await send(k.url, 'GET', '/api/status', { headers: { origin: 'http://evil.example' } });
    expect(get.status).toBe(200);
  });

  it('own origins pass: the page the kiosk served (loopback on its own port), a public host; no Origin passes', async () => {
    const qr = await k.card(3);
    const own = await send(k.url, 'POST', '/api/verify', { headers: { origin: `http://127.0.0.1:${port}` }, body: { qr } });
    expect(own.status).toBe(200);
    for (const origin of [`http://localhost:${port}`, `http://[::1]:${port}`, 'https://kiosk.benhvien.test', 'https://10.0.5.20:8443']) {
      expect((await send(k.url, 'POST', '/api/verify', { headers: { origin }, body: { qr } })).status, origin).toBe(200);
    }
    expect((await send(k.url, 'POST', '/api/verify', { body: { qr } })).status).toBe(200);
  });

  it('foreign origins are refused: another program on localhost, null, other schemes, look-alikes', async () => {
    const qr = await k.card(4);
    for (const origin of [
      `http://127.0.0.1:${port + 1}`,
      'http://localhost:3000',
      'http://localhost',
      'null',
      'file://',
      `chrome-extension://abc`,
      'http://kiosk.benhvien.test.evil.example',
      'https://10.0.5.20', // pinned to :8443
      'not a url',
    ]) {
      expectProblem(await send(k.url, 'POST', '/api/verify', { headers: { origin }, body: { qr } }), 'ORIGIN_NOT_ALLOWED');
    }
  });

  it('the JSON content-type rule still holds for an own origin', async () => {
    const r = await send(k.url, 'POST', '/api/check-ins', {
      headers: { origin: `http://127.0.0.1:${port}`, cookie: k.cookies.receptionist, 'content-type': 'text/plain' },
      rawBody: JSON.stringify({ qr: await k.card(5) }),
    });
    expect([r.status, r.json.code]).toEqual([415, 'CONTENT_TYPE_NOT_JSON']);
  });
});
