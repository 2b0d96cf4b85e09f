import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteVisitStore } from '../../../server/history-store/sqlite-visit-store.js';
import { validateItem } from '../../../server/history-store/validate-visit.js';
import type { PreparedVisit } from '../../../server/history-store/visit-store.js';
import { MAX_BATCH_ITEMS } from '../../../server/wire/history-store.js';
import { NOW, visit } from './fixtures.js';

let store: SqliteVisitStore;
beforeEach(async () => {
  store = await SqliteVisitStore.open(mkdtempSync(join(tmpdir(), 'visit-store-')));
});
afterEach(async () => {
  await store.close();
});

function prepare(raws: Record<string, unknown>[]): PreparedVisit[] {
  return raws.map((raw, index) => {
    const c = validateItem(raw, '12001', NOW);
    if (!c.ok) throw new Error(c.code);
    return { index, visit: c.visit, contentHash: c.contentHash, checkedInMs: c.checkedInMs };
  });
}

describe('SqliteVisitStore.storeBatch', () => {
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
});
