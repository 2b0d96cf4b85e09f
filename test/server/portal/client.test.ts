/**
 * The portal client against the REAL reference portal (server/reference-portal/, in process on
 * 127.0.0.1:0, frozen portal clock): every result code → the kiosk's verdict, token renewal,
 * one shared renewal for 20 desks, time budget, retries, the operator rule, and no secrets or
 * patient data in any log line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../../server/wire/verification.js';
import { verifyQr } from '../../../server/card/verify.js';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { PortalRequestError } from '../../../server/portal/errors.js';
import { manualEntryResult, mergePortalOutcome } from '../../../server/portal/merge.js';
import { portalPasswordHash } from '../../../server/portal/options.js';
import { subjectFromManual, subjectFromResult, type ManualEntry } from '../../../server/portal/request.js';
import type { PortalPerson } from '../../../server/reference-portal/dataset-schema.js';
import type { TrustSnapshot } from '../../../server/trust/types.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import {
  ACCOUNT,
  OPERATOR,
  OPERATOR_NOT_REGISTERED,
  OPERATOR_WRONG_NAME,
  PEOPLE,
  PORTAL_NOW,
  TOKEN_TTL_S,
  inputUrl,
  makeClient,
  startTestPortal,
  type ClientHarness,
  type PortalHarness,
} from './fixtures.js';

let h: PortalHarness;
/** Every log line every client of this file wrote. */
const lines: string[] = [];
const harnesses: ClientHarness[] = [];
let offsetMs = 0;

beforeAll(async () => {
  h = await startTestPortal();
});
afterEach(async () => {
  h.portal.control.setFaults({ latency: 0, failRate: 0, answerCode: null, next: [], authFailureAs: 'body' });
  await h.portal.control.setAccepting(true);
});
afterAll(async () => {
  await h.close();
});

function client(...args: Parameters<typeof makeClient> extends [string, string[], ...infer R] ? R : never): ClientHarness {
  const c = makeClient(h.portal.url, lines, ...args);
  harnesses.push(c);
  return c;
}

/** Moves the portal's clock on (tokens it issued expire); the clients' clocks stay put. */
function advancePortalClock(ms: number): void {
  offsetMs += ms;
  h.portal.control.setClockOffset(offsetMs);
}

function entry(p: PortalPerson, over: Partial<ManualEntry> = {}): ManualEntry {
  return { cardNumber: p.maThe ?? p.maSoBhxh, name: p.hoTen, birthDate: p.ngaySinh, ...over };
}

let shared: ClientHarness;
beforeAll(() => {
  shared = client();
});

async function checkManual(e: ManualEntry, c: ClientHarness = shared, op: { name: string; cccd: string | null } = OPERATOR) {
  const outcome = await c.client.check(subjectFromManual(e), op);
  return { outcome, merged: mergePortalOutcome(manualEntryResult(e, PORTAL_NOW), outcome) };
}

const ok = PEOPLE.ok;

