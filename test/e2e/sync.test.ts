/**
 * Sync to the medical-history store, end to end with real processes on 127.0.0.1: the kiosk
 * service (`server/main.ts`) and the reference store (`server/history-store/main.ts`), each
 * started as an operator would, stopped with SIGTERM or killed with SIGKILL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { syncStatesFor } from '../../server/sync/outbox-repo.js';
import { DEFAULTS as SYNC_DEFAULTS } from '../../server/sync/worker.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { maSoFor, seedKioskDataDir, type SeedVisit } from '../../test-support/seed-visits.js';
import {
  createReceptionist,
  freePort,
  kioskStatus,
  pollUntil,
  startKioskProcess,
  startStoreProcess,
  storeBatchTotals,
  storeVisitIds,
  writeKeysFile,
  type Child,
} from '../server/sync/processes.js';

const KEY_A = 'e2e-key-facility-12001-aaaaaaaaaaaa';
const KEY_B = 'e2e-key-facility-79002-bbbbbbbbbbbb';
const KEY_AGENCY = 'e2e-key-agency-reader-cccccccccccc';
/** Six of the worker's batches: enough for a store that fails every third batch and hangs on the fourth. */
const N_FAULTY = 6 * SYNC_DEFAULTS.batchSize;

let root: string;
let issuer: TestIssuer;
let keysFile: string;
const children: Child[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sync-e2e-'));
  keysFile = writeKeysFile(root, { [KEY_A]: '12001', [KEY_B]: '79002', [KEY_AGENCY]: '*' });
  issuer = await makeTestIssuer({ now: Date.now() });
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
});
afterAll(async () => {
  await issuer?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

function dir(name: string): string {
  return mkdtempSync(join(root, `${name}-`));
}

async function track<T extends Child>(p: Promise<T>): Promise<T> {
  const c = await p;
  children.push(c);
  return c;
}

async function kiosk(dataDir: string, storePort: number, flags: string[] = [], key = KEY_A): Promise<Child> {
  return track(
    startKioskProcess({
      port: await freePort(),
      dataDir,
      trustFile: issuer.trustFile,
      syncUrl: `http://127.0.0.1:${storePort}`,
      syncKey: key,
      flags,
    }),
  );
}

async function drained(k: Child, timeoutMs = 60_000): Promise<any> {
  return pollUntil(
    async () => {
      const s = await kioskStatus(k.url);
      return s.sync?.pending === 0 && s.sync?.state === 'idle' ? s : undefined;
    },
    'the outbox to drain',
    timeoutMs,
  );
}

async function outboxStates(dataDir: string, ids: string[]): Promise<Record<string, number>> {
  const { db } = await openKioskDatabase(dataDir, Date.now());
  try {
    const states = await syncStatesFor(db, ids);
    const count: Record<string, number> = {};
    for (const s of states.values()) count[s.state] = (count[s.state] ?? 0) + 1;
    const retried = [...states.values()].filter((s) => s.attempts > 1).length;
    return { ...count, retried };
  } finally {
    await db.close();
  }
}

const backlog = (n: number, start = Date.now() - 3_600_000): SeedVisit[] =>
  Array.from({ length: n }, (_, i) => ({ recordedAt: start + i }));

describe('sync to the medical-history store (real processes)', () => {
  it('store down at first: 100 check-ins queue, then all 100 arrive exactly once', async () => {
    const kioskDir = dir('kiosk');
    await createReceptionist(kioskDir, 'letan1', 'correct horse battery');
    const storePort = await freePort();
    const k = await kiosk(kioskDir, storePort, ['--sync-timeout', '5', '--sync-max-backoff', '1']);

    const login = await fetch(`${k.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'letan1', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const visitIds: string[] = [];
    for (let i = 0; i < 100; i++) {
      const card = await issuer.issue({ cardNumber: `DN412${maSoFor(i)}` });
      const res = await fetch(`${k.url}/api/check-ins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ qr: card.qrText }),
      });
      const body = (await res.json()) as { visit: { id: string }; duplicate: boolean };
      expect(res.status, JSON.stringify(body)).toBe(201);
      visitIds.push(body.visit.id);
    }

    const queued = await pollUntil(async () => {
      const s = await kioskStatus(k.url);
      return s.sync.pending === 100 ? s : undefined;
    }, '100 pending');
    expect(queued.sync).toMatchObject({ enabled: true, parked: 0, lastSuccessAt: null, lastError: { code: 'STORE_UNREACHABLE' } });

    const store = await track(startStoreProcess({ port: storePort, dataDir: dir('store'), keysFile }));
    const done = await drained(k);
    expect(done.sync).toMatchObject({ pending: 0, parked: 0, oldestPendingAgeSec: null });
    expect(done.sync.lastSuccessAt).toEqual(expect.any(String));
    expect(done.warnings).not.toContain('SYNC_BEHIND');

    const held = await storeVisitIds(store.url, KEY_A);
    expect(held).toHaveLength(100);
    expect(new Set(held).size).toBe(100);
    expect([...held].sort()).toEqual([...visitIds].sort());

    // SIGTERM drains both cleanly.
    expect(await k.kill('SIGTERM')).toBe(0);
    expect(await store.kill('SIGTERM')).toBe(0);
    expect(await outboxStates(kioskDir, visitIds)).toMatchObject({ sent: 100 });
  });

  it('store answers 500 to every third batch and never answers another: still exactly once', async () => {
    const kioskDir = dir('kiosk');
    const ids = await seedKioskDataDir(kioskDir, backlog(N_FAULTY));
    const storePort = await freePort();
    // Faults strike after the store committed: the kiosk cannot know its batch arrived.
    const store = await track(
      startStoreProcess({
        port: storePort,
        dataDir: dir('store'),
        keysFile,
        faultPlan: { error500: { every: 3, afterCommit: true }, hang: { on: [4], afterCommit: true } },
      }),
    );
    const k = await kiosk(kioskDir, storePort, ['--sync-timeout', '1', '--sync-max-backoff', '0.5']);
    const done = await drained(k);
    expect(done.sync.lastError.code).toMatch(/^STORE_(SERVER_ERROR|TIMEOUT)$/);

    const held = await storeVisitIds(store.url, KEY_A);
    expect(held).toHaveLength(N_FAULTY);
    expect(new Set(held).size).toBe(N_FAULTY);
    expect([...held].sort()).toEqual([...ids].sort());

    const totals = storeBatchTotals(store.output());
    expect(totals.stored).toBe(N_FAULTY);
    expect(totals.duplicate).toBeGreaterThan(0); // resends after lost answers were acknowledged, not stored again
    expect(totals.conflict + totals.invalid).toBe(0);
    expect(await k.kill('SIGTERM')).toBe(0);
    const states = await outboxStates(kioskDir, ids);
    expect(states).toMatchObject({ sent: N_FAULTY });
    expect(states.retried).toBeGreaterThan(0);
  });

  it('SIGKILL mid-drain of a 2,000-visit backlog, restart: exactly 2,000, none twice, none missing', async () => {
    const kioskDir = dir('kiosk');
    const ids = await seedKioskDataDir(kioskDir, backlog(2000));
    const storePort = await freePort();
    // Each answer comes 150 ms after the commit, so a kill most likely lands on a batch the
    // store holds but the kiosk has not heard back about.
    const store = await track(startStoreProcess({ port: storePort, dataDir: dir('store'), keysFile, faultPlan: { delay: { ms: 150 } } }));
    const first = await kiosk(kioskDir, storePort);
    await pollUntil(
      async () => {
        const s = await kioskStatus(first.url);
        return s.sync.pending > 0 && s.sync.pending <= 1400 ? true : undefined;
      },
      'a partly drained backlog',
      60_000,
      10,
    );
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const before = (await storeVisitIds(store.url, KEY_A)).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(2000);

    const second = await kiosk(kioskDir, storePort);
    await drained(second);
    const held = await storeVisitIds(store.url, KEY_A);
    expect(held).toHaveLength(2000);
    expect(new Set(held).size).toBe(2000);
    expect([...held].sort()).toEqual([...ids].sort());
    expect(storeBatchTotals(store.output()).stored).toBe(2000);
    expect(await second.kill('SIGTERM')).toBe(0);
    expect(await outboxStates(kioskDir, ids)).toMatchObject({ sent: 2000 });
  });

  it("the patient's yearly book uses Vietnam time at year ends; a facility key sees and writes only its own visits", async () => {
    const P = '0311111111';
    const kioskDir = dir('kiosk');
    const at = (iso: string): SeedVisit => ({ recordedAt: Date.parse(iso), maSoBhxh: P });
    const ids = await seedKioskDataDir(kioskDir, [
      at('2024-12-31T16:59:59.999Z'), // 23:59:59 on 31 Dec 2024 in Hà Nội
      at('2024-12-31T17:00:00.000Z'), // 00:00 on 1 Jan 2025
      at('2025-12-31T16:30:00.000Z'),
      { ...at('2025-12-31T17:30:00.000Z'), visitType: '02' }, // 00:30 on 1 Jan 2026
    ]);
    const storePort = await freePort();
    const store = await track(startStoreProcess({ port: storePort, dataDir: dir('store'), keysFile }));
    const k = await kiosk(kioskDir, storePort);
    await drained(k);

    const get = async (path: string, key: string) => {
      const res = await fetch(store.url + path, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: await res.json() };
    };
    const book = async (year: number, key = KEY_A) => (await get(`/v1/patients/${P}/visits?year=${year}`, key)).body.items;
    expect((await book(2024)).map((e: any) => [e.id, e.date])).toEqual([[ids[0], '2024-12-31']]);
    expect((await book(2025)).map((e: any) => [e.id, e.date])).toEqual([
      [ids[1], '2025-01-01'],
      [ids[2], '2025-12-31'],
    ]);
    expect((await book(2026)).map((e: any) => [e.id, e.date, e.facility, e.visitType])).toEqual([[ids[3], '2026-01-01', '12001', '02']]);

    // Facility 79002 cannot read 12001's listing or book entries…
    expect(await get('/v1/facilities/12001/visits', KEY_B)).toMatchObject({ status: 403, body: { code: 'FACILITY_FORBIDDEN' } });
    expect(await book(2025, KEY_B)).toEqual([]);
    // …cannot write visits in 12001's name, nor overwrite one of 12001's visits by id.
    const post = await fetch(`${store.url}/v1/visits:batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_B}` },
      body: JSON.stringify({
        visits: [
          {
            id: '0190a000-0000-7000-8000-0000000000b1',
            facility: '12001',
            maSoBhxh: P,
            visitType: '01',
            checkedInAt: '2025-05-05T03:00:00Z',
            verdict: 'accepted',
            source: 'signed',
          },
          {
            id: ids[2],
            facility: '79002',
            maSoBhxh: P,
            visitType: '01',
            checkedInAt: '2025-12-31T16:30:00.000Z',
            verdict: 'accepted',
            source: 'signed',
          },
        ],
      }),
    });
    const results = (await post.json()).results;
    expect(results.map((r: any) => [r.status, r.code])).toEqual([
      ['invalid', 'FACILITY_MISMATCH'],
      ['conflict', 'ID_CONFLICT'],
    ]);
    expect((await book(2025, KEY_AGENCY)).map((e: any) => e.facility)).toEqual(['12001', '12001']);
    expect(await storeVisitIds(store.url, KEY_B, '79002')).toEqual([]);
  });
});
