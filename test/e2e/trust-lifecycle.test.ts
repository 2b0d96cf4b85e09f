/**
 * The trust lifecycle end to end: the real kiosk service (in-process, port 0, frozen clock) and
 * a real issuer server (`issuer serve`) on 127.0.0.1; revocation, refusal, staleness, clock
 * sanity and an offline restart, all through the HTTP API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.js';
import { revokeRid } from '../../server/issuer/issuer-dir.js';
import { rotateIssuerKey } from '../../server/issuer/rotate.js';
import { serveIssuerDir, type RunningIssuerServer } from '../../server/issuer/serve.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { writeKioskTrustFile } from '../server/trust/refresh-fixture.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

type Kiosk = Awaited<ReturnType<typeof startTestKiosk>>;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

interface Status {
  warnings: string[];
  trust: {
    updatedAt: string;
    crlAgeSec: number;
    stale: boolean;
    refresh: { lastSuccessAt?: string; lastError?: { code: string; problems: string[] } };
  };
}

async function setup(flags: string[] = []) {
  const issuer: TestIssuer = await makeTestIssuer({ now: T0 });
  cleanups.push(() => issuer.cleanup());
  let server: RunningIssuerServer | undefined = await serveIssuerDir(issuer.issuerDir, { port: 0 });
  cleanups.push(() => server?.close() ?? Promise.resolve());
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-e2e-trust-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const trustFile = join(dir, 'trust.json');
  await writeKioskTrustFile(trustFile, issuer, server.url);
  const clock = fixedClock(T0);
  let printed = '';
  const start = async (extraFlags: string[] = []) => {
    const k = await startTestKiosk({
      trustFile,
      clock,
      flags: ['--demo-accounts', '--max-trust-age', '2d', ...flags, ...extraFlags],
      service: { print: (t) => (printed += t) },
    });
    cleanups.push(() => k.close());
    return k;
  };
  const kiosk = await start();
  const password = (user: string) => new RegExp(`${user}\\s+\\S+\\s+(\\S+)`).exec(printed)![1]!;
  return {
    issuer,
    clock,
    kiosk,
    start,
    password,
    get server() {
      return server!;
    },
    async stopIssuer() {
      await server?.close();
      server = undefined;
    },
  };
}

async function login(kiosk: Kiosk, username: string, password: string): Promise<string> {
  const res = await fetch(`${kiosk.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return /kiosk_session=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
}

async function adminRefresh(kiosk: Kiosk, cookie?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${kiosk.url}/api/admin/trust/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function verify(kiosk: Kiosk, qr: string): Promise<{ verdict: string; code: string; reasons: { code: string }[] }> {
  const res = await fetch(`${kiosk.url}/api/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ qr }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

async function status(kiosk: Kiosk): Promise<Status> {
  return (await (await fetch(`${kiosk.url}/api/status`)).json()) as Status;
}

describe('trust lifecycle through the kiosk API', () => {
  it('admin refresh: only admins; revocation reaches verdicts; a dead issuer is reported and the last good store stays', async () => {
    const w = await setup();
    const card = await w.issuer.issue({}, { rid: 'phoneLost7' });
    expect((await verify(w.kiosk, card.qrText)).verdict).toBe('accepted');

    expect((await adminRefresh(w.kiosk)).status).toBe(401);
    const receptionist = await login(w.kiosk, 'le-tan', w.password('le-tan'));
    expect((await adminRefresh(w.kiosk, receptionist)).status).toBe(403);
    const admin = await login(w.kiosk, 'quan-tri', w.password('quan-tri'));

    await revokeRid(w.issuer.issuerDir, { rid: 'phoneLost7', now: T0, kid: w.issuer.kid });
    const refreshed = await adminRefresh(w.kiosk, admin);
    expect(refreshed).toMatchObject({ status: 200, body: { ok: true, changed: true } });
    const revoked = await verify(w.kiosk, card.qrText);
    expect(revoked.verdict).toBe('rejected');
    expect(revoked.reasons.map((r) => r.code)).toContain('REVOKED');

    await w.stopIssuer();
    w.clock.advance(HOUR);
    const refused = await adminRefresh(w.kiosk, admin);
    expect(refused).toMatchObject({ status: 200, body: { ok: false, changed: false, refusedBecause: 'TRUST_FETCH_FAILED' } });
    const s = await status(w.kiosk);
    expect(s.warnings).toContain('TRUST_REFRESH_FAILED');
    expect(s.trust.refresh.lastError!.code).toBe('TRUST_FETCH_FAILED');
    // Still the last good store: the revocation stays in force.
    expect((await verify(w.kiosk, card.qrText)).reasons.map((r) => r.code)).toContain('REVOKED');
  });

  it('rotation through refresh: both keys verify, a late old-key card is KEY_INACTIVE', async () => {
    const w = await setup();
    const admin = await login(w.kiosk, 'quan-tri', w.password('quan-tri'));
    const oldCard = await w.issuer.issue({}, { now: T0 - 2 * HOUR });
    const { newKid } = await rotateIssuerKey(w.issuer.issuerDir, { now: T0 - HOUR });
    expect((await adminRefresh(w.kiosk, admin)).body).toMatchObject({ ok: true, changed: true });
    expect((await verify(w.kiosk, oldCard.qrText)).verdict).toBe('accepted');
    expect((await verify(w.kiosk, (await w.issuer.issue({}, { kid: newKid })).qrText)).verdict).toBe('accepted');
    expect((await verify(w.kiosk, (await w.issuer.issue({}, { kid: w.issuer.kid, now: T0 - 60_000 })).qrText)).code).toBe('KEY_INACTIVE');
  });

  it('staleness flips verdicts to needs_review at the configured age (frozen clock)', async () => {
    const w = await setup();
    const card = await w.issuer.issue({});
    w.clock.set(T0 + 2 * DAY - 1000);
    expect((await verify(w.kiosk, card.qrText)).verdict).toBe('accepted');
    expect((await status(w.kiosk)).warnings).not.toContain('TRUST_STALE');
    w.clock.set(T0 + 2 * DAY + 1000);
    const stale = await verify(w.kiosk, card.qrText);
    expect(stale.verdict).toBe('needs_review');
    expect(stale.code).toBe('TRUST_STALE');
    const s = await status(w.kiosk);
    expect(s.warnings).toContain('TRUST_STALE');
    expect(s.trust.stale).toBe(true);

    // A refresh (even one where nothing changed) makes the lists fresh again.
    const admin = await login(w.kiosk, 'quan-tri', w.password('quan-tri'));
    expect((await adminRefresh(w.kiosk, admin)).body).toMatchObject({ ok: true, changed: false });
    expect((await verify(w.kiosk, card.qrText)).verdict).toBe('accepted');
    expect((await status(w.kiosk)).trust.crlAgeSec).toBe(0);
  });

  it('CLOCK_SUSPECT: the machine clock is earlier than the trust store update', async () => {
    const w = await setup();
    const card = await w.issuer.issue({}, { now: T0 - 3 * DAY });
    w.clock.set(T0 - DAY);
    const s = await status(w.kiosk);
    expect(s.warnings).toContain('CLOCK_SUSPECT');
    const r = await verify(w.kiosk, card.qrText);
    expect(r.verdict).toBe('needs_review');
    expect(r.reasons.map((x) => x.code)).toContain('CLOCK_SUSPECT');
    w.clock.set(T0 + HOUR);
    expect((await status(w.kiosk)).warnings).not.toContain('CLOCK_SUSPECT');
  });

  it('offline start: a restarted kiosk with the issuer unreachable verifies from the last good copy', async () => {
    const w = await setup();
    const admin = await login(w.kiosk, 'quan-tri', w.password('quan-tri'));
    const card = await w.issuer.issue({}, { rid: 'movedPhone2' });
    await revokeRid(w.issuer.issuerDir, { rid: 'movedPhone2', now: T0, kid: w.issuer.kid });
    expect((await adminRefresh(w.kiosk, admin)).body).toMatchObject({ ok: true, changed: true });
    await w.kiosk.close();
    await w.stopIssuer();

    // Same data folder, same (unchanged) trust file, which does not know the revocation.
    const again = await w.start(['--data-dir', w.kiosk.dataDir]);
    expect((await verify(again, card.qrText)).reasons.map((r) => r.code)).toContain('REVOKED');
    const s = await status(again);
    expect(s.warnings).not.toContain('TRUST_REFRESH_FAILED');
  });
});