describe('every result code → its verdict (reference portal)', () => {
  it.each<[string, () => ManualEntry, { name: string; cccd: string }, string, VerifyResult['verdict'], string]>([
    ['000 correct', () => entry(ok), OPERATOR, '000', 'accepted', 'OK'],
    ['001 defence fund', () => entry(PEOPLE.defence), OPERATOR, '001', 'needs_review', 'SPECIAL_FUND_CARD'],
    ['002 police fund', () => entry(PEOPLE.police), OPERATOR, '002', 'needs_review', 'SPECIAL_FUND_CARD'],
    ['003 replaced', () => entry(PEOPLE.replaced), OPERATOR, '003', 'rejected', 'CARD_REPLACED'],
    ['004 renewed', () => entry(PEOPLE.renewed), OPERATOR, '004', 'accepted', 'NEW_CARD_ISSUED'],
    ['010 expired', () => entry(PEOPLE.expired), OPERATOR, '010', 'rejected', 'CARD_EXPIRED'],
    ['050 unknown', () => entry(ok, { cardNumber: '1299999999' }), OPERATOR, '050', 'needs_review', 'PORTAL_CARD_NOT_FOUND'],
    ['051 wrong number', () => entry(ok, { cardNumber: 'DN4121201234567' }), OPERATOR, '051', 'rejected', 'CARD_NUMBER_INVALID'],
    ['052 wrong province', () => entry(ok, { cardNumber: 'HC4991201234567' }), OPERATOR, '052', 'rejected', 'CARD_NUMBER_INVALID'],
    ['053 wrong benefit', () => entry(ok, { cardNumber: 'HC7121201234567' }), OPERATOR, '053', 'rejected', 'CARD_NUMBER_INVALID'],
    ['054 staff ID', () => entry(ok), OPERATOR_NOT_REGISTERED, '054', 'needs_review', 'PORTAL_CONFIG_ERROR'],
    ['055 staff name', () => entry(ok), OPERATOR_WRONG_NAME, '055', 'needs_review', 'PORTAL_CONFIG_ERROR'],
    ['060 wrong name', () => entry(ok, { name: 'Trần Văn An' }), OPERATOR, '060', 'needs_review', 'PORTAL_NAME_MISMATCH'],
    ['061 first letter', () => entry(ok, { name: 'Nguyễn Văn Thiện' }), OPERATOR, '061', 'needs_review', 'PORTAL_NAME_MISMATCH'],
    ['070 birth date', () => entry(ok, { birthDate: '1990-03-21' }), OPERATOR, '070', 'needs_review', 'PORTAL_BIRTH_DATE_MISMATCH'],
    ['090 facility', () => entry(PEOPLE.elsewhere), OPERATOR, '090', 'needs_review', 'PORTAL_FACILITY_MISMATCH'],
    ['110 withdrawn', () => entry(PEOPLE.revoked), OPERATOR, '110', 'rejected', 'REVOKED'],
    ['120 reduced', () => entry(PEOPLE.reduced120), OPERATOR, '120', 'rejected', 'CARD_REDUCED'],
    ['121 reduced', () => entry(PEOPLE.reduced121), OPERATOR, '121', 'rejected', 'CARD_REDUCED'],
    ['122 reduced', () => entry(PEOPLE.reduced122), OPERATOR, '122', 'rejected', 'CARD_REDUCED'],
    ['123 reduced', () => entry(PEOPLE.reduced123), OPERATOR, '123', 'rejected', 'CARD_REDUCED'],
    ['124 reduced', () => entry(PEOPLE.reduced124), OPERATOR, '124', 'rejected', 'CARD_REDUCED'],
    ['130 child', () => entry(PEOPLE.child), OPERATOR, '130', 'needs_review', 'CHILD_CARD_NOT_PRESENTED'],
  ])('%s', async (_label, e, op, code, verdict, reasonCode) => {
    const { outcome, merged } = await checkManual(e(), shared, op);
    expect(outcome.kind === 'unavailable' ? undefined : outcome.code).toBe(code);
    expect(outcome.kind).toBe(code === '054' || code === '055' ? 'config' : 'answer');
    expect(merged.verdict).toBe(verdict);
    expect(merged.code).toBe(reasonCode);
    expect(merged.portalCode).toBe(code);
    expect(merged.portal.code).toBe(code);
    expect(merged.portal.state).toBe(code === '054' || code === '055' ? 'config' : 'done');
    // MANUAL_ENTRY ("check it online") is cleared by a pass only.
    expect(merged.reasons.some((r) => r.code === 'MANUAL_ENTRY')).toBe(verdict !== 'accepted');
  });

  it('003 and 004 show the new card; mismatches show the portal value beside the entered one', async () => {
    const replaced = (await checkManual(entry(PEOPLE.replaced))).merged.portal;
    expect(replaced.newCard).toEqual({
      cardNumber: 'HC4121200009999',
      validFrom: '2026-07-01',
      validTo: '2027-06-30',
      registeredFacility: '12001',
      registeredFacilityName: 'Bệnh viện Đa khoa tỉnh',
    });
    expect((await checkManual(entry(PEOPLE.renewed))).merged.portal.newCard?.cardNumber).toBe('HC4121200009998');
    const name = (await checkManual(entry(ok, { name: 'Trần Văn An' }))).merged.portal;
    expect(name.mismatch).toEqual({ field: 'name', portal: 'Nguyễn Đức Thiện', card: 'Trần Văn An' });
    const birth = (await checkManual(entry(ok, { birthDate: '1990-03-21' }))).merged.portal;
    expect(birth.mismatch).toEqual({ field: 'birthDate', portal: '1990-03-20', card: '1990-03-21' });
  });

  it('205: a request the portal cannot parse → PORTAL_REQUEST_INVALID (needs review)', async () => {
    const c = client(
      {},
      {
        fetchImpl: (input, init) => {
          const body =
            typeof init?.body === 'string' && inputUrl(input).includes('KQNhanLichSuKCB2024')
              ? init.body.replace('{', '{"extra":"x",')
              : init?.body;
          return fetch(input, { ...init, body });
        },
      },
    );
    const { outcome, merged } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'answer', code: '205' });
    expect(merged).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_REQUEST_INVALID', portalCode: '205' });
  });

  it('401 for the account itself (wrong password) → a configuration outcome, never the patient', async () => {
    const c = client({ password: 'not the password' });
    const { outcome, merged } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'config', code: '401', attempts: 0 });
    expect(merged).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_CONFIG_ERROR', portalCode: '401' });
    expect(merged.portal.state).toBe('config');
    expect(c.client.status().configProblem?.code).toBe('401');
  });

  it.each(['100', '101', '500'] as const)('%s is retried, then PORTAL_UNAVAILABLE', async (code) => {
    const c = client({ maxAttempts: 3 });
    await checkManual(entry(ok), c); // takes the token
    h.portal.control.setFaults({ answerCode: code });
    const { outcome, merged } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'unavailable', cause: 'server_error', lastCode: code, attempts: 3 });
    expect(merged).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE' });
    expect(merged.portal).toMatchObject({ state: 'unavailable', code });
  });
});

