/**
 * SQL-injection strings on every filter of every auditor endpoint (and the other query, path and
 * body inputs that reach SQL) against the real service and its SQLite file. Each value either
 * fails its parameter's pattern (400 with that parameter's code: QUERY_INVALID, DATE_INVALID,
 * CURSOR_INVALID) or is an ordinary value that finds nothing (200, no rows): never a 5xx, never
 * a row it should not match. Afterwards the visits, users and card checks are all still there
 * and the chain verifies. (server/audit/filters.ts, server/card-checks/audit-filters.ts: every
 * value is checked against a pattern and bound as a parameter.)
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { NOW, countRows, integrity, startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

let k: SecurityKiosk;
let secretDir: string;
let seeded: { visits: number; users: number; checks: number };

beforeAll(async () => {
  // The online card check is on (its audit endpoints exist) with a portal nobody answers at:
  // signed cards need no portal (portal_state not_needed), so nothing here waits for it.
  secretDir = mkdtempSync(join(tmpdir(), 'kiosk-sqli-'));
  const pw = join(secretDir, 'portal-password');
  writeFileSync(pw, 'mật khẩu cổng 2026');
  chmodSync(pw, 0o600);
  k = await startSecurityKiosk({
    flags: ['--portal-url', 'http://127.0.0.1:9', '--portal-user', '12001_bv', '--portal-password-file', pw, '--checkin-report', 'off'],
  });
  for (let n = 1; n <= 3; n++) {
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(n) } });
    expect(r.status).toBe(201);
  }
  const rejected = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: 'not a card' } });
  expect(rejected.status).toBe(422);
  const check = await k.request('POST', '/api/card-checks', { cookie: k.cookies.receptionist, body: { qr: await k.card(9) } });
  expect(check.status).toBe(200);
  seeded = { visits: await countRows(k, 'visits'), users: await countRows(k, 'users'), checks: await cardCheckRows() };
  expect(seeded).toEqual({ visits: 4, users: 3, checks: 1 });
});
afterAll(async () => {
  await k?.close();
  rmSync(secretDir, { recursive: true, force: true });
});

async function cardCheckRows(): Promise<number> {
  const { db } = await openKioskDatabase(k.dataDir, NOW);
  try {
    return (await db.get<{ n: number }>('SELECT count(*) AS n FROM card_checks'))!.n;
  } finally {
    await db.close();
  }
}

/** Parameter classes and the parameters of each endpoint. */
type Param =
  | 'from'
  | 'to'
  | 'date'
  | 'cardNumber'
  | 'maSoBhxh'
  | 'verdict'
  | 'reasonCode'
  | 'operator'
  | 'desk'
  | 'name'
  | 'limit'
  | 'cursor'
  | 'top'
  | 'lang'
  | 'portalCode'
  | 'portalState'
  | 'source'
  | 'linked';

/**
 * The injection strings, and the parameters whose pattern each one happens to satisfy (those
 * answer 200 with nothing found; every other parameter refuses the value with its code).
 */
const PAYLOADS: Array<[string, Param[]]> = [
  ["' OR 1=1 --", []],
  ["' OR '1'='1", []],
  ['" OR ""="', []],
  ["'; DROP TABLE visits; --", []],
  ['"; DROP TABLE visits; --', []],
  ["%' --", []],
  ['%', []],
  ['_', ['desk']],
  ['*', []],
  ["admin'--", ['operator', 'name']],
  ["O'Brien' OR 'x", ['operator', 'name']],
  ['1 UNION SELECT password FROM users', ['operator', 'name']],
  ['1 UNION SELECT username, password_hash FROM users --', []],
  ['\u2019 OR 1=1 --', []], // right single quotation mark
  ['\uff07 OR \uff071\uff07=\uff071', []], // full-width apostrophe
  ['\u02bc OR \u02bc1', ['operator', 'name']], // modifier-letter apostrophe: a letter
  ['\u0000', []],
  ["abc\u0000' OR 1=1", []],
  ["DN4121200000001' OR '1'='1", []],
  ['1;SELECT 1', []],
  ["' OR 1=1) --", []],
  ['--', ['desk', 'operator', 'name']],
  ['/* */', []],
  ['0x27', ['cardNumber', 'desk', 'operator', 'name']],
  ['DROP_TABLE_visits', ['reasonCode', 'desk', 'operator', 'name']],
  ["2026-11-25' OR 1=1 --", []],
  ['2026-11-25; DROP TABLE visits', []],
  ['1 OR 1=1', []],
  ['-1', ['desk', 'operator', 'name']],
  ['999999999999999999999', ['desk', 'operator', 'name']],
  // Cursors that decode to injection text (the second is also longer than a name may be).
  [Buffer.from("v1:1' OR '1'='1").toString('base64url'), ['desk', 'operator', 'name']],
  [Buffer.from("c1:1:00000000-0000-0000-0000-000000000000' OR 1=1").toString('base64url'), []],
];

const CODE: Partial<Record<Param, string>> = { from: 'DATE_INVALID', to: 'DATE_INVALID', date: 'DATE_INVALID', cursor: 'CURSOR_INVALID' };

