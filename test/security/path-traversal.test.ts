/**
 * Path traversal against the real service, spoken over raw sockets so nothing normalises the
 * path first (a fetch() client would resolve `..` and `%2e%2e` before sending). The UI folder is
 * a throw-away one whose parent holds a marked secret file and a package.json: no variant may
 * serve either (or anything but the UI's own files), and every one answers 404 NOT_FOUND (or
 * 400 from Node's parser for bytes it refuses), signed in or not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, rawGet } from '../helpers/raw-http.js';
import { startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

const SECRET = 'TOP-SECRET-7f3a9c';
let root: string;
let k: SecurityKiosk;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kiosk-traversal-'));
  const ui = join(root, 'ui');
  mkdirSync(join(ui, 'assets'), { recursive: true });
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>kiosk</title>');
  writeFileSync(join(ui, 'audit.html'), '<!doctype html><title>audit</title>');
  writeFileSync(join(ui, 'admin.html'), '<!doctype html><title>admin</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(ui, '.hidden'), SECRET);
  // Beside the UI folder: what a traversal would be after.
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bhyt-kiosk', scripts: { secret: SECRET } }));
  mkdirSync(join(root, 'keys'));
  writeFileSync(join(root, 'keys', 'trust.json'), SECRET);
  k = await startSecurityKiosk({ service: { uiDir: ui } });
});
afterAll(async () => {
  await k?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Every way of spelling "one folder up" (and a few other escapes) before a target. */
const UP = [
  '/../',
  '/..%2f',
  '/..%2F',
  '/%2e%2e/',
  '/%2E%2E/',
  '/%2e%2e%2f',
  '/.%2e/',
  '/%2e./',
  '/%252e%252e/',
  '/%252e%252e%252f',
  '/..%252f',
  '/..\\',
  '/..%5c',
  '/%5c..%5c',
  '/%2e%2e%5c',
  '/....//',
  '/..;/',
  '/%c0%ae%c0%ae/',
  '/%e0%80%ae%e0%80%ae/',
  '/%ef%bc%8e%ef%bc%8e/',
  '/%uff0e%uff0e/',
  '/assets/../../',
  '/assets/%2e%2e/%2e%2e/',
  '/assets/..%2f..%2f',
  '/audit/../../',
  '/audit/..%2f..%2f',
  '/admin/%2e%2e/%2e%2e/',
  '/admin%2f..%2f..%2f',
  '/api/../',
  '/api/%2e%2e/',
  '/api/visits/..%2f..%2f',
  '/api/admin/users/..%2f..%2f',
  '//',
  '/%2f',
];
const TARGETS = ['secret.txt', 'package.json', 'keys/trust.json', 'keys%2ftrust.json'];

/** Odd requests for the UI's own names: NUL, dot files, absolute forms. */
const ODD = [
  '/index.html%00',
  '/index.html%00.js',
  '/%00',
  '/index.html/',
  '/index.html%2f',
  '/.hidden',
  '/%2ehidden',
  '/assets/app.js%00',
  '/%',
  '/%zz',
  '/%2',
  '//etc/passwd',
  '/%2fetc%2fpasswd',
  '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
  '/C:%5cWindows%5cwin.ini',
  'http://127.0.0.1/../secret.txt',
  'http://evil.invalid/../secret.txt',
  '*',
];

function expectNoLeak(body: string): void {
  expect(body).not.toContain(SECRET);
  expect(body).not.toContain('"scripts"');
  expect(body).not.toContain('root:');
}

describe('the UI is served (controls)', () => {
  it.each([
    ['/', 'kiosk'],
    ['/index.html', 'kiosk'],
    ['/audit', 'audit'],
    ['/admin', 'admin'],
    ['/assets/app.js', 'console.log(1)'],
    // An encoded slash that stays inside the folder is the same file.
    ['/assets%2fapp.js', 'console.log(1)'],
  ])('%s → 200', async (path, marker) => {
    const r = await rawGet(k.port, path);
    expect(r.status).toBe(200);
    expect(r.body).toContain(marker);
  });
});

