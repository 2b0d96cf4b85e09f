/** Shared fixtures for the medical-history store tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import type { FaultPlan } from '../../../server/history-store/faults.js';
import { validateItem } from '../../../server/history-store/validate-visit.js';
import type { PreparedVisit } from '../../../server/history-store/visit-store.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { silentLogger } from '../../../server/logger.js';
import { startPgCluster, type PgCluster } from '../../helpers/postgres.js';

export const KEY_A = 'test-key-facility-12001-aaaaaaaa';
export const KEY_B = 'test-key-facility-79002-bbbbbbbb';
export const KEY_AGENCY = 'test-key-agency-reader-cccccccc';
export const KEYS_JSON = { [KEY_A]: '12001', [KEY_B]: '79002', [KEY_AGENCY]: '*' };
export const NOW = Date.parse('2026-11-25T02:00:00Z');

let n = 0;
/** A valid visit for facility 12001 (override anything). */
export function visit(over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return {
    id: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    facility: '12001',
    maSoBhxh: '0123456789',
    cardNumber: 'HS4010123456789',
    visitType: '01',
    checkedInAt: '2026-11-24T03:00:00.000Z',
    verdict: 'accepted',
    source: 'signed',
    ...over,
  };
}

/** Validates raw visits of facility 12001 as the batch route does, ready for VisitStore.storeBatch. */
export function prepare(raws: Record<string, unknown>[]): PreparedVisit[] {
  return raws.map((raw, index) => {
    const c = validateItem(raw, '12001', NOW);
    if (!c.ok) throw new Error(c.code);
    return { index, visit: c.visit, contentHash: c.contentHash, checkedInMs: c.checkedInMs };
  });
}

/** The store's two backends: every HTTP test runs against both (describe.each). */
export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

let cluster: Promise<PgCluster> | undefined;
/**
 * The test file's one throw-away PostgreSQL cluster, started on first use (vitest gives each file
 * its own module instance). A file that uses it calls `afterAll(stopPgCluster)`.
 */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}
export async function stopPgCluster(): Promise<void> {
  const c = cluster;
  cluster = undefined;
  if (c) await (await c).stop();
}

/** A fresh store: SQLite in a new folder, or PostgreSQL in a new database of the file's cluster. */
export async function startTestStore(
  faultPlan?: FaultPlan,
  backend: Backend = 'sqlite',
): Promise<RunningHistoryStore & { dataDir: string; databaseUrl: string | undefined }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'history-store-'));
  const databaseUrl = backend === 'postgres' ? await (await pgCluster()).createDatabase() : undefined;
  const running = await startHistoryStore(
    { port: 0, host: '127.0.0.1', dataDir, databaseUrl, keysFile: '(in memory)', faultPlan },
    { clock: fixedClock(NOW), logger: silentLogger, keys: ApiKeys.fromJson(KEYS_JSON) },
  );
  return Object.assign(running, { dataDir, databaseUrl });
}

export async function call(
  base: string,
  path: string,
  opts: { key?: string; method?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + path, {
    method: opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? 'POST' : 'GET'),
    headers: {
      ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
      ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(opts.rawBody !== undefined ? { body: opts.rawBody } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}