describe('scanned cards: legacy paper card and chip ID card', () => {
  const trust = {} as TrustSnapshot; // the unsigned kinds never touch the trust store
  const local = (qr: string) => verifyQr(qr, { trust, now: PORTAL_NOW, policy: DEFAULT_POLICY });

  it('a legacy QR passes online: UNSIGNED_LEGACY cleared, history and card details shown', async () => {
    const before = local(LEGACY_HC);
    expect(before).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY' });
    const outcome = await shared.client.check(subjectFromResult(before), OPERATOR);
    const merged = mergePortalOutcome(before, outcome);
    expect(merged).toMatchObject({ verdict: 'accepted', code: 'OK', portalCode: '000', source: 'legacy-unsigned' });
    expect(merged.portal).toMatchObject({
      state: 'done',
      code: '000',
      registeredFacility: '12001',
      fiveYearDate: '2028-01-01',
      address: 'Số 10 Ngõ 132 Trần Hưng Đạo, Thành phố Lai Châu',
      validTo: '2026-12-31',
      lastVisit: { facility: '12002', from: '2026-12-01T08:10+07:00' },
      alreadyCheckedInToday: { at: '08:10', facility: '12002', via: 'visit' },
    });
    expect(JSON.parse(shared.sent.at(-1)!.body)).toEqual({
      maThe: 'HC4121201234567',
      hoTen: 'Nguyễn Đức Thiện',
      ngaySinh: '20/03/1990',
      hoTenCb: OPERATOR.name,
      cccdCb: OPERATOR.cccd,
    });
  });

  it('a chip ID card is looked up by its 12-digit number', async () => {
    const before = local(CCCD);
    expect(before.code).toBe('ID_CARD_PRESENTED');
    const merged = mergePortalOutcome(before, await shared.client.check(subjectFromResult(before), OPERATOR));
    expect(merged).toMatchObject({ verdict: 'accepted', code: 'OK', portalCode: '000' });
    expect(JSON.parse(shared.sent.at(-1)!.body).maThe).toBe('012090001234');
  });

  it('a check by another facility this morning shows as already checked today', async () => {
    const { merged } = await checkManual(entry(PEOPLE.checkedEarlier));
    expect(merged.portal.alreadyCheckedInToday).toEqual({ at: '07:45', facility: '12003', account: '12003_ttyt', via: 'check' });
  });
});

