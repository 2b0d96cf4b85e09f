/** Shared fixtures for the medical-history store tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import type { FaultPlan } from '../../../server/history-store/faults.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { silentLogger } from '../../../server/logger.js';

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

export async function startTestStore(faultPlan?: FaultPlan): Promise<RunningHistoryStore & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'history-store-'));
  const running = await startHistoryStore(
    { port: 0, host: '127.0.0.1', dataDir, keysFile: '(in memory)', faultPlan },
    { clock: fixedClock(NOW), logger: silentLogger, keys: ApiKeys.fromJson(KEYS_JSON) },
  );
  return Object.assign(running, { dataDir });
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
