/**
 * Shared by the visit-log tests: a running kiosk service (real SQLite file, port 0, frozen
 * clock) trusting a throw-away test issuer, with one account per role, and a tiny HTTP client.
 */
import { fixedClock } from '../../../server/clock.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { hashPassword } from '../../../server/users/password.js';
import type { Role } from '../../../server/users/types.js';
import { UserRepository } from '../../../server/users/user-repo.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';
import { startTestKiosk } from '../../helpers/kiosk-service.js';
import type { ServiceOptions } from '../../../server/app/service.js';

export const NOW = Date.parse('2026-11-25T02:00:00Z');
export const PASSWORD = 'correct horse battery staple';

export const ACCOUNTS: Record<Role, { username: string; displayName: string; cccd: string }> = {
  receptionist: { username: 'thu-ngan', displayName: 'Nguyễn Thị Thu', cccd: '001190012345' },
  auditor: { username: 'kiem-tra', displayName: 'Trần Văn Kiểm', cccd: '001190054321' },
  admin: { username: 'quan-ly', displayName: 'Lê Quản Lý', cccd: '001190099999' },
};

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // The API's JSON answer: the tests assert on its shape, so it is deliberately untyped here.
  json: any;
}

export interface LogKiosk {
  url: string;
  dataDir: string;
  issuer: TestIssuer;
  clock: ReturnType<typeof fixedClock>;
  cookies: Record<Role, string>;
  request(
    method: string,
    path: string,
    opts?: { cookie?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  login(username: string, password?: string): Promise<Reply & { cookie?: string }>;
  /** A signed card with a distinct card number (n = 0, 1, 2 …). */
  card(n: number, overrides?: Record<string, unknown>, issueAt?: number): Promise<string>;
  close(): Promise<void>;
}

export function cardNumber(n: number): string {
  return `DN41212${String(n).padStart(8, '0')}`;
}

export async function startLogKiosk(opts: { flags?: string[]; service?: ServiceOptions; accounts?: boolean } = {}): Promise<LogKiosk> {
  const issuer = await makeTestIssuer({ now: NOW });
  const clock = fixedClock(NOW);
  const svc = await startTestKiosk({ trustFile: issuer.trustFile, clock, flags: opts.flags ?? [], service: opts.service ?? {} });
  if (opts.accounts !== false) {
    // A second connection to the same file, as the `user` CLI would be.
    const { db } = await openKioskDatabase(svc.dataDir, NOW);
    const users = new UserRepository(db, clock);
    const rnd = { bytes: (n: number) => Buffer.alloc(n, 7) };
    for (const [role, a] of Object.entries(ACCOUNTS) as Array<[Role, (typeof ACCOUNTS)[Role]]>) {
      await users.create({ ...a, role, passwordHash: await hashPassword(PASSWORD, rnd) });
    }
    await db.close();
  }
  const request: LogKiosk['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.cookie) headers.cookie = o.cookie;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(svc.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    // Keep a byte-order mark visible (res.text() would strip it).
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const login: LogKiosk['login'] = async (username, password = PASSWORD) => {
    const r = await request('POST', '/api/session', { body: { username, password } });
    const set = r.headers.get('set-cookie');
    const m = set ? /kiosk_session=([^;]*)/.exec(set) : null;
    return { ...r, ...(m ? { cookie: `kiosk_session=${m[1]}` } : {}) };
  };
  const cookies = {} as Record<Role, string>;
  if (opts.accounts !== false) {
    for (const role of Object.keys(ACCOUNTS) as Role[]) {
      const r = await login(ACCOUNTS[role].username);
      if (!r.cookie) throw new Error(`login of ${role} failed: ${r.status} ${r.text}`);
      cookies[role] = r.cookie;
    }
  }
  return {
    url: svc.url,
    dataDir: svc.dataDir,
    issuer,
    clock,
    cookies,
    request,
    login,
    async card(n, overrides = {}, issueAt) {
      return (await issuer.issue({ cardNumber: cardNumber(n), ...overrides }, issueAt !== undefined ? { now: issueAt } : {})).qrText;
    },
    async close() {
      await svc.close();
      await issuer.cleanup();
    },
  };
}