describe('traversal → 404 NOT_FOUND, nothing outside the UI folder', () => {
  const cases = UP.flatMap((up) => TARGETS.map((t) => up + t));
  it(`${cases.length} "up" variants × 4 targets, anonymous and signed in`, async () => {
    const seen: string[] = [];
    for (const path of cases) {
      for (const cookie of [undefined, k.cookies.admin]) {
        const r = await rawGet(k.port, path, cookie ? { cookie } : {});
        expectNoLeak(r.body);
        seen.push(`${path} ${r.status} ${/"code":"([A-Z_]+)"/.exec(r.body)?.[1] ?? ''}`);
      }
    }
    expect(seen.filter((s) => !s.endsWith(' 404 NOT_FOUND'))).toEqual([]);
  });

  it.each(ODD)('%s → 404 NOT_FOUND', async (path) => {
    const r = await rawGet(k.port, path, { cookie: k.cookies.auditor });
    expectNoLeak(r.body);
    expect([r.status, /"code":"([A-Z_]+)"/.exec(r.body)?.[1]]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('bytes Node’s parser refuses → 400 and the connection closed', () => {
  it.each([
    ['a raw NUL', 'GET /index.html\0 HTTP/1.1'],
    ['a raw NUL before a target', 'GET /..\0/secret.txt HTTP/1.1'],
    ['a space in the path', 'GET /../ secret.txt HTTP/1.1'],
    ['a tab in the path', 'GET /..\t/secret.txt HTTP/1.1'],
    ['a DEL in the path', 'GET /\x7f../secret.txt HTTP/1.1'],
    ['a CR inside the request line', 'GET /\r../secret.txt HTTP/1.1'],
  ])('%s', async (_name, line) => {
    const ex = await rawExchange(k.port, [`${line}\r\nHost: 127.0.0.1:${k.port}\r\nConnection: close\r\n\r\n`]);
    expect(ex.closedByServer).toBe(true);
    expect(ex.statuses).toEqual([400]);
    expectNoLeak(ex.text);
  });
});

describe('a folder without its slash is never redirected (no Location, so no open redirect)', () => {
  const status = async (path: string) => {
    const r = await rawGet(k.port, path);
    expectNoLeak(r.body);
    return { status: r.status, location: /\r\nlocation: ([^\r]*)/i.exec(r.text)?.[1] };
  };
  // serve-static's directory redirect kept a raw backslash (`/\evil.invalid/..` → `Location:
  // /\evil.invalid/../`, which a browser reads as `//evil.invalid/`): it is off
  // (server/http/app.ts, `redirect: false`); the UI's own pages need none.
  it.each([
    '/audit/%2e%2e',
    '/admin/..',
    '/assets',
    '/assets/..',
    '//assets',
    '//evil.invalid/..',
    '/%2fevil.invalid/%2e%2e',
    '/%5cevil.invalid/%2e%2e',
    '/\\evil.invalid/..',
  ])('%s → no redirect', async (path) => {
    const r = await status(path);
    expect(r.location).toBeUndefined();
    expect(r.status).toBe(404);
  });
});

describe(':param routes take traversal strings as plain values', () => {
  it.each([
    // fetch() resolves a bare `..` segment itself: /api/admin/disable is no route.
    ['..', 'NOT_FOUND'],
    ['..%2f..%2fpackage.json', 'USER_NOT_FOUND'],
    ['%2e%2e%2f%2e%2e', 'USER_NOT_FOUND'],
    ['..%5c..%5c', 'USER_NOT_FOUND'],
    ['%00', 'USER_NOT_FOUND'],
    ['nobody%00admin', 'USER_NOT_FOUND'],
  ])('POST /api/admin/users/%s/disable → 404 %s', async (name, code) => {
    const r = await k.request('POST', `/api/admin/users/${name}/disable`, { cookie: k.cookies.admin, body: {} });
    expectNoLeak(r.text);
    expect([r.status, r.json?.code]).toEqual([404, code]);
  });

  it.each(['%2e%2e%2f%2e%2e%2fsecret.txt', '..%5c..%5csecret.txt', '%252e%252e%252f'])(
    'raw POST /api/admin/users/%s/password → 404 USER_NOT_FOUND',
    async (name) => {
      const body = JSON.stringify({ password: 'a long enough password' });
      const ex = await rawExchange(k.port, [
        `POST /api/admin/users/${name}/password HTTP/1.1\r\nHost: 127.0.0.1:${k.port}\r\nCookie: ${k.cookies.admin}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ]);
      expectNoLeak(ex.text);
      expect(ex.statuses).toEqual([404]);
      expect(ex.text).toContain('"code":"USER_NOT_FOUND"');
    },
  );
});
