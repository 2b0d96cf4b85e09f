/**
 * The admin's requeue of a parked sync item (POST /api/admin/sync/parked/{visitId}/requeue), with
 * the real service and the real store in-process: a store that speaks for another facility
 * refuses every visit (parked `INVALID`); once it is fixed the admin requeues the visit and it
 * arrives exactly once. Roles and bad ids answer with their codes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { silentLogger } from '../../../server/logger.js';
import { freePort, pollUntil, storeVisitIds } from '../sync/processes.js';
import { startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

const KEY = 'admin-requeue-key-12001-aaaaaaaaaa';
let root: string;
let port: number;
let store: RunningHistoryStore | undefined;
let k: LogKiosk;

function startStore(facility: string): Promise<RunningHistoryStore> {
  return startHistoryStore(
    { port, host: '127.0.0.1', dataDir: join(root, 'store'), databaseUrl: undefined, keysFile: '', faultPlan: undefined },
    { clock: systemClock, logger: silentLogger, keys: ApiKeys.fromJson({ [KEY]: facility }) },
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'admin-outbox-'));
  port = await freePort();
  // The store's key speaks for another facility: every visit of 12001 is refused for good.
  store = await startStore('79002');
  k = await startLogKiosk({ flags: ['--facility', '12001', '--sync-url', `http://127.0.0.1:${port}`, '--sync-key', KEY] });
});
afterAll(async () => {
  await k?.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

const requeue = (visitId: string, cookie?: string) =>
  k.request('POST', `/api/admin/sync/parked/${visitId}/requeue`, { body: {}, ...(cookie ? { cookie } : {}) });

describe('POST /api/admin/sync/parked/{visitId}/requeue', () => {
  let visitId: string;

  it('a refused visit is parked; only an admin may requeue; a bad or unparked id is a clear error', async () => {
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(1) } });
    expect(r.status).toBe(201);
    visitId = (r.json as { visit: { id: string } }).visit.id;
    await pollUntil(async () => {
      const s = (await k.request('GET', '/api/status')).json as { sync: { parked: number } };
      return s.sync.parked === 1 ? true : undefined;
    }, 'the visit parked');

    expect((await requeue(visitId)).json).toMatchObject({ code: 'SESSION_REQUIRED' });
    for (const role of ['receptionist', 'auditor'] as const) {
      const res = await requeue(visitId, k.cookies[role]);
      expect([res.status, (res.json as { code: string }).code]).toEqual([403, 'FORBIDDEN_ROLE']);
    }
    const bad = await requeue('not-a-visit-id', k.cookies.admin);
    expect([bad.status, (bad.json as { code: string }).code]).toEqual([400, 'FIELD_INVALID']);
    const unknown = await requeue('019abcde-0000-7000-8000-000000000001', k.cookies.admin);
    expect([unknown.status, (unknown.json as { code: string }).code]).toEqual([404, 'NOT_PARKED']);
  });

  it('once the cause is fixed, the requeued visit arrives exactly once; requeueing it again is NOT_PARKED', async () => {
    await store!.close();
    store = await startStore('12001');
    const res = await requeue(visitId, k.cookies.admin);
    expect([res.status, res.json]).toEqual([200, { requeued: true, visitId }]);
    const ids = await pollUntil(async () => {
      const held = await storeVisitIds(store!.url, KEY);
      return held.includes(visitId) ? held : undefined;
    }, 'the visit at the store');
    expect(ids.filter((id) => id === visitId)).toHaveLength(1);
    const again = await requeue(visitId, k.cookies.admin);
    expect([again.status, (again.json as { code: string }).code]).toEqual([404, 'NOT_PARKED']);
  });
});
