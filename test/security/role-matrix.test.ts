/**
 * The role matrix of the real service: every API route × {anonymous, receptionist, auditor,
 * admin}, generated from the one ROUTES list below. A route's own roles get its ordinary answer
 * (exact status, and code where it answers a problem); anyone else is refused by the one role
 * gate (server/http/routes/session-auth.ts): no session → 401 SESSION_REQUIRED, another role →
 * 403 FORBIDDEN_ROLE, both problem+json. The online card check is configured (its routes exist)
 * with a portal nobody answers at; signed cards never wait for it.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/users/types.js';
import { ACCOUNTS, startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

type Who = 'anonymous' | Role;
const WHO: Who[] = ['anonymous', 'receptionist', 'auditor', 'admin'];
const ALL: Role[] = ['receptionist', 'auditor', 'admin'];

let k: SecurityKiosk;
let secretDir: string;
let cardN = 100;
let userN = 0;
const UNKNOWN_ID = '0190f0c4-0000-7000-8000-000000000000';

interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Roles allowed; 'public': no session needed (everyone gets `ok`). */
  allowed: Role[] | 'public';
  /** The allowed answer: status, and the problem code when it is one. */
  ok: [number, string?];
  body?: () => unknown;
}

/** Every API route the service mounts with this configuration. */
const ROUTES: Route[] = [
  // Public: health, readiness, status, metrics (loopback), verify, sign-in.
  { method: 'GET', path: '/api/health', allowed: 'public', ok: [200] },
  { method: 'GET', path: '/api/ready', allowed: 'public', ok: [200] },
  { method: 'GET', path: '/api/status', allowed: 'public', ok: [200] },
  { method: 'GET', path: '/metrics', allowed: 'public', ok: [200] },
  { method: 'POST', path: '/api/verify', allowed: 'public', ok: [200], body: () => ({ qr: 'not a card' }) },
  {
    method: 'POST',
    path: '/api/session',
    allowed: 'public',
    ok: [401, 'LOGIN_FAILED'],
    body: () => ({ username: ACCOUNTS.admin.username, password: 'not the password' }),
  },
  // Any signed-in operator.
  { method: 'GET', path: '/api/session', allowed: ALL, ok: [200] },
  { method: 'GET', path: '/api/visit-codes', allowed: ALL, ok: [200] },
  // Receptionist.
  { method: 'POST', path: '/api/check-ins', allowed: ['receptionist'], ok: [201], body: async () => ({ qr: await k.card(cardN++) }) },
  { method: 'GET', path: '/api/visits/recent', allowed: ['receptionist'], ok: [200] },
  { method: 'POST', path: '/api/card-checks', allowed: ['receptionist'], ok: [200], body: async () => ({ qr: await k.card(cardN++) }) },
  { method: 'GET', path: `/api/card-checks/${UNKNOWN_ID}`, allowed: ['receptionist'], ok: [404, 'CARD_CHECK_NOT_FOUND'] },
  // Auditor.
  { method: 'GET', path: '/api/audit/visits', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/visits.csv', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/summary', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/integrity', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/reads', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/sync/parked', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/card-checks', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/card-checks.csv', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/rechecks/flagged', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/check-in-records?date=2026-11-25', allowed: ['auditor'], ok: [200] },
  { method: 'GET', path: '/api/audit/check-in-records.xml?date=2026-11-25', allowed: ['auditor'], ok: [503, 'CHECKIN_KEY_UNAVAILABLE'] },
  // Admin.
  { method: 'GET', path: '/api/admin/users', allowed: ['admin'], ok: [200] },
  {
    method: 'POST',
    path: '/api/admin/users',
    allowed: ['admin'],
    ok: [201],
    body: () => ({
      username: `nv-matrix-${++userN}`,
      displayName: 'Phạm Văn Mới',
      role: 'receptionist',
      cccd: '001190011111',
      password: 'a long enough password',
    }),
  },
  {
    method: 'PATCH',
    path: '/api/admin/users/nobody-here',
    allowed: ['admin'],
    ok: [404, 'USER_NOT_FOUND'],
    body: () => ({ displayName: 'Tên Mới' }),
  },
  { method: 'POST', path: '/api/admin/users/nobody-here/disable', allowed: ['admin'], ok: [404, 'USER_NOT_FOUND'], body: () => ({}) },
  { method: 'POST', path: '/api/admin/users/nobody-here/enable', allowed: ['admin'], ok: [404, 'USER_NOT_FOUND'], body: () => ({}) },
  {
    method: 'POST',
    path: '/api/admin/users/nobody-here/password',
    allowed: ['admin'],
    ok: [404, 'USER_NOT_FOUND'],
    body: () => ({ password: 'a long enough password' }),
  },
  { method: 'POST', path: '/api/admin/trust/refresh', allowed: ['admin'], ok: [200], body: () => ({}) },
];

beforeAll(async () => {
  secretDir = mkdtempSync(join(tmpdir(), 'kiosk-roles-'));
  const pw = join(secretDir, 'portal-password');
  writeFileSync(pw, 'mật khẩu cổng 2026');
  chmodSync(pw, 0o600);
  k = await startSecurityKiosk({
    flags: ['--portal-url', 'http://127.0.0.1:9', '--portal-user', '12001_bv', '--portal-password-file', pw],
  });
});
afterAll(async () => {
  await k?.close();
  rmSync(secretDir, { recursive: true, force: true });
});

function expected(r: Route, who: Who): [number, string?] {
  if (r.allowed === 'public') return r.ok;
  if (who === 'anonymous') return [401, 'SESSION_REQUIRED'];
  return r.allowed.includes(who) ? r.ok : [403, 'FORBIDDEN_ROLE'];
}

describe('role matrix', () => {
  for (const r of ROUTES) {
    for (const who of WHO) {
      const want = expected(r, who);
      it(`${r.method} ${r.path} as ${who} → ${want.join(' ')}`, async () => {
        const body = r.body ? await r.body() : undefined;
        const res = await k.request(r.method, r.path, {
          ...(who !== 'anonymous' ? { cookie: k.cookies[who] } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        const got: [number, string?] = want[1] === undefined ? [res.status] : [res.status, res.json?.code];
        expect(got, res.text.slice(0, 200)).toEqual(want);
        if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      });
    }
  }

  it('the list covers every route: an unknown /api path is 404 NOT_FOUND for everyone', async () => {
    for (const who of WHO) {
      const res = await k.request('GET', '/api/admin/secret', who === 'anonymous' ? {} : { cookie: k.cookies[who] });
      expect([res.status, res.json.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('the scanner’s event stream is not mounted without a scanner device: 404 NOT_FOUND for everyone', async () => {
    for (const who of WHO) {
      const res = await k.request('GET', '/api/scanner/events', who === 'anonymous' ? {} : { cookie: k.cookies[who] });
      expect([res.status, res.json.code]).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('a route in the wrong method is not a way round the gate', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/trust/refresh'],
      ['DELETE', '/api/admin/users'],
      ['GET', '/api/check-ins'],
      ['POST', '/api/audit/visits'],
    ] as const) {
      const res = await k.request(method, path, { cookie: k.cookies.receptionist, ...(method === 'GET' ? {} : { body: {} }) });
      expect([res.status, res.json.code], `${method} ${path}`).toEqual([404, 'NOT_FOUND']);
    }
  });

  it('a disabled operator’s session is refused at once: 401 SESSION_REQUIRED', async () => {
    const made = await k.request('POST', '/api/admin/users', {
      cookie: k.cookies.admin,
      body: { username: 'nv-disabled', displayName: 'Vũ Thị Tắt', role: 'auditor', password: 'a long enough password' },
    });
    expect(made.status).toBe(201);
    const login = await k.login('nv-disabled', 'a long enough password');
    expect((await k.request('GET', '/api/audit/integrity', { cookie: login.cookie! })).status).toBe(200);
    const off = await k.request('POST', '/api/admin/users/nv-disabled/disable', { cookie: k.cookies.admin, body: {} });
    expect(off.status).toBe(200);
    const after = await k.request('GET', '/api/audit/integrity', { cookie: login.cookie! });
    expect([after.status, after.json.code]).toEqual([401, 'SESSION_REQUIRED']);
  });

  it('DELETE /api/session → 204 for everyone; the signed-out cookie is no session afterwards', async () => {
    const anon = await k.request('DELETE', '/api/session');
    expect(anon.status).toBe(204);
    for (const role of ALL) {
      const fresh = await k.login(ACCOUNTS[role].username);
      const out = await k.request('DELETE', '/api/session', { cookie: fresh.cookie! });
      expect(out.status).toBe(204);
      const again = await k.request('GET', '/api/session', { cookie: fresh.cookie! });
      expect([again.status, again.json.code]).toEqual([401, 'SESSION_REQUIRED']);
    }
  });
});