describe('tokens', () => {
  it('expiring in the middle of the day: one renewal, the call succeeds', async () => {
    const c = client();
    const t0 = h.tokenRequests();
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'answer', code: '000', renewals: 0 });
    expect(h.tokenRequests() - t0).toBe(1);
    advancePortalClock(TOKEN_TTL_S * 1000 + 60_000); // 10:51 on the portal: its token has expired
    const { outcome } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'answer', code: '000', renewals: 1, attempts: 2 });
    expect(h.tokenRequests() - t0).toBe(2);
    // The same when the portal says it with HTTP 401 instead of maKetQua "401".
    h.portal.control.setFaults({ authFailureAs: 'http' });
    advancePortalClock(TOKEN_TTL_S * 1000 + 60_000);
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'answer', code: '000', renewals: 1 });
    expect(h.tokenRequests() - t0).toBe(3);
  });

  it('20 desks with an expired token at once → exactly one token request; the cap queues the rest', async () => {
    const c = client({ maxConcurrent: 4 });
    await checkManual(entry(ok), c);
    advancePortalClock(TOKEN_TTL_S * 1000 + 60_000);
    const t0 = h.tokenRequests();
    const calls = Array.from({ length: 20 }, () => c.client.check(subjectFromManual(entry(ok)), OPERATOR));
    expect(c.client.status()).toMatchObject({ inFlight: 4, queued: 16 });
    const outcomes = await Promise.all(calls);
    expect(h.tokenRequests() - t0).toBe(1);
    expect(outcomes.every((o) => o.kind === 'answer' && o.code === '000')).toBe(true);
    expect(c.client.status()).toMatchObject({ inFlight: 0, queued: 0, tokenValid: true });
  });

  it('a second 401 right after the renewal is the account, not the patient', async () => {
    // A token the portal never accepts (broken on the way out): 401, one renewal, 401 again.
    const broken = client({}, { fetchImpl: (input, init) => fetch(inputUrl(input).replace(/([?&]token=)[^&]+/, '$1broken'), init) });
    const t0 = h.tokenRequests();
    const outcome = await broken.client.check(subjectFromManual(entry(ok)), OPERATOR);
    expect(outcome).toMatchObject({ kind: 'config', code: '401', renewals: 1, attempts: 2 });
    expect(h.tokenRequests() - t0).toBe(2);
  });
});

describe('time budget, retries, failures', () => {
  it('a slow portal with a short budget → PORTAL_UNAVAILABLE (time-out)', async () => {
    const c = client({ timeoutMs: 300 });
    h.portal.control.setFaults({ latency: 5_000 });
    const { outcome, merged } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'unavailable', cause: 'timeout' });
    expect(merged).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE' });
    expect(merged.reasons.map((r) => r.code)).toEqual(['PORTAL_UNAVAILABLE', 'MANUAL_ENTRY']);
  });

  it("the caller's AbortSignal ends the call too (→ aborted)", async () => {
    const c = client({ timeoutMs: 60_000 });
    h.portal.control.setFaults({ latency: 5_000 });
    const stop = new AbortController();
    const p = c.client.check(subjectFromManual(entry(ok)), OPERATOR, { signal: stop.signal });
    stop.abort();
    expect(await p).toMatchObject({ kind: 'unavailable', cause: 'aborted' });
  });

  it('HTTP 500s are retried with capped, jittered backoff, then succeed', async () => {
    const c = client({ baseBackoffMs: 100, maxBackoffMs: 250 });
    await checkManual(entry(ok), c);
    h.portal.control.setFaults({ next: ['http500', 'http500', 'http500'] });
    const { outcome } = await checkManual(entry(ok), c);
    expect(outcome).toMatchObject({ kind: 'answer', code: '000', attempts: 4 });
    expect(c.waits).toHaveLength(3);
    c.waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(Math.min(250, 100 * 2 ** i));
    });
  });

  it('a portal that always fails → retries up to maxAttempts, then unavailable', async () => {
    const c = client({ maxAttempts: 4 });
    await checkManual(entry(ok), c);
    h.portal.control.setFaults({ failRate: 1, failModes: ['http500'] });
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'unavailable', cause: 'server_error', attempts: 4 });
    h.portal.control.setFaults({ failRate: 1, failModes: ['drop'] });
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'unavailable', cause: 'unreachable', attempts: 4 });
    expect(c.waits).toHaveLength(6);
  });

  it('a portal that is down → unreachable; back up → answers again', async () => {
    const c = client({ maxAttempts: 2 });
    await checkManual(entry(ok), c);
    await h.portal.control.setAccepting(false);
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'unavailable', cause: 'unreachable', attempts: 2 });
    // A desk with no token yet: the token call fails, counted like any failure.
    const fresh = client({ maxAttempts: 3 });
    expect((await checkManual(entry(ok), fresh)).outcome).toMatchObject({ kind: 'unavailable', cause: 'unreachable', attempts: 0 });
    expect(fresh.waits).toHaveLength(2);
    await h.portal.control.setAccepting(true);
    expect((await checkManual(entry(ok), c)).outcome).toMatchObject({ kind: 'answer', code: '000' });
  });
});

