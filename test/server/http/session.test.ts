import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, NOW, PASSWORD, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk | undefined;
afterEach(async () => {
  await k?.close();
  k = undefined;
});

describe('sessions', () => {
  it('logs in with an HttpOnly SameSite=Strict cookie, reports the user, logs out', async () => {
    k = await startLogKiosk();
    const r = await k.login(ACCOUNTS.receptionist.username);
    expect(r.status).toBe(200);
    expect(r.json.user).toEqual({
      username: 'thu-ngan',
      displayName: ACCOUNTS.receptionist.displayName,
      role: 'receptionist',
      deskId: 'desk-1',
    });
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^kiosk_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain http here; https requests get Secure
    const me = await k.request('GET', '/api/session', { cookie: r.cookie! });
    expect(me.json.user.username).toBe('thu-ngan');
    const out = await k.request('DELETE', '/api/session', { cookie: r.cookie! });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await k.request('GET', '/api/session', { cookie: r.cookie! });
    expect([after.status, after.json.code]).toEqual([401, 'SESSION_REQUIRED']);
  });

  it('the same LOGIN_FAILED for a wrong password, an unknown user and bad input shapes', async () => {
    k = await startLogKiosk();
    expect((await k.login('thu-ngan', 'wrong password')).json.code).toBe('LOGIN_FAILED');
    expect((await k.login('no-such-user', PASSWORD)).json.code).toBe('LOGIN_FAILED');
    expect((await k.login("' OR 1=1 --", PASSWORD)).json.code).toBe('LOGIN_FAILED');
    const bad = await k.request('POST', '/api/session', { body: { username: 'thu-ngan' } });
    expect([bad.status, bad.json.code]).toEqual([400, 'FIELD_MISSING']);
    const form = await k.request('POST', '/api/session', {
      rawBody: 'username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([form.status, form.json.code]).toEqual([415, 'CONTENT_TYPE_NOT_JSON']);
  });

  it('throttles failed logins per username: 5 failures → 429 even with the right password, lifted later', async () => {
    k = await startLogKiosk();
    for (let i = 0; i < 5; i++) expect((await k.login('thu-ngan', 'wrong password')).status).toBe(401);
    const locked = await k.login('thu-ngan');
    expect([locked.status, locked.json.code]).toEqual([429, 'LOGIN_THROTTLED']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other users are not locked out by one user's failures.
    expect((await k.login(ACCOUNTS.auditor.username)).status).toBe(200);
    k.clock.advance(31_000);
    expect((await k.login('thu-ngan')).status).toBe(200);
  });

  it('sessions expire after the configured lifetime', async () => {
    k = await startLogKiosk({ flags: ['--session-ttl', '1h'] });
    const c = k.cookies.receptionist;
    expect((await k.request('GET', '/api/session', { cookie: c })).status).toBe(200);
    k.clock.set(NOW + 3600_000 + 1);
    expect((await k.request('GET', '/api/session', { cookie: c })).status).toBe(401);
  });

  it('a disabled user is refused and their sessions end at once', async () => {
    k = await startLogKiosk();
    const r = await k.request('POST', `/api/admin/users/${ACCOUNTS.receptionist.username}/disable`, { cookie: k.cookies.admin, body: {} });
    expect(r.status).toBe(200);
    expect(r.json.user.disabled).toBe(true);
    expect((await k.request('GET', '/api/session', { cookie: k.cookies.receptionist })).status).toBe(401);
    expect((await k.login(ACCOUNTS.receptionist.username)).json.code).toBe('LOGIN_FAILED');
    const self = await k.request('POST', `/api/admin/users/${ACCOUNTS.admin.username}/disable`, { cookie: k.cookies.admin, body: {} });
    expect(self.json.code).toBe('CANNOT_DISABLE_SELF');
  });

  it('admins create users (validated) who can then sign in', async () => {
    k = await startLogKiosk();
    const body = {
      username: 'nv-moi',
      displayName: 'Phạm Văn Mới',
      role: 'auditor',
      cccd: '001190011111',
      password: 'another long password',
    };
    const r = await k.request('POST', '/api/admin/users', { cookie: k.cookies.admin, body });
    expect(r.status).toBe(201);
    expect(r.json.user).toMatchObject({ username: 'nv-moi', role: 'auditor', disabled: false });
    expect(JSON.stringify(r.json)).not.toContain('scrypt');
    expect((await k.request('POST', '/api/admin/users', { cookie: k.cookies.admin, body })).json.code).toBe('USERNAME_TAKEN');
    for (const bad of [
      { ...body, username: 'Bad Name' },
      { ...body, role: 'root' },
      { ...body, cccd: '12' },
      { ...body, password: 'short' },
      { ...body, displayName: '' },
    ]) {
      const x = await k.request('POST', '/api/admin/users', {
        cookie: k.cookies.admin,
        body: { ...bad, username: bad.username === 'nv-moi' ? 'nv-khac' : bad.username },
      });
      expect([x.status, x.json.code]).toEqual([400, 'FIELD_INVALID']);
    }
    expect((await k.login('nv-moi', 'another long password')).status).toBe(200);
    const list = await k.request('GET', '/api/admin/users', { cookie: k.cookies.admin });
    expect(list.json.items.map((u: { username: string }) => u.username)).toContain('nv-moi');
  });
});

describe('demo accounts', () => {
  it('a fresh demo start creates one account per role with random passwords, printed once', async () => {
    const printed: string[] = [];
    const logged: string[] = [];
    k = await startLogKiosk({
      accounts: false,
      flags: ['--demo-accounts'],
      service: {
        print: (t) => printed.push(t),
        logger: { debug() {}, info() {}, warn: (m, f) => logged.push(m + JSON.stringify(f)), error() {} },
      },
    });
    expect(printed).toHaveLength(1);
    const text = printed[0]!;
    const pw = (name: string) => new RegExp(`${name}\\s+\\w+\\s+(\\S+)`).exec(text)?.[1];
    for (const u of ['le-tan', 'kiem-toan', 'quan-tri']) {
      const p = pw(u)!;
      expect(p.length).toBeGreaterThanOrEqual(16);
      expect(logged.join('\n')).not.toContain(p);
      expect((await k.login(u, p)).status).toBe(200);
    }
    expect(pw('le-tan')).not.toBe(pw('kiem-toan'));
  });
});
