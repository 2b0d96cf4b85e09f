/**
 * What only the PostgreSQL store has: its schema (migrations, year partitions, the indexes the
 * queries use), concurrent batches, and a real kiosk syncing through a lost connection and a
 * database restart — exactly once each time. Everything runs on this file's throw-away cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import { PG_MIGRATIONS, PgVisitStore } from '../../../server/history-store/pg-visit-store.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { silentLogger } from '../../../server/logger.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { syncStatesFor } from '../../../server/sync/outbox-repo.js';
import { seedKioskDataDir } from '../../../test-support/seed-visits.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';
import { freePort, kioskStatus, pollUntil, startKioskProcess, storeVisitIds, type Child } from '../sync/processes.js';
import { KEY_A, KEYS_JSON, NOW, pgCluster, prepare, stopPgCluster, visit } from './fixtures.js';

afterAll(stopPgCluster);

const open = async (url: string, now = NOW) => PgVisitStore.open(url, { now, logger: silentLogger });

describe('PgVisitStore schema', () => {
  it('applies its migrations once, in one transaction, and makes the year partitions ahead', async () => {
    const cluster = await pgCluster();
    const url = await cluster.createDatabase();
    const name = new URL(url).pathname.slice(1);
    // Two store processes starting together: the advisory lock lets one migrate, the other wait.
    const [a, b] = await Promise.all([open(url), open(url)]);
    await Promise.all([a.close(), b.close()]);
    await (await open(url, NOW + 1000)).close();
    const versions = await cluster.query('SELECT version, name FROM schema_version ORDER BY version', [], name);
    expect(versions).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const parts = await cluster.query<{ relname: string }>(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'visits'::regclass ORDER BY 1",
      [],
      name,
    );
    // NOW is in 2026: last year, this year, two ahead.
    expect(parts.map((p) => p.relname)).toEqual(['visits_y2025', 'visits_y2026', 'visits_y2027', 'visits_y2028']);
  });

  it('refuses a database whose schema is newer than the code', async () => {
    const cluster = await pgCluster();
    const url = await cluster.createDatabase();
    await (await open(url)).close();
    await cluster.query("INSERT INTO schema_version VALUES (99, 'future', now())", [], new URL(url).pathname.slice(1));
    await expect(open(url)).rejects.toThrow(/newer than this program knows/);
  });

  it('creates a partition on demand for a year it has not made, and prunes the book query to that one year', async () => {
    const cluster = await pgCluster();
    const url = await cluster.createDatabase();
    const db = new URL(url).pathname.slice(1);
    const store = await open(url);
    try {
      const v = visit({ checkedInAt: '2012-03-04T03:00:00.000Z' });
      expect((await store.storeBatch(prepare([v]), NOW)).map((r) => r.status)).toEqual(['stored']);
      const rows = await cluster.query<{ n: string }>('SELECT count(*) AS n FROM visits_y2012', [], db);
      expect(rows[0]!.n).toBe('1');
      expect((await store.patientBook('0123456789', 2012, undefined)).map((b) => b.id)).toEqual([v.id]);

      const plan = await cluster.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT id FROM visits WHERE ma_so_bhxh = '0123456789' AND vn_year = 2026 ORDER BY checked_in, id LIMIT 5000",
        [],
        db,
      );
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/visits_y2026/);
      expect(text).not.toMatch(/visits_y20(12|25|27|28)/);
    } finally {
      await store.close();
    }
  });
});

describe('PgVisitStore under concurrency', () => {
  it('overlapping batches in flight together store each visit exactly once', async () => {
    const store = await open(await (await pgCluster()).createDatabase());
    try {
      const raws = Array.from({ length: 300 }, () => visit());
      const batches = [raws, [...raws].reverse(), raws.slice(100), raws.slice(0, 200).reverse()];
      const results = await Promise.all(batches.map((b) => store.storeBatch(prepare(b), NOW)));
      const stored = results.flat().filter((r) => r.status === 'stored');
      expect(stored).toHaveLength(300);
      expect(new Set(stored.map((r) => r.id)).size).toBe(300);
      expect(results.flat().filter((r) => r.status !== 'stored' && r.status !== 'duplicate')).toEqual([]);
      expect(await store.count()).toBe(300);
    } finally {
      await store.close();
    }
  });
});

describe('a kiosk syncing into the PostgreSQL store (real kiosk process)', () => {
  let issuer: TestIssuer;
  let root: string;
  beforeAll(async () => {
    issuer = await makeTestIssuer({ now: Date.now() });
    root = mkdtempSync(join(tmpdir(), 'pg-sync-'));
  });
  afterAll(async () => {
    await issuer?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  /** A store on a fresh database; its clock is NOW, so the backlog is recorded just before NOW. */
  async function storeOnPg(faultPlan?: { delay: { ms: number } }): Promise<{ store: RunningHistoryStore; url: string }> {
    const url = await (await pgCluster()).createDatabase();
    const store = await startHistoryStore(
      { port: 0, host: '127.0.0.1', dataDir: root, databaseUrl: url, keysFile: '(in memory)', faultPlan },
      { clock: fixedClock(NOW), logger: silentLogger, keys: ApiKeys.fromJson(KEYS_JSON) },
    );
    return { store, url };
  }

  async function kioskWithBacklog(n: number, storeUrl: string): Promise<{ kiosk: Child; dir: string; ids: string[] }> {
    const dir = mkdtempSync(join(root, 'kiosk-'));
    const ids = await seedKioskDataDir(
      dir,
      Array.from({ length: n }, (_, i) => ({ recordedAt: NOW - 3_600_000 + i })),
    );
    const kiosk = await startKioskProcess({
      port: await freePort(),
      dataDir: dir,
      trustFile: issuer.trustFile,
      syncUrl: storeUrl,
      syncKey: KEY_A,
      flags: ['--sync-timeout', '5', '--sync-max-backoff', '0.5'],
    });
    return { kiosk, dir, ids };
  }

  async function drained(k: Child): Promise<any> {
    return pollUntil(
      async () => {
        const s = await kioskStatus(k.url);
        return s.sync?.pending === 0 && s.sync?.state === 'idle' ? s : undefined;
      },
      'the outbox to drain',
      90_000,
    );
  }

  async function outbox(dir: string, ids: string[]): Promise<{ sent: number; retried: number }> {
    const { db } = await openKioskDatabase(dir, Date.now());
    try {
      const states = [...(await syncStatesFor(db, ids)).values()];
      return { sent: states.filter((s) => s.state === 'sent').length, retried: states.filter((s) => s.attempts > 1).length };
    } finally {
      await db.close();
    }
  }

  async function expectExactlyOnce(store: RunningHistoryStore, ids: string[]): Promise<void> {
    const held = await storeVisitIds(store.url, KEY_A);
    expect(held).toHaveLength(ids.length);
    expect([...held].sort()).toEqual([...ids].sort());
    expect(await store.store.count()).toBe(ids.length);
  }

  it('the connection is lost mid-batch (pg_terminate_backend): the kiosk retries and the batch lands exactly once', async () => {
    const { store, url } = await storeOnPg();
    // Hold a lock the batch's INSERT needs, so a batch is provably in flight inside its statement
    // when its connection is cut — no timing guesses.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    let kiosk: Child | undefined;
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE visit_ids IN SHARE ROW EXCLUSIVE MODE');
      const k = await kioskWithBacklog(1200, store.url);
      kiosk = k.kiosk;
      const pid = await pollUntil(
        async () => {
          const r = await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'bhyt-history-store' AND wait_event_type = 'Lock'",
          );
          return r.rows[0]?.pid;
        },
        'a batch waiting inside its statement',
        60_000,
      );
      const killed = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
      expect(killed.rows[0]!.ok).toBe(true);
      await admin.query('COMMIT');

      const done = await drained(k.kiosk);
      expect(done.sync.parked).toBe(0);
      await expectExactlyOnce(store, k.ids);
      expect(await k.kiosk.kill('SIGTERM')).toBe(0);
      kiosk = undefined;
      const states = await outbox(k.dir, k.ids);
      expect(states.sent).toBe(1200);
      expect(states.retried).toBeGreaterThan(0);
    } finally {
      await kiosk?.kill('SIGKILL');
      await admin.end().catch(() => undefined);
      await store.close();
    }
  });

  it('PostgreSQL restarts while the kiosk is syncing: every visit lands exactly once', async () => {
    const cluster = await pgCluster();
    // Each answer waits 150 ms after its commit, so the drain is still going when the server stops.
    const { store } = await storeOnPg({ delay: { ms: 150 } });
    let kiosk: Child | undefined;
    try {
      const n = 4000;
      const k = await kioskWithBacklog(n, store.url);
      kiosk = k.kiosk;
      await pollUntil(
        async () => {
          const s = await kioskStatus(k.kiosk.url);
          return s.sync.pending > 0 && s.sync.pending < n ? true : undefined;
        },
        'a partly drained backlog',
        60_000,
        10,
      );
      // Down until the kiosk has seen the store fail a batch: the outage provably hit the drain.
      await cluster.restart(async () => {
        await pollUntil(async () => {
          const s = await kioskStatus(k.kiosk.url);
          return s.sync.lastError?.code === 'STORE_SERVER_ERROR' ? true : undefined;
        }, 'the kiosk to see a failed batch');
      });
      await drained(k.kiosk);
      await expectExactlyOnce(store, k.ids);
      expect(await k.kiosk.kill('SIGTERM')).toBe(0);
      kiosk = undefined;
      const states = await outbox(k.dir, k.ids);
      expect(states.sent).toBe(n);
      expect(states.retried).toBeGreaterThan(0);
    } finally {
      await kiosk?.kill('SIGKILL');
      await store.close();
    }
  });
});