const FILTERS: Param[] = ['from', 'to', 'cardNumber', 'maSoBhxh', 'verdict', 'reasonCode', 'operator', 'desk', 'name'];
const CARD_CHECK: Param[] = ['portalCode', 'portalState', 'source', 'linked'];

type Shape = 'list' | 'csv' | 'summary' | 'day';
/** `refuses`: parameters the endpoint refuses whatever the value (card checks keep no patient name). */
const ENDPOINTS: Array<{ path: string; params: Param[]; shape: Shape; refuses?: Param[] }> = [
  { path: '/api/audit/visits', params: [...FILTERS, 'limit', 'cursor'], shape: 'list' },
  { path: '/api/audit/visits.csv', params: [...FILTERS, 'lang'], shape: 'csv' },
  { path: '/api/audit/summary', params: [...FILTERS, 'top'], shape: 'summary' },
  { path: '/api/audit/card-checks', params: [...FILTERS, 'limit', 'cursor', ...CARD_CHECK], shape: 'list', refuses: ['name'] },
  { path: '/api/audit/card-checks.csv', params: [...FILTERS, ...CARD_CHECK], shape: 'csv', refuses: ['name'] },
  { path: '/api/audit/sync/parked', params: ['limit', 'cursor'], shape: 'list' },
  { path: '/api/audit/rechecks/flagged', params: ['limit', 'cursor'], shape: 'list' },
  { path: '/api/audit/reads', params: ['limit'], shape: 'list' },
  { path: '/api/audit/check-in-records', params: ['date'], shape: 'day' },
  { path: '/api/audit/check-in-records.xml', params: ['date'], shape: 'day' },
];

/** `?name=value`, URL-encoded (the server decodes it back to the raw string). */
const qs = (pairs: Array<[string, string]>) => '?' + new URLSearchParams(pairs).toString();

describe('SQL-injection strings on every auditor filter', () => {
  for (const e of ENDPOINTS) {
    for (const param of e.params) {
      it(`${e.path} ?${param}= × ${PAYLOADS.length} strings`, async () => {
        const wrong: string[] = [];
        // All strings at once: the answers do not depend on each other (none writes but the read log).
        const replies = await Promise.all(
          PAYLOADS.map(([value]) => k.request('GET', e.path + qs([[param, value]]), { cookie: k.cookies.auditor })),
        );
        for (const [i, [value, passes]] of PAYLOADS.entries()) {
          const r = replies[i]!;
          const ordinary = passes.includes(param) && !(e.refuses ?? []).includes(param);
          const got = r.status === 400 ? `400 ${r.json?.code}` : `${r.status}`;
          const want = ordinary ? '200' : `400 ${CODE[param] ?? 'QUERY_INVALID'}`;
          if (got !== want) wrong.push(`${JSON.stringify(value)}: ${got} (want ${want})`);
          else if (ordinary) expectNothingFound(e.shape, r);
          else expect(r.json.param ?? r.json.field ?? param).toBe(param);
        }
        expect(wrong).toEqual([]);
      });
    }
  }
});

function expectNothingFound(shape: Shape, r: { json: any; text: string }): void {
  if (shape === 'list') expect(r.json.items).toEqual([]);
  else if (shape === 'csv')
    expect(
      r.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\n'),
    ).toHaveLength(1);
  else if (shape === 'summary') expect(r.json.totals.total).toBe(0);
}