describe('the operator', () => {
  it('without an ID-card number cannot start a check: OPERATOR_CCCD_MISSING before any request', async () => {
    const c = client();
    const t0 = h.tokenRequests();
    const checks0 = h.cardChecks();
    const err = await c.client.check(subjectFromManual(entry(ok)), { name: OPERATOR.name, cccd: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortalRequestError);
    expect((err as PortalRequestError).code).toBe('OPERATOR_CCCD_MISSING');
    expect(c.sent).toHaveLength(0);
    expect([h.tokenRequests() - t0, h.cardChecks() - checks0]).toEqual([0, 0]);
  });
});

/** Everything no log line may carry: the password, its MD5, every token and query sent, all patient and staff data. */
function secretsOfRun(): string[] {
  const secrets = new Set<string>([
    ACCOUNT.password,
    portalPasswordHash(ACCOUNT.password),
    OPERATOR.cccd,
    OPERATOR.name,
    OPERATOR_WRONG_NAME.name,
    OPERATOR_NOT_REGISTERED.cccd,
  ]);
  for (const c of harnesses)
    for (const s of c.sent) {
      const q = new URL(s.url).searchParams;
      for (const k of ['token', 'id_token', 'password']) if (q.get(k)) secrets.add(q.get(k)!);
      if (s.url.includes('?')) secrets.add(s.url.slice(s.url.indexOf('?') + 1));
      if (s.body) secrets.add(s.body);
    }
  for (const p of Object.values(PEOPLE)) {
    for (const v of [p.hoTen, p.maSoBhxh, p.maThe, p.cccd, p.ngaySinh, p.diaChi, p.newCard?.maThe]) if (v) secrets.add(v);
    const [y, m, d] = p.ngaySinh.split('-');
    secrets.add(`${d}/${m}/${y}`);
  }
  for (const typed of [
    'Trần Văn An',
    'Nguyễn Văn Thiện',
    'DN4121201234567',
    'HC4991201234567',
    'HC7121201234567',
    '1299999999',
    '1990-03-21',
  ])
    secrets.add(typed);
  return [...secrets].filter((s) => s.length >= 6);
}

function leaks(logLines: readonly string[]): string[] {
  const secrets = secretsOfRun();
  return logLines.filter((line) => secrets.some((s) => line.includes(s)) || /https?:\/\//.test(line));
}

describe('logs (runs last)', () => {
  it('sanity: the scan finds a leaked secret', () => {
    expect(leaks([`{"msg":"x","pw":"${ACCOUNT.password}"}`, '{"msg":"x","name":"Vàng A Pó"}', '{"msg":"ok"}'])).toHaveLength(2);
  });

  it('no password, MD5, token, name, birth date, card number or CCCD in any log line of this run', () => {
    expect(lines.length).toBeGreaterThan(50);
    expect(secretsOfRun().length).toBeGreaterThan(60);
    expect(leaks(lines)).toEqual([]);
    // What the lines do carry: outcome, code, latency, attempts.
    const checks = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'portal check');
    expect(checks.length).toBeGreaterThan(40);
    for (const l of checks) expect(Object.keys(l)).toEqual(expect.arrayContaining(['outcome', 'latencyMs', 'attempts', 'renewals']));
  });
});
