import { describe, expect, it } from 'vitest';
import type { ApiOutcome } from '../../../kiosk-ui/api/client.js';
import {
  needsOnlineCheck,
  OnlineCheck,
  portalHealth,
  type CardCheckApi,
  type CheckEvent,
} from '../../../kiosk-ui/card-check/online-check.js';
import type { CardCheckView, PortalSummary } from '../../../kiosk-ui/card-check/types.js';
import type { KioskStatus } from '../../../server/wire/status.js';
import type { VerifyResult } from '../../../server/wire/verification.js';

const local: VerifyResult = {
  verdict: 'needs_review',
  code: 'UNSIGNED_LEGACY',
  reasons: [],
  checks: [],
  source: 'legacy-unsigned',
  checkedAt: '2026-11-25T02:00:00.000Z',
};

const view = (portal: PortalSummary, result: VerifyResult = local): CardCheckView => ({ id: 'c1', result, portal });
const ok = (body: CardCheckView): ApiOutcome<CardCheckView> => ({ ok: true, status: 200, body });
const fail = (status: number, code: string, extra: Record<string, unknown> = {}): ApiOutcome<CardCheckView> => ({
  ok: false,
  status,
  code,
  problem: { status, code, ...extra },
});

/** An API that plays back answers; records the calls. */
function scripted(first: ApiOutcome<CardCheckView>, gets: ApiOutcome<CardCheckView>[]) {
  const calls: string[] = [];
  const api: CardCheckApi = {
    start: (req, wait) => (calls.push(`POST ${JSON.stringify(req)} wait=${wait}`), Promise.resolve(first)),
    get: (id, wait) => (calls.push(`GET ${id} wait=${wait}`), Promise.resolve(gets.shift() ?? fail(500, 'X'))),
  };
  return { api, calls };
}

const noSleep = () => Promise.resolve();

describe('OnlineCheck', () => {
  it('shows the local findings at once, then polls while pending until the portal answered', async () => {
    const accepted: VerifyResult = { ...local, verdict: 'accepted', code: 'OK' };
    const { api, calls } = scripted(ok(view({ state: 'pending' })), [
      ok(view({ state: 'pending' })),
      ok(view({ state: 'done', code: '000' }, accepted)),
    ]);
    const events: CheckEvent[] = [];
    await new OnlineCheck(api, (e) => events.push(e), { pollWaitSec: 20, sleep: noSleep }).run({ qr: 'HC…' });
    expect(calls).toEqual(['POST {"qr":"HC…"} wait=0', 'GET c1 wait=20', 'GET c1 wait=20']);
    expect(events.map((e) => (e.kind === 'view' ? e.view.portal.state : e.kind))).toEqual(['pending', 'pending', 'done']);
    expect(events.at(-1)).toMatchObject({ kind: 'view', view: { result: { verdict: 'accepted' } } });
  });

  it('retries a lost connection or a 5xx after a pause; a 4xx ends the loop', async () => {
    const { api, calls } = scripted(ok(view({ state: 'pending' })), [
      fail(0, 'NETWORK'),
      fail(503, 'CARD_CHECK_CLOSED'),
      fail(404, 'CARD_CHECK_NOT_FOUND'),
    ]);
    const slept: number[] = [];
    const events: CheckEvent[] = [];
    await new OnlineCheck(api, (e) => events.push(e), { retryMs: 1500, sleep: (ms) => (slept.push(ms), Promise.resolve()) }).run({
      qr: 'x',
    });
    expect(calls).toHaveLength(4);
    expect(slept).toEqual([1500, 1500]);
    expect(events.at(-1)).toEqual({ kind: 'failed', status: 404, code: 'CARD_CHECK_NOT_FOUND' });
  });

  it('a refused POST reports the member it named (manual entry)', async () => {
    const { api } = scripted(fail(400, 'CARD_CHECK_INPUT_INVALID', { field: 'manual.name' }), []);
    const events: CheckEvent[] = [];
    await new OnlineCheck(api, (e) => events.push(e)).run({ manual: { name: '', birthDate: '1990', cardNumber: '0100000001' } });
    expect(events).toEqual([{ kind: 'failed', status: 400, code: 'CARD_CHECK_INPUT_INVALID', field: 'manual.name' }]);
  });

  it('after cancel() nothing more is reported and no further request is made', async () => {
    let release!: (v: ApiOutcome<CardCheckView>) => void;
    const calls: string[] = [];
    const api: CardCheckApi = {
      start: () => Promise.resolve(ok(view({ state: 'pending' }))),
      get: (_id, _w, signal) => {
        calls.push('GET');
        expect(signal.aborted).toBe(false);
        return new Promise((r) => (release = r));
      },
    };
    const events: CheckEvent[] = [];
    const check = new OnlineCheck(api, (e) => events.push(e), { sleep: noSleep });
    const running = check.run({ qr: 'x' });
    await new Promise((r) => setImmediate(r));
    check.cancel();
    release(ok(view({ state: 'done', code: '000' })));
    await running;
    expect(calls).toEqual(['GET']);
    expect(events).toHaveLength(1);
    expect(check.cancelled).toBe(true);
  });
});

describe('needsOnlineCheck', () => {
  const status = (portal?: Partial<NonNullable<KioskStatus['portal']>>) => ({ portal }) as unknown as KioskStatus;
  const signed: VerifyResult = { ...local, source: 'signed', verdict: 'accepted', code: 'OK' };

  it('is off without a portal: today behaviour', () => {
    expect(needsOnlineCheck(local, undefined)).toBe(false);
    expect(needsOnlineCheck(local, status({ enabled: false, state: 'off' }))).toBe(false);
    expect(portalHealth(status())).toBe('off');
  });

  it('legacy and chip ID cards need it; signed cards only with checkMode all', () => {
    const on = status({ enabled: true, state: 'reachable', checkMode: 'unsigned' });
    expect(needsOnlineCheck(local, on)).toBe(true);
    expect(needsOnlineCheck({ ...local, source: 'id-card' }, on)).toBe(true);
    expect(needsOnlineCheck(signed, on)).toBe(false);
    expect(needsOnlineCheck(signed, status({ enabled: true, state: 'down', checkMode: 'all' }))).toBe(true);
    const malformed: VerifyResult = { ...local, verdict: 'rejected', code: 'QR_MALFORMED' };
    delete malformed.source;
    expect(needsOnlineCheck(malformed, on)).toBe(false);
  });
});