describe('other shapes of the same strings', () => {
  it('a repeated parameter, an array and an object form → 400 QUERY_INVALID or QUERY_UNKNOWN', async () => {
    const cases: Array<[string, string]> = [
      ['?cardNumber=DN4121200000001&cardNumber=%27%20OR%201%3D1%20--', '400 QUERY_INVALID'],
      ['?operator=thu-ngan&operator=x', '400 QUERY_INVALID'],
      ['?cardNumber[]=%27%20OR%201%3D1', '400 QUERY_UNKNOWN'],
      ['?cardNumber[$ne]=x', '400 QUERY_UNKNOWN'],
      ['?verdict[$in][]=accepted', '400 QUERY_UNKNOWN'],
      ["?1'%20OR%20'1'%3D'1=1", '400 QUERY_UNKNOWN'],
      ['?%00=1', '400 QUERY_UNKNOWN'],
      ['?limit=1%20OR%201%3D1', '400 QUERY_INVALID'],
      ['?limit=50;DROP%20TABLE%20visits', '400 QUERY_INVALID'],
    ];
    for (const [q, want] of cases) {
      const r = await k.request('GET', '/api/audit/visits' + q, { cookie: k.cookies.auditor });
      expect(`${r.status} ${r.json?.code}`, q).toBe(want);
    }
  });

  it('ordinary filters still find the seeded rows (the strings above found none)', async () => {
    const all = await k.request('GET', '/api/audit/visits', { cookie: k.cookies.auditor });
    expect(all.json.items).toHaveLength(4);
    const one = await k.request('GET', '/api/audit/visits?cardNumber=DN4121200000001', { cookie: k.cookies.auditor });
    expect(one.json.items).toHaveLength(1);
    const checks = await k.request('GET', '/api/audit/card-checks', { cookie: k.cookies.auditor });
    expect(checks.json.items).toHaveLength(1);
    // The card-check filters are applied, not ignored (they used to answer every check).
    for (const [q, n] of [
      ['?operator=thu-ngan', 1],
      ['?operator=' + encodeURIComponent('Nguyễn Thị Thu'), 1],
      ['?operator=nguyen%20thi', 1],
      ['?operator=kiem-tra', 0],
      ['?cardNumber=00000009', 1],
      ['?cardNumber=00000001', 0],
    ] as const) {
      const r = await k.request('GET', '/api/audit/card-checks' + q, { cookie: k.cookies.auditor });
      expect([r.status, r.json.items?.length], q).toEqual([200, n]);
      const csv = await k.request('GET', '/api/audit/card-checks.csv' + q, { cookie: k.cookies.auditor });
      expect(
        csv.text
          .replace(/^\uFEFF/, '')
          .trimEnd()
          .split('\n'),
        q,
      ).toHaveLength(1 + n);
    }
    const byName = await k.request('GET', '/api/audit/card-checks?name=Nguyen', { cookie: k.cookies.auditor });
    expect([byName.status, byName.json.code]).toEqual([400, 'QUERY_INVALID']);
  });

  it('sign-in with injection usernames and passwords → 401 LOGIN_FAILED', async () => {
    for (const [username, password] of [
      ["' OR 1=1 --", 'x'],
      ['thu-ngan', "' OR '1'='1"],
      ["thu-ngan'--", 'anything'],
      ['thu-ngan\u0000', 'correct horse battery staple'],
      ['"; DROP TABLE users; --', '"; DROP TABLE sessions; --'],
    ]) {
      const r = await k.request('POST', '/api/session', { body: { username, password } });
      expect([r.status, r.json.code], username).toEqual([401, 'LOGIN_FAILED']);
      expect(r.headers.get('set-cookie')).toBeNull();
    }
  });

  it('a session cookie of injection text is no session → 401 SESSION_REQUIRED', async () => {
    for (const token of ["' OR 1=1 --", "x' UNION SELECT token FROM sessions --", '%27%20OR%201%3D1']) {
      const r = await k.request('GET', '/api/audit/visits', { cookie: `kiosk_session=${token}` });
      expect([r.status, r.json.code]).toEqual([401, 'SESSION_REQUIRED']);
    }
  });

  it('path parameters: a card check id and a username of injection text → 404', async () => {
    for (const id of ["' OR 1=1 --", "1' OR '1'='1", "00000000-0000-0000-0000-000000000000' OR 1=1 --"]) {
      const c = await k.request('GET', `/api/card-checks/${encodeURIComponent(id)}`, { cookie: k.cookies.receptionist });
      expect([c.status, c.json.code], id).toEqual([404, 'CARD_CHECK_NOT_FOUND']);
      const u = await k.request('POST', `/api/admin/users/${encodeURIComponent(id)}/disable`, { cookie: k.cookies.admin, body: {} });
      expect([u.status, u.json.code], id).toEqual([404, 'USER_NOT_FOUND']);
      const patched = await k.request('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, {
        cookie: k.cookies.admin,
        body: { displayName: "x'); DROP TABLE users; --" },
      });
      expect([patched.status, patched.json.code], id).toEqual([404, 'USER_NOT_FOUND']);
    }
  });

  it('an operator created with an injection display name is stored as text; a username of injection text is refused', async () => {
    const made = await k.request('POST', '/api/admin/users', {
      cookie: k.cookies.admin,
      body: { username: 'nv-sqli', displayName: "Robert'); DROP TABLE users;--", role: 'auditor', password: 'a long enough password' },
    });
    expect(made.status).toBe(201);
    const list = await k.request('GET', '/api/admin/users', { cookie: k.cookies.admin });
    expect(list.json.items.map((u: { displayName: string }) => u.displayName)).toContain("Robert'); DROP TABLE users;--");
    const bad = await k.request('POST', '/api/admin/users', {
      cookie: k.cookies.admin,
      body: { username: "x' OR 1=1 --", displayName: 'X', role: 'auditor', password: 'a long enough password' },
    });
    expect([bad.status, bad.json.code]).toEqual([400, 'FIELD_INVALID']);
    const byName = await k.request('GET', '/api/audit/visits' + qs([['operator', "Robert'); DROP TABLE users;--"]]), {
      cookie: k.cookies.auditor,
    });
    expect([byName.status, byName.json.code]).toEqual([400, 'QUERY_INVALID']);
  });
});

describe('afterwards', () => {
  it('every table is intact: visits, users, card checks; the chain verifies', async () => {
    expect(await countRows(k, 'visits')).toBe(seeded.visits);
    expect(await countRows(k, 'users')).toBe(seeded.users + 1);
    expect(await cardCheckRows()).toBe(seeded.checks);
    expect(await integrity(k)).toEqual({ intact: true, count: seeded.visits });
  });
});
