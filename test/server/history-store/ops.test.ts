/**
 * The store's operating side (server/history-store/app.ts, metrics.ts), in-process on both
 * backends: GET /healthz and GET /readyz (200 while the database answers, 503 STORE_NOT_READY
 * when it is gone: the SQLite store closed, the PostgreSQL cluster stopped, and ready again once
 * it is back), GET /metrics (its counters exact after a known sequence of batches and
 * checkpoints, its access rule), and the one-line-per-request log, which must carry no patient's
 * mã số BHXH, card number or API key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../../server/anchor/checkpoint.js';
import { fixedClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { createLogger, silentLogger } from '../../../server/logger.js';
import { CHECKPOINT_HEADER, type CheckpointClaims } from '../../../server/wire/checkpoints.js';
import { BACKENDS, KEY_A, KEYS_JSON, NOW, call, pgCluster, stopPgCluster, visit, type Backend } from './fixtures.js';

afterAll(stopPgCluster);

/** The value of one sample line `name{labels} value` in a Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([a-z_:]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** This file's patient: their mã số BHXH and card number must never reach a log line. */
const MA_SO_BHXH = '7912345608';
const CARD_NUMBER = 'DN4797912345608';
const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const claims = (v: number, c: number): CheckpointClaims => ({
  v: 1,
  facility: '12001',
  visits: { seq: v, hash: String(v % 10).repeat(64) },
  cardChecks: { seq: c, hash: String(c % 10).repeat(64) },
  signedAt: new Date(NOW - 1000).toISOString(),
});

async function startStore(backend: Backend, dataDir: string, opts: { lines?: string[]; metricsToken?: string } = {}) {
  const databaseUrl = backend === 'postgres' ? await (await pgCluster()).createDatabase() : undefined;
  return startHistoryStore(
    { port: 0, host: '127.0.0.1', dataDir, databaseUrl, keysFile: '(in memory)', faultPlan: undefined, metricsToken: opts.metricsToken },
    {
      clock: fixedClock(NOW),
      logger: opts.lines ? createLogger({ level: 'debug', sink: (l) => opts.lines!.push(l), now: () => NOW }) : silentLogger,
      keys: ApiKeys.fromJson(KEYS_JSON),
    },
  );
}

