import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../server/users/types.js';
import { startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk;
let qr: string;
beforeAll(async () => {
  k = await startLogKiosk();
  qr = await k.card(1);
});
afterAll(async () => {
  await k?.close();
});

type Who = 'none' | Role;
const WHO: Who[] = ['none', 'receptionist', 'auditor', 'admin'];

/** Every protected endpoint and the only role allowed to use it. */
const ENDPOINTS: Array<{ method: string; path: string; allowed: Role; body?: () => unknown }> = [
  { method: 'POST', path: '/api/check-ins', allowed: 'receptionist', body: () => ({ qr }) },
  { method: 'GET', path: '/api/visits/recent', allowed: 'receptionist' },
  { method: 'GET', path: '/api/audit/visits', allowed: 'auditor' },
  { method: 'GET', path: '/api/audit/visits.csv', allowed: 'auditor' },
  { method: 'GET', path: '/api/audit/summary', allowed: 'auditor' },
  { method: 'GET', path: '/api/audit/integrity', allowed: 'auditor' },
  { method: 'GET', path: '/api/audit/reads', allowed: 'auditor' },
  { method: 'GET', path: '/api/audit/sync/parked', allowed: 'auditor' },
  { method: 'GET', path: '/api/admin/users', allowed: 'admin' },
  {
    method: 'POST',
    path: '/api/admin/users',
    allowed: 'admin',
    body: () => ({
      username: `nv-${Math.random().toString(36).slice(2, 8)}`,
      displayName: 'Phạm Văn Mới',
      role: 'receptionist',
      cccd: '001190011111',
      password: 'a long enough password',
    }),
  },
  { method: 'POST', path: '/api/admin/users/nobody-here/disable', allowed: 'admin', body: () => ({}) },
  { method: 'POST', path: '/api/admin/users/nobody-here/enable', allowed: 'admin', body: () => ({}) },
  { method: 'POST', path: '/api/admin/users/nobody-here/password', allowed: 'admin', body: () => ({ password: 'a long enough password' }) },
];

describe('role matrix: each endpoint × no session / each role', () => {
  for (const e of ENDPOINTS) {
    for (const who of WHO) {
      const expected = who === 'none' ? [401, 'SESSION_REQUIRED'] : who === e.allowed ? 'allowed' : [403, 'FORBIDDEN_ROLE'];
      it(`${e.method} ${e.path} as ${who} → ${Array.isArray(expected) ? expected.join(' ') : 'allowed'}`, async () => {
        const r = await k.request(e.method, e.path, {
          ...(who !== 'none' ? { cookie: k.cookies[who] } : {}),
          ...(e.body ? { body: e.body() } : {}),
        });
        if (expected === 'allowed') {
          expect(r.status).toBeLessThan(500);
          expect([401, 403]).not.toContain(r.status);
        } else {
          expect([r.status, r.json?.code]).toEqual(expected);
          expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
        }
      });
    }
  }

  it('a forged or malformed session cookie is no session', async () => {
    for (const cookie of ['kiosk_session=' + 'A'.repeat(43), 'kiosk_session=abc', "kiosk_session=' OR 1=1 --", 'other=1']) {
      const r = await k.request('GET', '/api/visits/recent', { cookie });
      expect([r.status, r.json.code]).toEqual([401, 'SESSION_REQUIRED']);
    }
  });
});
