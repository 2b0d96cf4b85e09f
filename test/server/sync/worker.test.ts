import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { silentLogger } from '../../../server/logger.js';
import { backoffDelayMs } from '../../../server/lib/backoff.js';
import { realSleep } from '../../../server/lib/sleep.js';
import { SyncTransportError } from '../../../server/sync/store-client.js';
import { SyncWorker, type SyncWorkerOptions } from '../../../server/sync/worker.js';
import { constantRandom, FakeOutbox, FakeSender, serverError, until, type Handler } from './fakes.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
/** uniform() = exactly 0.5 */
const HALF = { bytes: (n: number) => Buffer.from([0x80, ...new Array(n - 1).fill(0)]) };

function setup(handler?: Handler, opts: SyncWorkerOptions = {}, random = HALF) {
  const outbox = new FakeOutbox();
  const sender = new FakeSender(handler);
  const clock = fixedClock(T0);
  const sleeps: number[] = [];
  const worker = new SyncWorker(outbox, sender, clock, random, silentLogger, {
    batchSize: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...opts,
  });
  return { outbox, sender, clock, sleeps, worker };
}

describe('SyncWorker', () => {
  it('sends pending visits in sequence order, in batches, and marks them sent on the ack', async () => {
    const { outbox, sender, worker } = setup();
    outbox.add(7);
    worker.start();
    await until(worker, () => outbox.count('sent') === 7 && worker.status().state === 'idle');
    expect(sender.calls).toEqual([['v1', 'v2', 'v3'], ['v4', 'v5', 'v6'], ['v7']]);
    expect(outbox.rows.every((r) => r.attempts === 1 && r.sentAt === T0)).toBe(true);
    expect(worker.status()).toMatchObject({
      enabled: true,
      state: 'idle',
      pending: 0,
      parked: 0,
      oldestPendingAgeSec: null,
      lastSuccessAt: new Date(T0).toISOString(),
      lastError: null,
    });
    await worker.stop();
  });

  it('counts a duplicate as delivered and parks conflicts and invalid items with the reason', async () => {
    const { outbox, worker } = setup(async (ids) =>
      ids.map((id, index) =>
        id === 'v2'
          ? { id, index, status: 'conflict' as const, code: 'ID_CONFLICT' }
          : id === 'v3'
            ? { id, index, status: 'invalid' as const, code: 'MA_SO_BHXH_INVALID', detail: '"maSoBhxh" must be 10 digits.' }
            : { id, index, status: 'duplicate' as const },
      ),
    );
    outbox.add(4);
    worker.start();
    await until(worker, () => outbox.count('pending') === 0);
    expect(outbox.rows.map((r) => r.state)).toEqual(['sent', 'parked', 'parked', 'sent']);
    expect(outbox.rows[1]!.parkedReason).toBe('CONFLICT:ID_CONFLICT');
    expect(outbox.rows[2]!.parkedReason).toMatch(/^INVALID:MA_SO_BHXH_INVALID/);
    expect(worker.status()).toMatchObject({ pending: 0, parked: 2 });
    await worker.stop();
  });

  it('retries a failed batch with capped exponential backoff and full jitter, recording attempts and the error', async () => {
    let failures = 4;
    const { outbox, sender, worker, sleeps } = setup(
      async (ids) => {
        if (failures-- > 0) throw serverError();
        return ids.map(() => 'stored' as const);
      },
      { baseBackoffMs: 1000, maxBackoffMs: 5000 },
    );
    outbox.add(2);
    worker.start();
    await until(worker, () => outbox.count('sent') === 2);
    // random = 0.5 of min(cap, base·2^(n−1)): 500, 1000, 2000, then capped at 5000 → 2500.
    expect(sleeps).toEqual([500, 1000, 2000, 2500]);
    expect(sender.calls).toHaveLength(5);
    expect(outbox.rows.map((r) => r.attempts)).toEqual([5, 5]);
    expect(outbox.rows[0]!.lastError).toMatch(/^STORE_SERVER_ERROR/);
    const s = worker.status();
    expect(s.lastError).toMatchObject({ code: 'STORE_SERVER_ERROR' });
    expect(s.consecutiveFailures).toBe(0);
    await worker.stop();
  });

  it('jitter stays within [0, cap] for any randomness', () => {
    for (const byte of [0, 1, 0x7f, 0xff]) {
      for (let n = 1; n < 60; n++) {
        const d = backoffDelayMs(n, { baseMs: 1000, maxMs: 300_000 }, constantRandom(byte));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(300_000, 1000 * 2 ** (n - 1)));
      }
    }
  });

  it('is woken at once by a recorded visit when idle', async () => {
    const { outbox, worker } = setup();
    worker.start();
    await until(worker, () => worker.status().state === 'idle');
    outbox.add(2);
    worker.wake();
    await until(worker, () => outbox.count('sent') === 2);
    await worker.stop();
  });

  it('a wake during backoff does not cut the backoff short', async () => {
    let release!: () => void;
    const slept = new Promise<void>((r) => (release = r));
    let fail = true;
    const { outbox, sender, worker } = setup(
      async (ids) => {
        if (fail) throw serverError();
        return ids.map(() => 'stored' as const);
      },
      { sleep: () => slept },
    );
    outbox.add(1);
    worker.start();
    await until(worker, () => worker.status().state === 'backoff');
    outbox.add(1);
    worker.wake();
    worker.wake();
    await Promise.resolve();
    expect(sender.calls).toHaveLength(1);
    fail = false;
    release();
    await until(worker, () => outbox.count('sent') === 2);
    expect(sender.calls).toHaveLength(2);
    await worker.stop();
  });

  it('stop() ends a backoff wait at once and leaves the visits pending', async () => {
    const { outbox, worker } = setup(
      async () => {
        throw serverError();
      },
      { sleep: realSleep, baseBackoffMs: 3_600_000, maxBackoffMs: 3_600_000 },
    );
    outbox.add(2);
    worker.start();
    await until(worker, () => worker.status().state === 'backoff');
    const t = Date.now();
    await worker.stop();
    expect(Date.now() - t).toBeLessThan(2_000);
    expect(worker.status()).toMatchObject({ state: 'stopped', lastError: { code: 'STORE_SERVER_ERROR' } });
    expect(outbox.count('pending')).toBe(2);
  });

  it('stop() lets an in-flight batch finish', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const { outbox, worker } = setup(async (ids) => {
      await gate;
      return ids.map(() => 'stored' as const);
    });
    outbox.add(5);
    worker.start();
    await until(worker, () => worker.status().state === 'sending');
    const stopped = worker.stop();
    finish();
    await stopped;
    // The in-flight batch was acknowledged and recorded; no new batch was started.
    expect(outbox.rows.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'pending', 'pending']);
  });

  it('stop() abandons an in-flight batch after the grace period; its visits stay pending', async () => {
    const { outbox, worker } = setup(
      (_ids, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new SyncTransportError('ABORTED', 'stopped')));
        }),
      { stopGraceMs: 10 },
    );
    outbox.add(2);
    worker.start();
    await until(worker, () => worker.status().state === 'sending');
    await worker.stop();
    expect(outbox.rows.map((r) => [r.state, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it('reports SYNC_BEHIND when the oldest pending visit waited over an hour', async () => {
    const { outbox, worker, clock } = setup(
      async () => {
        throw serverError();
      },
      { sleep: (_ms, signal) => new Promise((r) => signal.addEventListener('abort', () => r())) },
    );
    outbox.add(1, T0);
    worker.start();
    await until(worker, () => worker.status().state === 'backoff');
    expect(worker.warnings()).toEqual([]);
    clock.advance(3_600_001);
    expect(worker.warnings()).toEqual(['SYNC_BEHIND']);
    expect(worker.status()).toMatchObject({ pending: 1, oldestPendingAgeSec: 3600, lastSuccessAt: null });
    await worker.stop();
  });

  it('bisects a batch the store refuses as a whole and parks only the poison visit', async () => {
    const { outbox, sender, worker } = setup(
      async (ids) => {
        if (ids.includes('v5')) throw new SyncTransportError('STORE_REFUSED_BATCH', 'store answered 400 BODY_INVALID', 400);
        return ids.map(() => 'stored' as const);
      },
      { batchSize: 8 },
    );
    outbox.add(8);
    worker.start();
    await until(worker, () => outbox.count('pending') === 0);
    expect(outbox.rows.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent', 'parked', 'sent', 'sent', 'sent']);
    expect(outbox.rows[4]!.parkedReason).toBe('REFUSED:store answered 400 BODY_INVALID');
    expect(sender.calls.map((c) => c.length)).toEqual([8, 4, 4, 2, 1, 3]);
    await worker.stop();
  });

  it('does not park anything when the key is refused; it keeps retrying', async () => {
    let refuse = 2;
    const { outbox, worker } = setup(async (ids) => {
      if (refuse-- > 0) throw new SyncTransportError('STORE_AUTH_FAILED', 'store refused the API key (401 AUTH_INVALID)', 401);
      return ids.map(() => 'stored' as const);
    });
    outbox.add(2);
    worker.start();
    await until(worker, () => outbox.count('sent') === 2);
    expect(outbox.count('parked')).toBe(0);
    await worker.stop();
  });

  it('survives a database error and tries again after a backoff', async () => {
    const { outbox, worker, sleeps } = setup();
    outbox.add(2);
    const real = outbox.nextBatch.bind(outbox);
    let broken = true;
    outbox.nextBatch = async (n, after) => {
      if (broken) {
        broken = false;
        throw Object.assign(new Error('SQLITE_BUSY'), { code: 'SQLITE_BUSY' });
      }
      return real(n, after);
    };
    worker.start();
    await until(worker, () => outbox.count('sent') === 2);
    expect(sleeps).toHaveLength(1);
    expect(worker.status().lastError).toMatchObject({ code: 'SYNC_INTERNAL' });
    await worker.stop();
  });

  it('sends the next batch while the previous acknowledgement is still being recorded, never marking a visit before its ack', async () => {
    const { outbox, sender, worker } = setup();
    outbox.add(9);
    // Hold the recording of every acknowledgement until the next batch has reached the store.
    const realRecord = outbox.recordOutcomes.bind(outbox);
    const held: Array<() => void> = [];
    let thirdHeld!: () => void;
    const third = new Promise<void>((r) => (thirdHeld = r));
    outbox.recordOutcomes = (outcomes, now) =>
      new Promise<void>((resolve, reject) => {
        held.push(() => void realRecord(outcomes, now).then(resolve, reject));
        if (outcomes[0]!.seq === 7) thirdHeld();
      });
    const sentWhenPosted: number[] = [];
    sender.handler = async (ids) => {
      sentWhenPosted.push(outbox.count('sent'));
      // Nothing of this batch is marked before its answer.
      expect(ids.every((id) => outbox.rows.find((r) => r.visitId === id)!.state === 'pending')).toBe(true);
      held.shift()?.();
      return ids.map(() => 'stored' as const);
    };
    worker.start();
    await third;
    expect(sender.calls).toEqual([
      ['v1', 'v2', 'v3'],
      ['v4', 'v5', 'v6'],
      ['v7', 'v8', 'v9'],
    ]);
    // Batch 2 left before batch 1 was marked; batch 3 after batch 1, before batch 2.
    expect(sentWhenPosted).toEqual([0, 0, 3]);
    expect(outbox.count('sent')).toBe(6);
    held.shift()!();
    await until(worker, () => outbox.count('sent') === 9 && worker.status().state === 'idle');
    expect(outbox.rows.every((r) => r.attempts === 1)).toBe(true);
    await worker.stop();
  });

  it('with overlapBookkeeping off, each batch is marked before the next leaves (a kill resends only the one in flight)', async () => {
    const { outbox, sender, worker } = setup(undefined, { overlapBookkeeping: false });
    outbox.add(9);
    const sentWhenPosted: number[] = [];
    sender.handler = async (ids) => {
      sentWhenPosted.push(outbox.count('sent'));
      return ids.map(() => 'stored' as const);
    };
    worker.start();
    await until(worker, () => outbox.count('sent') === 9 && worker.status().state === 'idle');
    expect(sentWhenPosted).toEqual([0, 3, 6]);
    await worker.stop();
  });

  it('a failure to record an acknowledgement sends that batch again (the store answers duplicate)', async () => {
    const { outbox, sender, worker, sleeps } = setup();
    outbox.add(5);
    const realRecord = outbox.recordOutcomes.bind(outbox);
    let broken = true;
    outbox.recordOutcomes = async (outcomes, now) => {
      if (broken) {
        broken = false;
        throw Object.assign(new Error('SQLITE_FULL'), { code: 'SQLITE_FULL' });
      }
      return realRecord(outcomes, now);
    };
    worker.start();
    await until(worker, () => outbox.count('sent') === 5 && worker.status().state === 'idle');
    expect(sleeps).toHaveLength(1);
    expect(worker.status().lastError).toMatchObject({ code: 'SYNC_INTERNAL' });
    // The first batch went twice; each visit was marked once.
    expect(sender.calls.filter((c) => c[0] === 'v1')).toHaveLength(2);
    expect(outbox.rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
    await worker.stop();
  });

  it('drops what it read ahead when a batch fails, and resends from the failed batch in order', async () => {
    let calls = 0;
    const { outbox, sender, worker } = setup(async (ids) => {
      if (++calls === 2) throw serverError();
      return ids.map(() => 'stored' as const);
    });
    outbox.add(7);
    worker.start();
    await until(worker, () => outbox.count('sent') === 7 && worker.status().state === 'idle');
    expect(sender.calls).toEqual([['v1', 'v2', 'v3'], ['v4', 'v5', 'v6'], ['v4', 'v5', 'v6'], ['v7']]);
    await worker.stop();
  });

  it('carries on after a restart from what the outbox holds', async () => {
    const first = setup();
    first.outbox.add(4);
    first.worker.start();
    await until(first.worker, () => first.outbox.count('sent') >= 3);
    await first.worker.stop();
    const again = new SyncWorker(first.outbox, first.sender, first.clock, constantRandom(0), silentLogger, { batchSize: 3 });
    again.start();
    await until(again, () => first.outbox.count('sent') === 4);
    await again.stop();
  });
});
