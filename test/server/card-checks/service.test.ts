/** CardCheckService and RecheckWorker against the real reference portal and a real SQLite file. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CardCheckError } from '../../../server/card-checks/errors.js';
import { RecheckWorker } from '../../../server/card-checks/recheck-worker.js';
import { createLogger } from '../../../server/logger.js';
import { seedVisits } from '../../../test-support/seed-visits.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import { counterRandom } from '../portal/fixtures.js';
import { NO_CCCD, PEOPLE, PORTAL_NOW, RECEPTIONIST, openKiosk, startHeldPortal, until, type Kiosk, type TestPortal } from './fixtures.js';

let p: TestPortal;
let k: Kiosk;
beforeAll(async () => {
  p = await startHeldPortal();
});
afterAll(async () => {
  await p.close();
});
afterEach(async () => {
  p.release();
  await p.portal.control.setAccepting(true);
  await k?.close();
});

const revokedEntry = {
  cardNumber: PEOPLE.revoked.maThe!,
  name: PEOPLE.revoked.hoTen,
  birthDate: PEOPLE.revoked.ngaySinh,
};

function worker(kiosk: Kiosk) {
  return new RecheckWorker({
    source: kiosk.rechecks,
    repo: kiosk.repo,
    rechecks: kiosk.rechecks,
    client: kiosk.client,
    clock: kiosk.clock,
    random: counterRandom(),
    logger: createLogger({ sink: () => undefined }),
    sleep: kiosk.waits.sleep,
  });
}

describe('CardCheckService.start / get', () => {
  it('a legacy QR with wait=0 → pending at once; then done through get()', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    p.hold();
    const first = await s.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 0 });
    expect(first.portal).toEqual({ state: 'pending' });
    expect(first.result).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY', source: 'legacy-unsigned' });
    expect(first.result).not.toHaveProperty('portal');
    expect(s.status().inFlight).toBe(1);
    expect((await k.repo.get(first.id))!.portalState).toBe('pending');

    await until(() => p.held() > 0, 'the portal holds the call');
    const later = s.get(first.id, { waitMs: 30_000 });
    p.release();
    const done = await later;
    expect(done.portal).toMatchObject({ state: 'done', code: '000', latencyMs: 0 });
    expect(done.result).toMatchObject({ verdict: 'accepted', code: 'OK', portalCode: '000' });
    const row = (await k.repo.get(first.id))!;
    expect(row).toMatchObject({
      portalState: 'done',
      portalCode: '000',
      verdict: 'accepted',
      localVerdict: 'needs_review',
      localCode: 'UNSIGNED_LEGACY',
      operator: 'le.tan',
      deskId: 'desk-1',
      source: 'legacy-unsigned',
      cardNumber: 'HC4121201234567',
      attempts: 1,
      latencyMs: 0,
      answeredAt: PORTAL_NOW,
    });
    expect(s.status()).toMatchObject({ inFlight: 0, portal: 'reachable', lastAnswer: { state: 'done', code: '000' } });
    // Not in flight any more: from the database.
    expect((await s.get(first.id)).portal).toMatchObject({ state: 'done', code: '000' });
  });

  it('waiting long enough → done in one call; a wait that passes first → pending', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    const one = await s.start({ qr: CCCD }, RECEPTIONIST, { waitMs: 60_000 });
    expect(one.portal).toMatchObject({ state: 'done', code: '000' });
    expect(one.result).toMatchObject({ verdict: 'accepted', source: 'id-card' });
    expect(k.waits.pending()).toBe(0); // the wait's timer ended with the answer

    p.hold();
    const slow = s.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 2_000 });
    await until(() => k.waits.pending() === 1 && p.held() > 0, 'the service waits and the portal holds');
    expect(k.waits.waits.at(-1)).toBe(2_000);
    k.waits.expire();
    const pending = await slow;
    expect(pending.portal).toEqual({ state: 'pending' });
    p.release();
    expect((await s.get(pending.id, { waitMs: 60_000 })).portal).toMatchObject({ state: 'done', code: '000' });
  });

  it('an unknown id → CARD_CHECK_NOT_FOUND', async () => {
    k = await openKiosk(p.portal.url);
    await expect(k.service().get('019a0000-0000-7000-8000-000000000000')).rejects.toSatisfy(
      (e) => e instanceof CardCheckError && e.code === 'CARD_CHECK_NOT_FOUND',
    );
  });

  it('manual entry: MANUAL_ENTRY until the portal answers; an unusable entry is refused with its field', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    const v = await s.start({ manual: { cccd: '012090001234', name: 'Nguyễn Đức Thiện', birthDate: '1990' } }, RECEPTIONIST, {
      waitMs: 60_000,
    });
    expect(v.portal).toMatchObject({ state: 'done', code: '000' });
    expect(v.result).toMatchObject({ verdict: 'accepted', code: 'OK' });
    expect(await k.repo.get(v.id)).toMatchObject({
      source: 'manual',
      cccd: '012090001234',
      localCode: 'MANUAL_ENTRY',
      localVerdict: 'needs_review',
      qrText: null,
    });
    await expect(s.start({ manual: { cardNumber: 'HC4121201234567', name: ' ', birthDate: '1990' } }, RECEPTIONIST)).rejects.toSatisfy(
      (e) => e instanceof CardCheckError && e.code === 'CARD_CHECK_INPUT_INVALID' && e.field === 'manual.name',
    );
  });

  it('an operator without an ID-card number: recorded, portal state config OPERATOR_CCCD_MISSING, no request sent', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    const before = k.client.status().last;
    const v = await s.start({ qr: LEGACY_HC }, NO_CCCD, { waitMs: 60_000 });
    expect(v.portal).toMatchObject({ state: 'config', code: 'OPERATOR_CCCD_MISSING' });
    expect(v.result).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_CONFIG_ERROR' });
    expect(v.result.reasons.map((r) => r.code)).toEqual(['PORTAL_CONFIG_ERROR', 'UNSIGNED_LEGACY']);
    expect(k.client.status().last).toEqual(before); // the client was never called
    expect(await k.repo.get(v.id)).toMatchObject({ portalState: 'config', portalCode: 'OPERATOR_CCCD_MISSING', operator: 'no.cccd' });
    expect(s.status().portal).toBe('misconfigured');
  });

  it('no portal configured → off; a signed-only policy result or an unreadable QR → not_needed; all recorded', async () => {
    k = await openKiosk(p.portal.url);
    const off = await k.service({ client: null }).start({ qr: LEGACY_HC }, RECEPTIONIST);
    expect(off.portal).toEqual({ state: 'off' });
    const garbage = await k.service().start({ qr: 'not a card' }, RECEPTIONIST, { waitMs: 60_000 });
    expect(garbage.portal).toEqual({ state: 'not_needed' });
    expect(garbage.result.verdict).toBe('rejected');
    expect(await k.repo.get(garbage.id)).toMatchObject({ portalState: 'not_needed', verdict: 'rejected', source: null });
    expect(await k.repo.get(off.id)).toMatchObject({ portalState: 'off', answeredAt: PORTAL_NOW });
  });

  it('a check left pending by a crash is reported (and recorded) unavailable after a restart', async () => {
    k = await openKiosk(p.portal.url);
    p.hold();
    const crashed = k.service();
    const v = await crashed.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 0 });
    const other = await crashed.start({ qr: CCCD }, RECEPTIONIST, { waitMs: 0 });
    // A new service on the same database (the old one's promise is not its own): get() and init().
    const restarted = k.service();
    const seen = await restarted.get(v.id);
    expect(seen.portal).toMatchObject({ state: 'unavailable', attempts: 0 });
    expect(seen.result).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE' });
    expect(await restarted.init()).toBe(1);
    expect(await k.repo.get(other.id)).toMatchObject({ portalState: 'unavailable', code: 'PORTAL_UNAVAILABLE' });
    // The interrupted run's late answer is not recorded over it (exactly once).
    p.release();
    await crashed.close();
    expect(await k.repo.get(v.id)).toMatchObject({ portalState: 'unavailable' });
  });

  it('close() aborts the checks in flight; each is recorded unavailable', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    p.hold();
    const v = await s.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 0 });
    await until(() => p.held() > 0, 'the portal holds the call');
    await s.close();
    expect(await k.repo.get(v.id)).toMatchObject({ portalState: 'unavailable' });
    await expect(s.start({ qr: LEGACY_HC }, RECEPTIONIST)).rejects.toSatisfy(
      (e) => e instanceof CardCheckError && e.code === 'CARD_CHECK_CLOSED',
    );
  });
});

describe('check-in and re-check', () => {
  it('portal down → unavailable → linked to a visit → re-checked once the portal is back', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    await p.portal.control.setAccepting(false);
    const v = await s.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 60_000 });
    expect(v.portal).toMatchObject({ state: 'unavailable' });
    expect(v.result).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE' });
    expect(s.status().portal).toBe('down');

    const taken = await s.forCheckIn(v.id, RECEPTIONIST);
    expect(taken.result).toMatchObject({ code: 'PORTAL_UNAVAILABLE', portal: { state: 'unavailable' } });
    expect(taken.qr).toBe(LEGACY_HC);
    await s.linkVisit(v.id, 'visit-1');
    expect(await k.repo.get(v.id)).toMatchObject({ visitId: 'visit-1', linkedAt: PORTAL_NOW, qrText: null });
    await expect(s.linkVisit(v.id, 'visit-2')).rejects.toSatisfy((e) => e instanceof CardCheckError && e.code === 'CARD_CHECK_USED');
    await expect(s.forCheckIn(v.id, RECEPTIONIST)).rejects.toSatisfy((e) => e instanceof CardCheckError && e.code === 'CARD_CHECK_USED');
    expect(await k.rechecks.awaitingRecheck(10)).toEqual([{ visitId: 'visit-1', cardCheckId: v.id }]);

    const w = worker(k);
    expect(await w.runOnce()).toEqual({ recorded: 0, flagged: 0, stopped: 'unavailable' });
    expect(await k.rechecks.recheckOf(v.id)).toBeUndefined();

    await p.portal.control.setAccepting(true);
    expect(await w.runOnce()).toEqual({ recorded: 1, flagged: 0 });
    expect(await k.rechecks.recheckOf(v.id)).toMatchObject({
      visitId: 'visit-1',
      state: 'done',
      portalCode: '000',
      verdict: 'accepted',
      code: 'OK',
      flagged: false,
      at: PORTAL_NOW,
    });
    expect(await k.rechecks.awaitingRecheck(10)).toEqual([]);
    expect(await w.runOnce()).toEqual({ recorded: 0, flagged: 0 });
    const [audit] = await k.queries.search({}, { limit: 10 });
    expect(audit).toMatchObject({ id: v.id, recheck: { state: 'done', portalCode: '000', verdict: 'accepted', flagged: false } });
  });

  it('a re-check that comes back rejected is flagged for auditors; the background loop does it and drains on close', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    await p.portal.control.setAccepting(false);
    const v = await s.start({ manual: revokedEntry }, RECEPTIONIST, { waitMs: 60_000 });
    expect(v.portal.state).toBe('unavailable');
    await s.linkVisit((await s.forCheckIn(v.id, RECEPTIONIST)).check.id, 'visit-r');
    await p.portal.control.setAccepting(true);

    const w = worker(k);
    w.start();
    await until(() => w.status().lastRound?.recorded === 1, 'the loop re-checked the visit');
    await w.close();
    expect(await k.rechecks.recheckOf(v.id)).toMatchObject({
      state: 'done',
      portalCode: '110',
      verdict: 'rejected',
      code: 'REVOKED',
      flagged: true,
    });
    const flagged = await k.rechecks.flaggedRechecks({ limit: 10 });
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({
      visitId: 'visit-r',
      cardNumber: PEOPLE.revoked.maThe,
      operator: 'le.tan',
      originalVerdict: 'needs_review',
    });
    await expect(k.db.run('UPDATE visit_rechecks SET flagged = 0')).rejects.toThrow(/append-only/);
    await expect(k.db.run('DELETE FROM visit_rechecks')).rejects.toThrow(/append-only/);
  });

  it("a wedge-typed ID card checked in while the portal was down is re-checked as at the desk: typed name, then the portal's", async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    // What a keyboard-wedge scanner types of the chip ID card: every Vietnamese letter lost.
    const typed = CCCD.replace(/[^\x20-\x7e]/g, '');
    await p.portal.control.setAccepting(false);
    const v = await s.start({ qr: typed, typedBy: 'wedge' }, RECEPTIONIST, { waitMs: 60_000 });
    expect(v.portal.state).toBe('unavailable');
    expect(v.result.card).toMatchObject({ idNumber: '012090001234', nameFrom: 'unreadable' });
    const [visitId] = await seedVisits(k.db, [{ recordedAt: PORTAL_NOW, source: 'id-card', qrText: typed }], '12001');
    await s.linkVisit((await s.forCheckIn(v.id, RECEPTIONIST)).check.id, visitId!);
    expect(await k.repo.get(v.id)).toMatchObject({ qrText: null });
    await p.portal.control.setAccepting(true);

    expect(await worker(k).runOnce()).toEqual({ recorded: 1, flagged: 0 });
    // Asked with the typed name (060, carrying the portal's record), then with the portal's name.
    expect(await k.rechecks.recheckOf(v.id)).toMatchObject({ visitId, state: 'done', portalCode: '000', flagged: false });
  });

  it('a wedge-typed ID card whose visit text cannot give a name back is recorded not checkable and flagged, never asked nameless', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service();
    await p.portal.control.setAccepting(false);
    const v = await s.start({ qr: CCCD.replace(/[^\x20-\x7e]/g, ''), typedBy: 'wedge' }, RECEPTIONIST, { waitMs: 60_000 });
    const [visitId] = await seedVisits(k.db, [{ recordedAt: PORTAL_NOW, source: 'id-card' }], '12001');
    await s.linkVisit(v.id, visitId!);
    await p.portal.control.setAccepting(true);
    expect(await worker(k).runOnce()).toEqual({ recorded: 1, flagged: 1 });
    expect(await k.rechecks.recheckOf(v.id)).toMatchObject({ state: 'not_checkable', portalCode: 'SUBJECT_NAME_INVALID', flagged: true });
  });

  it('forCheckIn refuses another desk, another operator, and a check older than the window', async () => {
    k = await openKiosk(p.portal.url);
    const s = k.service({ checkInWindowMs: 60_000 });
    const v = await s.start({ qr: LEGACY_HC }, RECEPTIONIST, { waitMs: 60_000 });
    const code = (e: unknown) => (e instanceof CardCheckError ? e.code : undefined);
    await expect(k.service({ deskId: 'desk-2' }).forCheckIn(v.id, RECEPTIONIST).catch(code)).resolves.toBe('CARD_CHECK_NOT_YOURS');
    await expect(s.forCheckIn(v.id, { username: 'someone.else' }).catch(code)).resolves.toBe('CARD_CHECK_NOT_YOURS');
    await expect(s.forCheckIn('019a0000-0000-7000-8000-000000000000', RECEPTIONIST).catch(code)).resolves.toBe('CARD_CHECK_NOT_FOUND');
    expect((await s.forCheckIn(v.id, RECEPTIONIST)).result).toMatchObject({ verdict: 'accepted', portalCode: '000' });
    k.clock.advance(60_001);
    await expect(s.forCheckIn(v.id, RECEPTIONIST).catch(code)).resolves.toBe('CARD_CHECK_EXPIRED');
    k.clock.set(PORTAL_NOW);
    p.hold();
    const pending = await s.start({ qr: CCCD }, RECEPTIONIST, { waitMs: 0 });
    await expect(s.forCheckIn(pending.id, RECEPTIONIST).catch(code)).resolves.toBe('CARD_CHECK_PENDING');
  });
});
