/**
 * The admin API's additions (#13 item 15), on the real kiosk service: the last sign-in of each
 * account, re-enabling a disabled one, a password reset that ends the user's sessions, and a
 * receptionist that cannot be made without an ID-card number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, NOW, PASSWORD, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk;
beforeAll(async () => {
  k = await startLogKiosk();
});
afterAll(async () => {
  await k?.close();
});
const admin = (method: string, path: string, body?: unknown) =>
  k.request(method, path, { cookie: k.cookies.admin, ...(body !== undefined ? { body } : {}) });

describe('admin: operators', () => {
  it('lists the last sign-in of each account (null before the first)', async () => {
    const created = await admin('POST', '/api/admin/users', {
      username: 'nv-chua',
      displayName: 'Chưa Đăng Nhập',
      role: 'auditor',
      password: 'a long enough password',
    });
    expect(created.status).toBe(201);
    expect(created.json.user.lastLoginAt).toBeNull();
    const list = await admin('GET', '/api/admin/users');
    const by = (u: string) => list.json.items.find((x: { username: string }) => x.username === u);
    expect(by(ACCOUNTS.receptionist.username).lastLoginAt).toBe(new Date(NOW).toISOString());
    expect(by('nv-chua').lastLoginAt).toBeNull();
    expect(JSON.stringify(list.json)).not.toMatch(/scrypt|password/i);
  });

  it('disables and re-enables an account; USER_NOT_FOUND for nobody', async () => {
    const u = ACCOUNTS.auditor.username;
    expect((await admin('POST', `/api/admin/users/${u}/disable`, {})).json.user.disabled).toBe(true);
    expect((await k.login(u)).json.code).toBe('LOGIN_FAILED');
    expect((await admin('POST', `/api/admin/users/${u}/enable`, {})).json.user.disabled).toBe(false);
    expect((await k.login(u)).status).toBe(200);
    const none = await admin('POST', '/api/admin/users/nobody-here/enable', {});
    expect([none.status, none.json.code]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('resets a password: the old one and the open sessions stop working, the new one signs in', async () => {
    const u = ACCOUNTS.receptionist.username;
    const session = (await k.login(u)).cookie!;
    expect((await k.request('GET', '/api/session', { cookie: session })).status).toBe(200);
    const bad = await admin('POST', `/api/admin/users/${u}/password`, { password: 'short' });
    expect([bad.status, bad.json.code, bad.json.field]).toEqual([400, 'FIELD_INVALID', 'password']);
    const extra = await admin('POST', `/api/admin/users/${u}/password`, { password: 'a brand new passphrase', role: 'admin' });
    expect(extra.json.code).toBe('FIELD_UNKNOWN');
    const r = await admin('POST', `/api/admin/users/${u}/password`, { password: 'a brand new passphrase' });
    expect(r.status).toBe(200);
    expect((await k.request('GET', '/api/session', { cookie: session })).status).toBe(401);
    expect((await k.login(u, PASSWORD)).json.code).toBe('LOGIN_FAILED');
    expect((await k.login(u, 'a brand new passphrase')).status).toBe(200);
    // Only an admin may (the auditor signs in again: the disable above ended their session).
    const auditor = (await k.login(ACCOUNTS.auditor.username)).cookie!;
    const asAuditor = await k.request('POST', `/api/admin/users/${u}/password`, { cookie: auditor, body: { password: 'x'.repeat(20) } });
    expect(asAuditor.status).toBe(403);
  });

  it('refuses a receptionist without an ID-card number: FIELD_MISSING naming cccd', async () => {
    const r = await admin('POST', '/api/admin/users', {
      username: 'nv-khong-cccd',
      displayName: 'Không Có Số',
      role: 'receptionist',
      password: 'a long enough password',
    });
    expect([r.status, r.json.code, r.json.field]).toEqual([400, 'FIELD_MISSING', 'cccd']);
  });
});
