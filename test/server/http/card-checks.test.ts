/**
 * The online card check through the real kiosk service (startKioskService, port 0, frozen clock)
 * against the REAL reference portal in-process on 127.0.0.1:0. The portal's latency goes through
 * an injected sleep the test releases, the desk's `?wait=S` and the re-check worker's waits are
 * gates the test opens: nothing waits for real time.
 */
import { manualSleep } from '../../helpers/manual-sleep.js';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { createLogger } from '../../../server/logger.js';
import { portalPasswordHash } from '../../../server/portal/options.js';
import { writeDataset } from '../../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../../server/reference-portal/server.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';
import { hashPassword } from '../../../server/users/password.js';
import { UserRepository } from '../../../server/users/user-repo.js';
import { PORTAL_PATHS } from '../../../server/wire/portal.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import { PEOPLE, person } from '../portal/fixtures.js';
import { until } from '../card-checks/fixtures.js';
import { ACCOUNTS, NOW, PASSWORD, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

const PORTAL_ACCOUNT = { username: '12001_bv', password: 'mật-khẩu của cơ sở 2026!' };
const MANUAL = person({ maSoBhxh: '1207654321', maThe: 'HC4121207654321', hoTen: 'Đỗ Văn Nhập', ngaySinh: '1975-04-30' });
/** A patient who brings only the chip ID card (its QR: bhyt-domain.md's format). */
const CHIP_ONLY = person({
  maSoBhxh: '1205550123',
  maThe: 'GD4121205550123',
  cccd: '012195005550',
  hoTen: 'Trần Thị Mai',
  ngaySinh: '1995-06-15',
  gioiTinh: 'Nữ',
});
/** A patient whose check the receptionist stops waiting for. */
const WAITED_FOR = person({ maSoBhxh: '1203330777', maThe: 'HC4121203330777', hoTen: 'Lò Văn Chờ', ngaySinh: '1968' });
const CHIP_ONLY_QR = '012195005550||Trần Thị Mai|15061995|Nữ|Số 5 Đường Trần Phú, Thành phố Lai Châu, Lai Châu|01022022';
const SECOND = { username: 'le-tan-2', displayName: 'Phạm Thị Hai', cccd: '001190077777' };
const NO_CCCD = { username: 'khong-cccd', displayName: 'Vũ Văn Thiếu' };

let portal: RunningPortal;
let portalDir: string;
let portalFlags: string[];
let k: LogKiosk;
const lines: string[] = [];
let tokenRequests = 0;
let portalHeld: Array<() => void> = [];
const portalDelays: number[] = [];
const waitGate = manualSleep();
const recheckGate = manualSleep();
const cookies: Record<string, string> = {};

function releasePortal(): void {
  const h = portalHeld;
  portalHeld = [];
  for (const r of h) r();
}

beforeAll(async () => {
  portalDir = mkdtempSync(join(tmpdir(), 'kiosk-portal-'));
  writeDataset(portalDir, {
    version: 1,
    persons: [PEOPLE.ok, PEOPLE.revoked, PEOPLE.reduced120, MANUAL, CHIP_ONLY, WAITED_FOR],
    accounts: [
      {
        username: PORTAL_ACCOUNT.username,
        password: PORTAL_ACCOUNT.password,
        facility: '12001',
        staff: [
          { hoTen: ACCOUNTS.receptionist.displayName, cccd: ACCOUNTS.receptionist.cccd },
          { hoTen: SECOND.displayName, cccd: SECOND.cccd },
        ],
      },
    ],
  });
  portal = await startPortal(testPortalConfig(portalDir), {
    clock: fixedClock(NOW),
    logger: createLogger({ sink: () => undefined }),
    sleep: (ms) => {
      portalDelays.push(ms);
      return new Promise<void>((resolve) => portalHeld.push(resolve));
    },
  });
  const passwordFile = join(portalDir, 'portal-password');
  writeFileSync(passwordFile, PORTAL_ACCOUNT.password + '\n');
  chmodSync(passwordFile, 0o600);
  portalFlags = ['--portal-url', portal.url, '--portal-user', PORTAL_ACCOUNT.username, '--portal-password-file', passwordFile];
  k = await startLogKiosk({
    flags: portalFlags,
    service: {
      logger: createLogger({ sink: (l) => lines.push(l), level: 'debug' }),
      cardChecks: {
        fetchImpl: (input, init) => {
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
          if (new URL(url).pathname === PORTAL_PATHS.token) tokenRequests++;
          return fetch(input, init);
        },
        clientSleep: () => Promise.resolve(),
        waitSleep: waitGate.sleep,
        recheckSleep: recheckGate.sleep,
      },
    },
  });
  // Two more receptionists (a second connection to the same file, as the `user` CLI would be).
  const { db } = await openKioskDatabase(k.dataDir, NOW);
  const users = new UserRepository(db, k.clock);
  const rnd = { bytes: (n: number) => Buffer.alloc(n, 7) };
  await users.create({ ...SECOND, role: 'receptionist', passwordHash: await hashPassword(PASSWORD, rnd) });
  await users.create({ ...NO_CCCD, cccd: null, role: 'receptionist', passwordHash: await hashPassword(PASSWORD, rnd) });
  await db.close();
  for (const u of [SECOND.username, NO_CCCD.username]) cookies[u] = (await k.login(u)).cookie!;
  // The worker's first round found nothing and waits on its gate.
  await until(() => recheckGate.pending() === 1, 'the re-check worker idles');
});

afterAll(async () => {
  releasePortal();
  await k?.close();
  await portal?.close();
  rmSync(portalDir, { recursive: true, force: true });
});

const rec = () => k.cookies.receptionist;
const post = (path: string, body: unknown, cookie = rec(), headers: Record<string, string> = {}) =>
  k.request('POST', path, { cookie, body, headers });
const get = (path: string, cookie = rec()) => k.request('GET', path, { cookie });
const status = async () => (await k.request('GET', '/api/status')).json;

describe('online card check through the kiosk service', () => {
  it('/api/status: portal unknown before the first answer', async () => {
    const s = await status();
    expect(s.portal).toMatchObject({ enabled: true, state: 'unknown', checkMode: 'unsigned', inFlight: 0, lastAnswer: null });
    expect(s.portal.awaitingRecheck).toBe(0);
    expect(s.warnings).not.toContain('PORTAL_DOWN');
  });

  it('20 concurrent card checks (two receptionists): every one answered, ONE token request', async () => {
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('/api/card-checks?wait=10', { qr: LEGACY_HC }, i % 2 === 0 ? rec() : cookies[SECOND.username]),
      ),
    );
    for (const r of all) {
      expect(r.status).toBe(200);
      expect(r.json.portal).toMatchObject({ state: 'done', code: '000' });
    }
    expect(new Set(all.map((r) => r.json.id)).size).toBe(20);
    expect(tokenRequests).toBe(1);
    const s = await status();
    expect(s.portal).toMatchObject({ state: 'reachable', inFlight: 0, lastAnswer: { state: 'done', code: '000' } });
  });

  it('a legacy paper-card QR: checked online (000 → accepted), then checked in by cardCheckId with the portal fields', async () => {
    const c = await post('/api/card-checks?wait=10', { qr: LEGACY_HC });
    expect(c.status).toBe(200);
    expect(c.json.result).toMatchObject({ verdict: 'accepted', source: 'legacy-unsigned', portalCode: '000' });
    expect(c.json.portal).toMatchObject({ state: 'done', code: '000' });
    expect((await get(`/api/card-checks/${c.json.id}`)).json).toEqual(c.json);

    const v = await post('/api/check-ins', { cardCheckId: c.json.id, visitType: '01' });
    expect(v.status).toBe(201);
    expect(v.json.duplicate).toBe(false);
    expect(v.json.visit).toMatchObject({
      verdict: 'accepted',
      source: 'legacy-unsigned',
      cardCheckId: c.json.id,
      portal: { state: 'done', code: '000', checkedAt: new Date(NOW).toISOString(), latencyMs: 0 },
    });
    expect(v.json.visit.qrText).toBeUndefined();
    // One check, one visit.
    const again = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('CARD_CHECK_USED');

    // The auditor sees the portal's answer on the visit, in the list and (at the end) in the CSV.
    const list = await get('/api/audit/visits?limit=1', k.cookies.auditor);
    expect(list.json.items[0]).toMatchObject({ id: v.json.visit.id, cardCheckId: c.json.id, portal: { state: 'done', code: '000' } });
    expect(list.json.items[0].recheck).toBeUndefined();
    // The stable English columns (`lang=en`); the signed card's text is never exported (#13 item 14).
    const csv = await get('/api/audit/visits.csv?lang=en', k.cookies.auditor);
    const [header, first] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header!.replace(/"/g, '')).toMatch(
      /,hash,card_check_id,portal_state,portal_code,portal_message,portal_checked_at_vn,portal_latency_ms$/,
    );
    expect(header).not.toContain('qr_text');
    expect(first).toContain(`,"${c.json.id}","done","000",`);
  });

  it('refusals carry exact codes', async () => {
    const notFound = await get('/api/card-checks/019ad3a0-0000-7000-8000-000000000000');
    expect([notFound.status, notFound.json.code]).toEqual([404, 'CARD_CHECK_NOT_FOUND']);
    const neither = await post('/api/card-checks', {});
    expect([neither.status, neither.json.code, neither.json.field]).toEqual([400, 'CARD_CHECK_INPUT_INVALID', 'qr']);
    const badName = await post('/api/card-checks', { manual: { cardNumber: MANUAL.maThe, name: '', birthDate: '1975-04-30' } });
    expect([badName.status, badName.json.code, badName.json.field]).toEqual([400, 'CARD_CHECK_INPUT_INVALID', 'manual.name']);
    const badWait = await post('/api/card-checks?wait=99', { qr: LEGACY_HC });
    expect([badWait.status, badWait.json.code, badWait.json.field]).toEqual([400, 'CARD_CHECK_INPUT_INVALID', 'wait']);
    const auditor = await post('/api/card-checks', { qr: LEGACY_HC }, k.cookies.auditor);
    expect([auditor.status, auditor.json.code]).toEqual([403, 'FORBIDDEN_ROLE']);
    const anonymous = await k.request('POST', '/api/card-checks', { body: { qr: LEGACY_HC } });
    expect([anonymous.status, anonymous.json.code]).toEqual([401, 'SESSION_REQUIRED']);

    const both = await post('/api/check-ins', { qr: LEGACY_HC, cardCheckId: 'x' });
    expect([both.status, both.json.code]).toEqual([400, 'FIELD_INVALID']);
    const unknown = await post('/api/check-ins', { cardCheckId: '019ad3a0-0000-7000-8000-000000000000' });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'CARD_CHECK_NOT_FOUND']);

    // Another receptionist's check.
    const theirs = await post('/api/card-checks?wait=10', { qr: LEGACY_HC }, cookies[SECOND.username]);
    const notYours = await post('/api/check-ins', { cardCheckId: theirs.json.id });
    expect([notYours.status, notYours.json.code]).toEqual([403, 'CARD_CHECK_NOT_YOURS']);
    const notYoursToRead = await get(`/api/card-checks/${theirs.json.id}`);
    expect([notYoursToRead.status, notYoursToRead.json.code]).toEqual([403, 'CARD_CHECK_NOT_YOURS']);
    expect((await get(`/api/card-checks/${theirs.json.id}`, cookies[SECOND.username])).status).toBe(200);
  });

  it('a portal answering after 3 s: wait=0 → pending (check-in refused), GET ?wait=10 → done', async () => {
    portal.control.setFaults({ latency: 3000 });
    const before = portalDelays.length;
    const c = await post('/api/card-checks?wait=0', {
      manual: { cardNumber: MANUAL.maThe, name: MANUAL.hoTen, birthDate: MANUAL.ngaySinh },
    });
    expect(c.status).toBe(200);
    expect(c.json.portal.state).toBe('pending');
    expect(c.json.result).toMatchObject({ verdict: 'needs_review', code: 'MANUAL_ENTRY' });
    const early = await post('/api/check-ins', { cardCheckId: c.json.id, reviewNote: 'x' });
    expect([early.status, early.json.code]).toEqual([409, 'CARD_CHECK_PENDING']);
    const waiting = get(`/api/card-checks/${c.json.id}?wait=10`);
    await until(() => portalHeld.length > 0, 'the portal holds the call');
    expect(portalDelays.slice(before)).toContain(3000);
    portal.control.setFaults({ latency: 0 });
    releasePortal();
    const done = await waiting;
    expect(done.status).toBe(200);
    expect(done.json.portal).toMatchObject({ state: 'done', code: '000' });
    expect(done.json.result).toMatchObject({ verdict: 'accepted' });

    // A manual entry becomes a visit: no QR ('' for auditors), the portal's answer on it.
    const v = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect(v.status).toBe(201);
    expect(v.json.visit).toMatchObject({ source: 'manual', verdict: 'accepted', portal: { state: 'done', code: '000' } });
    const list = await get('/api/audit/visits?limit=1', k.cookies.auditor);
    expect(list.json.items[0]).toMatchObject({ id: v.json.visit.id, qrText: '', source: 'manual' });
  });

  it('a chip ID card (CCCD) QR alone: checked by its ID number, then checked in', async () => {
    const c = await post('/api/card-checks?wait=10', { qr: CHIP_ONLY_QR });
    expect(c.status).toBe(200);
    expect(c.json.result).toMatchObject({ verdict: 'accepted', source: 'id-card' });
    expect(c.json.portal).toMatchObject({ state: 'done', code: '000' });
    const v = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect(v.status).toBe(201);
    expect(v.json.visit).toMatchObject({ source: 'id-card', verdict: 'accepted', portal: { code: '000' } });
    // The agency's record completes the card: the visit has the mã số BHXH the store books by.
    expect(v.json.visit.card).toMatchObject({ idNumber: CHIP_ONLY.cccd, maSoBhxh: CHIP_ONLY.maSoBhxh, cardNumber: CHIP_ONLY.maThe });
  });

  it('the chip ID card of a patient already checked in with the paper card is the same visit, not a second one', async () => {
    const c = await post('/api/card-checks?wait=10', { qr: CCCD });
    expect(c.json.portal).toMatchObject({ state: 'done', code: '000' });
    const v = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect([v.status, v.json.duplicate]).toEqual([200, true]);
    expect(v.json.visit).toMatchObject({ source: 'legacy-unsigned', card: { cardNumber: 'HC4121201234567' } });
  });

  it('a manual entry the portal rejects (120, reported reduced): 422 CARD_REJECTED, the attempt recorded with the portal code', async () => {
    const e = PEOPLE.reduced120;
    const c = await post('/api/card-checks?wait=10', { manual: { cardNumber: e.maThe, name: e.hoTen, birthDate: e.ngaySinh } });
    expect(c.json.portal).toMatchObject({ state: 'done', code: '120' });
    expect(c.json.result.verdict).toBe('rejected');
    const v = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect([v.status, v.json.code]).toEqual([422, 'CARD_REJECTED']);
    const list = await get('/api/audit/visits?verdict=rejected&limit=1', k.cookies.auditor);
    expect(list.json.items[0]).toMatchObject({ id: v.json.attemptId, cardCheckId: c.json.id, portal: { code: '120' } });
  });

  it('an operator without an ID-card number: a clear config code before any request (not a portal 054); status misconfigured', async () => {
    const calls = tokenRequests;
    const c = await post('/api/card-checks?wait=10', { qr: LEGACY_HC }, cookies[NO_CCCD.username]);
    expect(c.status).toBe(200);
    expect(c.json.portal).toMatchObject({ state: 'config', code: 'OPERATOR_CCCD_MISSING' });
    expect(c.json.portal.message).toMatch(/ID/i);
    expect(c.json.result.reasons.map((r: { code: string }) => r.code)).toContain('PORTAL_CONFIG_ERROR');
    expect(tokenRequests).toBe(calls);
    const s = await status();
    expect(s.portal.state).toBe('misconfigured');
    expect(s.warnings).toContain('PORTAL_CONFIG');
  });

  it('portal down: PORTAL_UNAVAILABLE, check-in with a note; portal back: the re-check is recorded and flagged when rejected', async () => {
    await portal.control.setAccepting(false);
    const r = PEOPLE.revoked;
    const c = await post('/api/card-checks?wait=10', { manual: { cardNumber: r.maThe, name: r.hoTen, birthDate: r.ngaySinh } });
    expect(c.json.portal.state).toBe('unavailable');
    expect(c.json.result.reasons.map((x: { code: string }) => x.code)).toContain('PORTAL_UNAVAILABLE');
    expect(c.json.result.verdict).toBe('needs_review');
    const s = await status();
    expect(s.portal.state).toBe('down');
    expect(s.warnings).toContain('PORTAL_DOWN');

    const noNote = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect([noNote.status, noNote.json.code]).toEqual([422, 'REVIEW_NOTE_REQUIRED']);
    const v = await post('/api/check-ins', { cardCheckId: c.json.id, reviewNote: 'portal down; card and ID papers seen' }, rec(), {
      'Idempotency-Key': 'down-1',
    });
    expect(v.status).toBe(201);
    expect(v.json.visit).toMatchObject({ verdict: 'needs_review', portal: { state: 'unavailable' }, reviewNote: expect.any(String) });
    expect((await status()).portal.awaitingRecheck).toBe(1);
    // The same key again: the same answer, replayed.
    const replay = await post('/api/check-ins', { cardCheckId: c.json.id, reviewNote: 'portal down; card and ID papers seen' }, rec(), {
      'Idempotency-Key': 'down-1',
    });
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.json.visit.id]).toEqual([201, 'true', v.json.visit.id]);

    await portal.control.setAccepting(true);
    const idle = recheckGate.next();
    recheckGate.expire();
    await idle;
    const list = await get('/api/audit/visits?limit=5', k.cookies.auditor);
    const visit = list.json.items.find((x: { id: string }) => x.id === v.json.visit.id);
    expect(visit.recheck).toEqual({ state: 'done', code: '110', verdict: 'rejected', flagged: true, at: new Date(NOW).toISOString() });
    const flagged = await get('/api/audit/rechecks/flagged', k.cookies.auditor);
    expect(flagged.status).toBe(200);
    expect(flagged.json.items).toHaveLength(1);
    expect(flagged.json.items[0]).toMatchObject({ visitId: v.json.visit.id, cardCheckId: c.json.id, portalCode: '110', flagged: true });
    expect((await status()).portal.awaitingRecheck).toBe(0);
    const badCursor = await get('/api/audit/rechecks/flagged?cursor=%25', k.cookies.auditor);
    expect([badCursor.status, badCursor.json.code]).toEqual([400, 'CURSOR_INVALID']);
    const unknownParam = await get('/api/audit/rechecks/flagged?verdict=rejected', k.cookies.auditor);
    expect([unknownParam.status, unknownParam.json.code]).toEqual([400, 'QUERY_UNKNOWN']);
  });

  it('a check older than the window cannot be checked in: 409 CARD_CHECK_EXPIRED', async () => {
    const c = await post('/api/card-checks?wait=10', { qr: LEGACY_HC });
    k.clock.advance(10 * 60_000 + 1);
    const v = await post('/api/check-ins', { cardCheckId: c.json.id });
    expect([v.status, v.json.code]).toEqual([409, 'CARD_CHECK_EXPIRED']);
  });

  it('auditors list, page and export the card checks; every read is recorded', async () => {
    const page1 = await get('/api/audit/card-checks?portalCode=000&limit=5', k.cookies.auditor);
    expect(page1.status).toBe(200);
    expect(page1.json.items).toHaveLength(5);
    expect(page1.json.items[0]).toMatchObject({ portalState: 'done', portalCode: '000', facility: '12001' });
    expect(page1.json.items[0].createdAt).toMatch(/Z$/);
    const page2 = await get(`/api/audit/card-checks?portalCode=000&limit=5&cursor=${page1.json.nextCursor}`, k.cookies.auditor);
    expect(page2.json.items[0].id).not.toBe(page1.json.items[0].id);
    const linked = await get('/api/audit/card-checks?linked=true&limit=100', k.cookies.auditor);
    expect(linked.json.items.every((x: { visitId: string | null }) => x.visitId !== null)).toBe(true);
    const csv = await get('/api/audit/card-checks.csv?portalState=config', k.cookies.auditor);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]!.replace(/"/g, '').startsWith('id,created_at_vn,')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('OPERATOR_CCCD_MISSING');

    const bad = await get('/api/audit/card-checks?portalState=bogus', k.cookies.auditor);
    expect([bad.status, bad.json.code, bad.json.field]).toEqual([400, 'QUERY_INVALID', 'portalState']);
    const badCursor = await get('/api/audit/card-checks?cursor=zzz', k.cookies.auditor);
    expect([badCursor.status, badCursor.json.code]).toEqual([400, 'CURSOR_INVALID']);
    const desk = await get('/api/audit/card-checks', rec());
    expect([desk.status, desk.json.code]).toEqual([403, 'FORBIDDEN_ROLE']);

    const reads = await get('/api/audit/reads?limit=100', k.cookies.auditor);
    const endpoints = reads.json.items.map((x: { endpoint: string }) => x.endpoint);
    expect(endpoints).toEqual(expect.arrayContaining(['card-checks', 'card-checks.csv', 'rechecks/flagged']));
    const filters = reads.json.items
      .filter((x: { endpoint: string }) => x.endpoint === 'card-checks')
      .map((x: { filter: unknown }) => x.filter);
    expect(filters).toContainEqual({ portalCode: '000', limit: 5 });
    expect(filters).toContainEqual({ portalCode: '000', limit: 5, cursor: page1.json.nextCursor });
  });

  it('giving up on a pending check: with a review note and giveUpOnPortal the visit is recorded under PORTAL_UNAVAILABLE', async () => {
    portal.control.setFaults({ latency: 3000 });
    const manual = { cardNumber: WAITED_FOR.maThe, name: WAITED_FOR.hoTen, birthDate: WAITED_FOR.ngaySinh };
    const c = await post('/api/card-checks?wait=0', { manual });
    expect(c.json.portal.state).toBe('pending');
    await until(() => portalHeld.length > 0, 'the portal holds the call');
    // Giving up needs the note the review requires; giveUpOnPortal goes with a card check only.
    const noNote = await post('/api/check-ins', { cardCheckId: c.json.id, giveUpOnPortal: true });
    expect([noNote.status, noNote.json.code]).toEqual([409, 'CARD_CHECK_PENDING']);
    const withQr = await post('/api/check-ins', { qr: LEGACY_HC, giveUpOnPortal: true, reviewNote: 'x' });
    expect([withQr.status, withQr.json.code, withQr.json.field]).toEqual([400, 'FIELD_INVALID', 'giveUpOnPortal']);
    const v = await post('/api/check-ins', { cardCheckId: c.json.id, reviewNote: 'Cổng không trả lời, đã xem CCCD', giveUpOnPortal: true });
    expect(v.status).toBe(201);
    expect(v.json.visit).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE', portal: { state: 'unavailable' } });
    expect((await get(`/api/card-checks/${c.json.id}`)).json.portal.state).toBe('unavailable');
    // The desk's giving up is not the portal being down.
    expect((await get('/api/status')).json.portal.state).not.toBe('down');
    portal.control.setFaults({ latency: 0 });
    releasePortal();
  });

  it('no log line of the run carries a credential or patient data', () => {
    expect(lines.length).toBeGreaterThan(20);
    const secrets = [PORTAL_ACCOUNT.password, portalPasswordHash(PORTAL_ACCOUNT.password), PASSWORD, 'access_token', 'token='];
    const patient = [PEOPLE.ok, PEOPLE.revoked, PEOPLE.reduced120, MANUAL].flatMap((p) =>
      [p.hoTen, p.maThe, p.maSoBhxh, p.cccd, p.ngaySinh].filter((x): x is string => typeof x === 'string'),
    );
    const staff = [ACCOUNTS.receptionist.cccd, SECOND.cccd, ACCOUNTS.receptionist.displayName];
    for (const line of lines) {
      for (const s of [...secrets, ...patient, ...staff, LEGACY_HC.slice(0, 30), CCCD.slice(0, 20)]) expect(line).not.toContain(s);
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});

describe('portal off (no KIOSK_PORTAL_URL)', () => {
  let off: LogKiosk;
  beforeAll(async () => {
    off = await startLogKiosk();
  });
  afterAll(async () => {
    await off?.close();
  });

  it('status says off; a card check is answered locally (state off) and can be checked in', async () => {
    const s = (await off.request('GET', '/api/status')).json;
    expect(s.portal).toMatchObject({ enabled: false, state: 'off', inFlight: 0, awaitingRecheck: 0 });
    expect(s.warnings).not.toContain('PORTAL_DOWN');
    const c = await off.request('POST', '/api/card-checks?wait=10', { cookie: off.cookies.receptionist, body: { qr: LEGACY_HC } });
    expect(c.status).toBe(200);
    expect(c.json.portal).toEqual({ state: 'off' });
    expect(c.json.result).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY' });
    const v = await off.request('POST', '/api/check-ins', {
      cookie: off.cookies.receptionist,
      body: { cardCheckId: c.json.id, reviewNote: 'paper card seen' },
    });
    expect(v.status).toBe(201);
    expect(v.json.visit).toMatchObject({ verdict: 'needs_review', cardCheckId: c.json.id, portal: { state: 'off' } });
  });
});

describe('a slow portal', () => {
  let slow: LogKiosk;
  const waits = manualSleep();
  beforeAll(async () => {
    slow = await startLogKiosk({
      flags: portalFlags,
      service: { cardChecks: { clientSleep: () => Promise.resolve(), waitSleep: waits.sleep, recheckSleep: manualSleep().sleep } },
    });
  });
  afterAll(async () => {
    releasePortal();
    await slow?.close();
  });

  it('answers recorded with their latency; a median above 15 s is `slow`', async () => {
    portal.control.setFaults({ latency: 20_000 });
    const c = await slow.request('POST', '/api/card-checks?wait=0', { cookie: slow.cookies.receptionist, body: { qr: LEGACY_HC } });
    expect(c.json.portal.state).toBe('pending');
    expect((await slow.request('GET', '/api/status')).json.portal).toMatchObject({ state: 'unknown', inFlight: 1 });
    await until(() => portalHeld.length > 0, 'the portal holds the call');
    slow.clock.advance(20_000);
    portal.control.setFaults({ latency: 0 });
    releasePortal();
    const done = await slow.request('GET', `/api/card-checks/${c.json.id}?wait=10`, { cookie: slow.cookies.receptionist });
    expect(done.json.portal).toMatchObject({ state: 'done', code: '000', latencyMs: 20_000 });
    const s = (await slow.request('GET', '/api/status')).json;
    expect(s.portal).toMatchObject({ state: 'slow', inFlight: 0, recent: { done: 1, medianLatencyMs: 20_000 } });
    expect(s.warnings).not.toContain('PORTAL_DOWN');
  });
});
