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

  it('PATCH edits an account (name, ID-card number, role): validated at the edge, problem+json codes, a role change ends the sessions', async () => {
    const created = await admin('POST', '/api/admin/users', {
      username: 'nv-sua',
      displayName: 'Trần Văn Cũ',
      role: 'auditor',
      password: 'a long enough password',
    });
    expect(created.status).toBe(201);
    const before = created.json.user as { updatedAt: string };
    const renamed = await admin('PATCH', '/api/admin/users/nv-sua', { displayName: '  Trần Văn Mới ', cccd: '001190022222' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.user).toMatchObject({ username: 'nv-sua', displayName: 'Trần Văn Mới', cccd: '001190022222', role: 'auditor' });
    expect(renamed.json.user.updatedAt).not.toBe(undefined);
    expect(Date.parse(renamed.json.user.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    expect((await admin('GET', '/api/admin/users')).json.items.find((u: { username: string }) => u.username === 'nv-sua')).toMatchObject({
      displayName: 'Trần Văn Mới',
      cccd: '001190022222',
    });

    // Refusals, each problem+json with its code and field; nothing changed.
    const refusals: Array<[unknown, number, string, string | undefined]> = [
      [{ cccd: '12345' }, 400, 'FIELD_INVALID', 'cccd'],
      [{ cccd: 12 }, 400, 'FIELD_INVALID', 'cccd'],
      [{ role: 'boss' }, 400, 'FIELD_INVALID', 'role'],
      [{ displayName: '   ' }, 400, 'FIELD_INVALID', 'displayName'],
      [{ displayName: 'x'.repeat(201) }, 400, 'FIELD_TOO_LONG', 'displayName'],
      [{ username: 'other' }, 400, 'FIELD_UNKNOWN', 'username'],
      [{ password: 'a long enough password' }, 400, 'FIELD_UNKNOWN', 'password'],
      [{}, 400, 'BODY_INVALID', undefined],
      // A receptionist needs an ID-card number: not without one, and not cleared.
      [{ role: 'receptionist', cccd: null }, 400, 'FIELD_MISSING', 'cccd'],
    ];
    for (const [body, status, code, field] of refusals) {
      const r = await admin('PATCH', '/api/admin/users/nv-sua', body);
      expect([r.status, r.json.code, r.json.field], JSON.stringify(body)).toEqual([status, code, field]);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const none = await admin('PATCH', '/api/admin/users/nobody-here', { displayName: 'Ai Đó' });
    expect([none.status, none.json.code]).toEqual([404, 'USER_NOT_FOUND']);
    const self = await admin('PATCH', `/api/admin/users/${ACCOUNTS.admin.username}`, { role: 'auditor' });
    expect([self.status, self.json.code]).toEqual([409, 'CANNOT_CHANGE_OWN_ROLE']);
    // Their own name is fine.
    expect((await admin('PATCH', `/api/admin/users/${ACCOUNTS.admin.username}`, { displayName: 'Quản Trị Viên' })).status).toBe(200);

    // A role change ends the account's sessions: it signs in anew with what it may do now.
    const session = (await k.login('nv-sua', 'a long enough password')).cookie!;
    expect((await k.request('GET', '/api/session', { cookie: session })).status).toBe(200);
    const promoted = await admin('PATCH', '/api/admin/users/nv-sua', { role: 'receptionist' });
    expect(promoted.json.user).toMatchObject({ role: 'receptionist', cccd: '001190022222' });
    expect((await k.request('GET', '/api/session', { cookie: session })).status).toBe(401);
    const again = await k.login('nv-sua', 'a long enough password');
    expect(again.json.user).toMatchObject({ role: 'receptionist', displayName: 'Trần Văn Mới' });
    // Clearing the ID-card number of a non-receptionist is allowed ("" or null).
    expect((await admin('PATCH', '/api/admin/users/nv-sua', { role: 'auditor', cccd: '' })).json.user).toMatchObject({
      role: 'auditor',
      cccd: null,
    });

    // Only an admin may.
    const auditorNow = (await k.login('nv-sua', 'a long enough password')).cookie!;
    const asOther = await k.request('PATCH', '/api/admin/users/nv-sua', { cookie: auditorNow, body: { displayName: 'Tự Sửa' } });
    expect([asOther.status, asOther.json.code]).toEqual([403, 'FORBIDDEN_ROLE']);
  });

  it('every account change is logged like the other admin actions: the code, the account, the admin; never a name, ID number or password', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const capture = {
      debug: () => undefined,
      info: (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, ...fields }),
      warn: (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, ...fields }),
      error: (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, ...fields }),
    };
    const k2 = await startLogKiosk({ service: { logger: capture } });
    try {
      const as = (method: string, path: string, body?: unknown) => k2.request(method, path, { cookie: k2.cookies.admin, body: body ?? {} });
      expect(
        (
          await as('POST', '/api/admin/users', {
            username: 'nv-log',
            displayName: 'Võ Thị Ghi',
            role: 'auditor',
            password: 'a long enough password',
          })
        ).status,
      ).toBe(201);
      expect((await as('PATCH', '/api/admin/users/nv-log', { displayName: 'Võ Thị Ghi Sổ', cccd: '001190033333' })).status).toBe(200);
      expect((await as('PATCH', '/api/admin/users/nv-log', { role: 'receptionist' })).status).toBe(200);
      expect((await as('POST', '/api/admin/users/nv-log/disable')).status).toBe(200);
      expect((await as('POST', '/api/admin/users/nv-log/enable')).status).toBe(200);
      expect((await as('POST', '/api/admin/users/nv-log/password', { password: 'another long passphrase' })).status).toBe(200);
      const ours = lines.filter((l) => l.username === 'nv-log').map(({ code, admin, fields, role }) => ({ code, admin, fields, role }));
      const a = ACCOUNTS.admin.username;
      expect(ours).toStrictEqual([
        { code: 'USER_CREATED', admin: a, fields: undefined, role: 'auditor' },
        { code: 'USER_UPDATED', admin: a, fields: ['displayName', 'cccd'], role: undefined },
        { code: 'USER_UPDATED', admin: a, fields: ['role'], role: 'receptionist' },
        { code: 'USER_DISABLED', admin: a, fields: undefined, role: undefined },
        { code: 'USER_ENABLED', admin: a, fields: undefined, role: undefined },
        { code: 'USER_PASSWORD_RESET', admin: a, fields: undefined, role: undefined },
      ]);
      const all = JSON.stringify(lines);
      for (const secret of ['Võ Thị Ghi', '001190033333', 'a long enough password', 'another long passphrase'])
        expect(all).not.toContain(secret);
    } finally {
      await k2.close();
    }
  });
});
