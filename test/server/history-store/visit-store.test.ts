/**
 * What every VisitStore must do alike, run against both backends: SQLite in a temp folder and
 * PostgreSQL in a fresh database of this file's throw-away cluster.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/logger.js';
import { PgVisitStore } from '../../../server/history-store/pg-visit-store.js';
import { SqliteVisitStore } from '../../../server/history-store/sqlite-visit-store.js';
import type { VisitStore } from '../../../server/history-store/visit-store.js';
import { MAX_BATCH_ITEMS } from '../../../server/wire/history-store.js';
import { BACKENDS, NOW, pgCluster, prepare, stopPgCluster, visit } from './fixtures.js';

afterAll(stopPgCluster);

describe.each(BACKENDS)('%s VisitStore', (backend) => {
  let store: VisitStore;
  beforeEach(async () => {
    store =
      backend === 'postgres'
        ? await PgVisitStore.open(await (await pgCluster()).createDatabase(), { now: NOW, logger: silentLogger })
        : await SqliteVisitStore.open(mkdtempSync(join(tmpdir(), 'visit-store-')));
  });
  afterEach(async () => {
    await store.close();
  });

  describe('storeBatch', () => {
    it('stores a full batch with every field intact, in one go', async () => {
      const raws = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) =>
        visit({
          checkedInAt: new Date(Date.parse('2025-12-31T16:59:00.000Z') + i * 1000).toISOString(),
          ...(i % 2 ? { cardNumber: undefined } : {}),
        }),
      );
      const results = await store.storeBatch(prepare(raws), NOW);
      expect(results.map((r) => r.status)).toEqual(raws.map(() => 'stored'));
      expect(results.map((r) => r.index)).toEqual(raws.map((_, i) => i));
      expect(await store.count()).toBe(MAX_BATCH_ITEMS);
      const held = await store.facilityVisits({ facility: '12001', limit: 1000 });
      expect(held).toHaveLength(MAX_BATCH_ITEMS);
      expect(held[0]).toEqual({
        id: raws[0]!.id,
        facility: '12001',
        maSoBhxh: '0123456789',
        cardNumber: 'HS4010123456789',
        visitType: '01',
        checkedInAt: '2025-12-31T16:59:00.000Z',
        checkedInMs: Date.parse('2025-12-31T16:59:00.000Z'),
        verdict: 'accepted',
        source: 'signed',
        receivedAt: NOW,
      });
      expect(held[1]!.cardNumber).toBeUndefined();
      // 17:00Z on 31 December is already the next year in Vietnam.
      expect((await store.patientBook('0123456789', 2025, undefined)).length).toBe(60);
      expect((await store.patientBook('0123456789', 2026, undefined)).length).toBe(MAX_BATCH_ITEMS - 60);
    });

    it('answers duplicates and conflicts against held visits and within the batch itself', async () => {
      const [a, b] = [visit(), visit()];
      await store.storeBatch(prepare([a]), NOW);
      const c = visit();
      const results = await store.storeBatch(prepare([a, { ...a, visitType: '02' }, b, b, { ...b, verdict: 'needs_review' }, c]), NOW + 1);
      expect(results.map((r) => [r.index, r.status, r.code])).toEqual([
        [0, 'duplicate', undefined],
        [1, 'conflict', 'ID_CONFLICT'],
        [2, 'stored', undefined],
        [3, 'duplicate', undefined],
        [4, 'conflict', 'ID_CONFLICT'],
        [5, 'stored', undefined],
      ]);
      expect(await store.count()).toBe(3);
    });

    it('keeps ids unique across years: an old visit resent is a duplicate, moved to another year a conflict', async () => {
      const old = visit({ checkedInAt: '2019-06-01T03:00:00.000Z' });
      expect((await store.storeBatch(prepare([old]), NOW)).map((r) => r.status)).toEqual(['stored']);
      const results = await store.storeBatch(
        prepare([old, { ...old, checkedInAt: '2026-11-24T03:00:00.000Z' }, { ...old, checkedInAt: '2019-12-31T17:00:00.000Z' }]),
        NOW,
      );
      expect(results.map((r) => [r.status, r.code])).toEqual([
        ['duplicate', undefined],
        ['conflict', 'ID_CONFLICT'],
        ['conflict', 'ID_CONFLICT'],
      ]);
      expect(await store.count()).toBe(1);
      expect((await store.patientBook('0123456789', 2019, undefined)).map((b) => b.id)).toEqual([old.id]);
      expect(await store.patientBook('0123456789', 2020, undefined)).toEqual([]);
      expect(await store.patientBook('0123456789', 2026, undefined)).toEqual([]);
    });

    it('answers a batch of only repeats, and an empty listing and book, without error', async () => {
      const a = visit();
      await store.storeBatch(prepare([a]), NOW);
      expect((await store.storeBatch(prepare([a, a]), NOW)).map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
      expect(await store.facilityVisits({ facility: '79002', limit: 10 })).toEqual([]);
      expect(await store.patientBook('0000000000', 2026, '12001')).toEqual([]);
    });
  });
});
