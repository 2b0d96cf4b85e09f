import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { listParked, requeueParked, SqliteOutbox, syncStateOf, syncStatesFor } from '../../../server/sync/outbox-repo.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { maSoFor, seedVisits } from '../../../test-support/seed-visits.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
let db: Database;

beforeEach(async () => {
  ({ db } = await openKioskDatabase(mkdtempSync(join(tmpdir(), 'outbox-')), T0));
});
afterEach(async () => {
  await db.close();
});

describe('SqliteOutbox', () => {
  it('lists pending visits oldest first in the store wire shape; rejected visits never enter it', async () => {
    const ids = await seedVisits(db, [
      { recordedAt: T0 },
      { recordedAt: T0 + 1000, verdict: 'rejected' },
      { recordedAt: T0 + 2000, verdict: 'needs_review', visitType: '03' },
      { recordedAt: T0 + 3000, maSoBhxh: null, source: null },
    ]);
    const outbox = new SqliteOutbox(db);
    const batch = await outbox.nextBatch(10);
    expect(batch.map((b) => b.seq)).toEqual([1, 3, 4]);
    expect(batch[0]!.payload).toEqual({
      id: ids[0],
      facility: '12001',
      maSoBhxh: maSoFor(0),
      cardNumber: `HS401${maSoFor(0)}`,
      visitType: '01',
      checkedInAt: new Date(T0).toISOString(),
      verdict: 'accepted',
      source: 'signed',
    });
    expect(batch[1]!.payload).toMatchObject({ verdict: 'needs_review', visitType: '03' });
    // Fields a visit lacks are left out (the store then refuses the item; it gets parked).
    expect(Object.keys(batch[2]!.payload).sort()).toEqual(['checkedInAt', 'facility', 'id', 'verdict', 'visitType']);
    expect(await outbox.nextBatch(2)).toHaveLength(2);
    // Reading ahead: only visits after the given sequence number.
    expect((await outbox.nextBatch(10, 1)).map((b) => b.seq)).toEqual([3, 4]);
    expect((await outbox.nextBatch(1, 3)).map((b) => b.seq)).toEqual([4]);
    expect(await outbox.nextBatch(10, 4)).toEqual([]);
    expect(await outbox.stats()).toEqual({ pending: 3, parked: 0, oldestPendingAt: T0 });
  });

  it('records outcomes and failures; only pending rows change', async () => {
    const ids = await seedVisits(db, [{ recordedAt: T0 }, { recordedAt: T0 + 1 }, { recordedAt: T0 + 2 }]);
    const outbox = new SqliteOutbox(db);
    await outbox.recordFailure([1, 2, 3], 'STORE_TIMEOUT: no answer within 30 s', T0 + 5000);
    await outbox.recordOutcomes(
      [
        { seq: 1, kind: 'sent' },
        { seq: 2, kind: 'parked', reason: 'CONFLICT:ID_CONFLICT' },
      ],
      T0 + 6000,
    );
    // A late duplicate outcome for an already-sent row changes nothing.
    await outbox.recordOutcomes([{ seq: 1, kind: 'parked', reason: 'X' }], T0 + 7000);
    const states = await syncStatesFor(db, ids);
    expect(states.get(ids[0]!)).toMatchObject({
      state: 'sent',
      attempts: 2,
      sentAt: T0 + 6000,
      nextAttemptAt: null,
      lastError: 'STORE_TIMEOUT: no answer within 30 s',
    });
    expect(states.get(ids[1]!)).toMatchObject({ state: 'parked', attempts: 2, parkedReason: 'CONFLICT:ID_CONFLICT' });
    expect(states.get(ids[2]!)).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: T0 + 5000 });
    expect(await outbox.stats()).toEqual({ pending: 1, parked: 1, oldestPendingAt: T0 + 2 });
    expect((await outbox.nextBatch(10)).map((b) => b.seq)).toEqual([3]);

    expect((await listParked(db)).map((p) => p.visitId)).toEqual([ids[1]]);
    expect(await syncStateOf(db, 'no-such-visit')).toBeUndefined();
    expect(await requeueParked(db, ids[1]!)).toBe(true);
    expect(await requeueParked(db, ids[1]!)).toBe(false);
    expect((await outbox.nextBatch(10)).map((b) => b.seq)).toEqual([2, 3]);
  });

  it('marks a whole acknowledged batch sent at once, whatever its size', async () => {
    const seeded = await seedVisits(
      db,
      Array.from({ length: 600 }, (_, i) => ({ recordedAt: T0 + i })),
    );
    const outbox = new SqliteOutbox(db);
    const batch = await outbox.nextBatch(500);
    expect(batch).toHaveLength(500);
    await outbox.recordOutcomes(
      batch.map((b) => ({ seq: b.seq, kind: 'sent' as const })),
      T0 + 9000,
    );
    expect(await outbox.stats()).toEqual({ pending: 100, parked: 0, oldestPendingAt: T0 + 500 });
    const states = await syncStatesFor(db, seeded);
    expect(states.get(seeded[499]!)).toMatchObject({ state: 'sent', attempts: 1, sentAt: T0 + 9000 });
    expect(states.get(seeded[500]!)).toMatchObject({ state: 'pending', attempts: 0 });
    await outbox.recordFailure(
      seeded.slice(500).map((_, i) => 501 + i),
      'STORE_TIMEOUT: no answer within 30 s',
      T0 + 10_000,
    );
    expect((await syncStatesFor(db, seeded)).get(seeded[599]!)).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: T0 + 10_000,
    });
  });

  it('leaves the visit log chain intact (outbox rows are never deleted)', async () => {
    await seedVisits(db, [{ recordedAt: T0 }, { recordedAt: T0 + 1 }]);
    await new SqliteOutbox(db).recordOutcomes([{ seq: 1, kind: 'sent' }], T0);
    const report = await verifyChain(db);
    expect(report.intact).toBe(true);
  });
});