describe.each(BACKENDS)('%s backend', (backend) => {
  let store: RunningHistoryStore;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'store-ops-'));
    store = await startStore(backend, dataDir, { lines });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function batch(visits: unknown[], checkpoint?: string) {
    const res = await fetch(`${store.url}/v1/visits:batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY_A}`,
        'content-type': 'application/json',
        ...(checkpoint ? { [CHECKPOINT_HEADER]: checkpoint } : {}),
      },
      body: JSON.stringify({ visits }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { results: Array<{ status: string }>; checkpoint?: { status: string; code?: string } };
  }

  it('GET /healthz is liveness; GET /readyz says ready while the database answers', async () => {
    expect((await call(store.url, '/healthz')).body).toEqual({ status: 'ok', service: 'medical-history-store' });
    const r = await call(store.url, '/readyz');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({ status: 'ready' });
  });

  it('after a known sequence of batches and checkpoints the counters match exactly', async () => {
    const patient = { maSoBhxh: MA_SO_BHXH, cardNumber: CARD_NUMBER };
    const a = visit(patient);
    const b = visit({ ...patient, checkedInAt: '2026-11-24T04:00:00.000Z' });
    // Batch 1: two new visits and one invalid, with a new checkpoint.
    const first = await batch([a, b, visit({ ...patient, visitType: 'nope' })], await signCheckpoint(claims(5, 2), keyA));
    expect(first.results.map((r) => r.status)).toEqual(['stored', 'stored', 'invalid']);
    expect(first.checkpoint).toEqual({ status: 'recorded' });
    // Batch 2: both again (duplicates), one of their ids with other content (conflict), the same heads.
    const second = await batch([a, b, { ...a, visitType: '02' }], await signCheckpoint(claims(5, 2), keyA));
    expect(second.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'conflict']);
    expect(second.checkpoint).toEqual({ status: 'duplicate' });
    // Refusals: another key, a rolled-back log, not a checkpoint at all.
    const post = (checkpoint: unknown) => call(store.url, '/v1/checkpoints', { key: KEY_A, body: { checkpoint } });
    expect((await post(await signCheckpoint(claims(6, 2), keyB))).body.code).toBe('CHECKPOINT_KEY_MISMATCH');
    expect((await post(await signCheckpoint(claims(4, 2), keyA))).body.code).toBe('CHECKPOINT_ROLLBACK');
    expect((await post('not-a-jws')).body.code).toBe('CHECKPOINT_INVALID');
    expect((await post(await signCheckpoint(claims(6, 3), keyA))).body).toEqual({ status: 'recorded' });
    // The patient's book, once with the key and once without.
    const book = await call(store.url, `/v1/patients/${MA_SO_BHXH}/visits?year=2026`, { key: KEY_A });
    expect(book.body.items).toHaveLength(2);
    expect((await call(store.url, `/v1/patients/${MA_SO_BHXH}/visits?year=2026`)).status).toBe(401);

    const m = await call(store.url, '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const t = m.body as string;
    expect(sample(t, 'bhyt_history_store_batches_total')).toBe(2);
    expect(sample(t, 'bhyt_history_store_batch_items_total', { status: 'stored' })).toBe(2);
    expect(sample(t, 'bhyt_history_store_batch_items_total', { status: 'duplicate' })).toBe(2);
    expect(sample(t, 'bhyt_history_store_batch_items_total', { status: 'conflict' })).toBe(1);
    expect(sample(t, 'bhyt_history_store_batch_items_total', { status: 'invalid' })).toBe(1);
    expect(sample(t, 'bhyt_history_store_checkpoints_total', { outcome: 'recorded', code: 'none' })).toBe(2);
    expect(sample(t, 'bhyt_history_store_checkpoints_total', { outcome: 'duplicate', code: 'none' })).toBe(1);
    for (const code of ['CHECKPOINT_KEY_MISMATCH', 'CHECKPOINT_ROLLBACK', 'CHECKPOINT_INVALID'])
      expect(sample(t, 'bhyt_history_store_checkpoints_total', { outcome: 'refused', code }), code).toBe(1);
    expect(t.match(/^bhyt_history_store_checkpoints_total\{/gm)).toHaveLength(5);
    const req = (route: string, method: string, status: string) =>
      sample(t, 'bhyt_history_store_http_requests_total', { method, route, status });
    expect(req('/v1/visits:batch', 'POST', '200')).toBe(2);
    expect(req('/v1/checkpoints', 'POST', '409')).toBe(2);
    expect(req('/v1/checkpoints', 'POST', '400')).toBe(1);
    expect(req('/v1/checkpoints', 'POST', '200')).toBe(1);
    expect(req('/v1/patients/:maSoBhxh/visits', 'GET', '200')).toBe(1);
    // Refused before any route ran (no key), still named by its template.
    expect(req('/v1/patients/:maSoBhxh/visits', 'GET', '401')).toBe(1);
    expect(
      sample(t, 'bhyt_history_store_http_request_duration_seconds_count', { method: 'POST', route: '/v1/visits:batch', status: '200' }),
    ).toBe(2);
    expect(sample(t, 'bhyt_history_store_info', { backend })).toBe(1);
    expect(t).toMatch(/^process_cpu_seconds_total /m);
    expect(t).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(t).not.toContain(MA_SO_BHXH);
    expect(t).not.toContain(KEY_A);
  });

  it('one log line per request with its route template; no line carries the mã số BHXH, the card number or the API key', () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of parsed) {
      expect(['debug', 'info', 'warn', 'error']).toContain(l.level);
      expect(l.t).toBe(new Date(NOW).toISOString());
    }
    const requests = parsed.filter((l) => l.code === 'HTTP_REQUEST');
    expect(requests.filter((l) => l.route === '/v1/patients/:maSoBhxh/visits').map((l) => [l.method, l.status, l.level])).toEqual([
      ['GET', 200, 'info'],
      ['GET', 401, 'info'],
    ]);
    expect(requests.filter((l) => l.route === '/v1/visits:batch')).toHaveLength(2);
    for (const l of requests) {
      expect(Object.keys(l).sort()).toEqual(['code', 'level', 'method', 'ms', 'msg', 'route', 'status', 't']);
      expect(typeof l.ms).toBe('number');
      expect(String(l.route)).not.toContain('?');
    }
    // The polled endpoints at debug.
    expect(requests.filter((l) => l.route === '/metrics' || l.route === '/readyz' || l.route === '/healthz').map((l) => l.level)).toEqual([
      'debug',
      'debug',
      'debug',
    ]);
    expect(parsed.filter((l) => l.code === 'BATCH_RECEIVED').map((l) => [l.stored, l.duplicate, l.conflict, l.invalid])).toEqual([
      [2, 0, 0, 1],
      [0, 2, 1, 0],
    ]);
    for (const line of lines) {
      expect(line).not.toContain(MA_SO_BHXH);
      expect(line).not.toContain(CARD_NUMBER);
      expect(line).not.toContain(KEY_A);
      expect(line).not.toContain('year=');
    }
  });

  it('GET /readyz is 503 STORE_NOT_READY while the database is gone', async () => {
    const notReady = {
      type: 'urn:bhyt-kiosk:problem:STORE_NOT_READY',
      title: 'STORE_NOT_READY',
      status: 503,
      code: 'STORE_NOT_READY',
      detail: 'The database does not answer.',
    };
    if (backend === 'postgres') {
      await (
        await pgCluster()
      ).restart(async () => {
        const r = await call(store.url, '/readyz');
        expect(r.status).toBe(503);
        expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(r.body).toEqual(notReady);
        // Liveness does not depend on the database.
        expect((await call(store.url, '/healthz')).status).toBe(200);
      });
      // The pool reconnects: ready again.
      expect((await call(store.url, '/readyz')).body).toEqual({ status: 'ready' });
    } else {
      await store.store.close();
      const r = await call(store.url, '/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toEqual(notReady);
      expect((await call(store.url, '/healthz')).status).toBe(200);
    }
    const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.code === 'STORE_NOT_READY');
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned[0]).toMatchObject({ level: 'warn', error: { type: expect.any(String) } });
  });
});

describe('GET /metrics access', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'store-ops-token-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('without HISTORY_STORE_METRICS_TOKEN a loopback peer is answered without a token', async () => {
    const store = await startStore('sqlite', join(dataDir, 'open'));
    try {
      const r = await call(store.url, '/metrics');
      expect(r.status).toBe(200);
      expect(r.body).toContain('bhyt_history_store_batches_total 0');
    } finally {
      await store.close();
    }
  });

  it('with HISTORY_STORE_METRICS_TOKEN the bearer token is required, from loopback too; never an API key', async () => {
    const token = 'store-metrics-token-0123456789';
    const store = await startStore('sqlite', join(dataDir, 'token'), { metricsToken: token });
    try {
      const none = await call(store.url, '/metrics');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(none.body.code).toBe('AUTH_REQUIRED');
      const apiKey = await call(store.url, '/metrics', { key: KEY_A });
      expect(apiKey.status).toBe(401);
      expect(apiKey.body.code).toBe('AUTH_INVALID');
      expect(JSON.stringify(apiKey.body)).not.toContain(token);
      const ok = await call(store.url, '/metrics', { key: token });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('bhyt_history_store_http_requests_total');
      // Readiness and liveness need no token.
      expect((await call(store.url, '/readyz')).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});
