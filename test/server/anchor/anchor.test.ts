/**
 * The kiosk's anchor (server/anchor/anchor.ts) on a real kiosk database, with an in-memory
 * CheckpointSender (the store is tested on its own), a frozen clock and an injected sleep the test
 * ends by hand: nothing here waits for real time.
 */
import { manualSleep } from '../../helpers/manual-sleep.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointAnchor, readHeads, type CheckpointSender } from '../../../server/anchor/anchor.js';
import { lastAnchored } from '../../../server/anchor/anchored-repo.js';
import { verifyCheckpoint } from '../../../server/anchor/checkpoint.js';
import { loadOrCreateKioskKey, type KioskKey } from '../../../server/anchor/kiosk-key.js';
import { cardCheckLogHead } from '../../../server/card-checks/card-check-log.js';
import { CardCheckRepository } from '../../../server/card-checks/card-check-repo.js';
import { fixedClock } from '../../../server/clock.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { createLogger } from '../../../server/logger.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';
import type { CheckpointAnswer, CheckpointClaims } from '../../../server/wire/checkpoints.js';
import { cardCheckMaker } from '../../helpers/card-check-records.js';
import { visitContent } from '../../helpers/visit-content.js';

const NOW = Date.parse('2026-11-25T02:00:00.000Z');
const INTERVAL = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const EMPTY = { seq: 0, hash: GENESIS_HASH };

/** Lets the event loop run until `cond` holds (bounded: no timers, no real waiting). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The store as the anchor sees it: records what it was sent, answers what the test queued. */
class FakeSender implements CheckpointSender {
  calls: Array<{ claims: CheckpointClaims; signal: AbortSignal }> = [];
  answers: Array<() => Promise<CheckpointAnswer | undefined>> = [];
  constructor(private readonly key: KioskKey) {}
  async postCheckpoint(jws: string, signal: AbortSignal): Promise<CheckpointAnswer | undefined> {
    this.calls.push({ claims: await verifyCheckpoint(jws, this.key.publicJwk), signal });
    const next = this.answers.shift();
    return next ? next() : { status: 'recorded' };
  }
}

const newCheck = cardCheckMaker(NOW, '0190b000');
const cardCheck = () => newCheck({ operatorCccd: null, qrText: 'qr' });

let dir: string;
let db: Database;
let key: KioskKey;
let clock: ReturnType<typeof fixedClock>;
let sender: FakeSender;
let lines: Array<Record<string, unknown>>;
let sleep: ReturnType<typeof manualSleep>;
let writer: VisitWriter;
let visits = 0;
const anchors: CheckpointAnchor[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anchor-'));
  ({ db } = await openKioskDatabase(dir, NOW));
  ({ key } = await loadOrCreateKioskKey(dir));
  clock = fixedClock(NOW);
  sender = new FakeSender(key);
  lines = [];
  sleep = manualSleep();
  writer = new VisitWriter(db);
  await writer.init();
});
afterEach(async () => {
  for (const a of anchors.splice(0)) await a.stop();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function makeAnchor(): CheckpointAnchor {
  const a = new CheckpointAnchor({
    db,
    key,
    facility: '12001',
    sender,
    clock,
    logger: createLogger({ sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), now: () => clock.now() }),
    options: { intervalMs: INTERVAL, sleep: sleep.sleep },
  });
  anchors.push(a);
  return a;
}

async function addVisit(): Promise<{ seq: number; hash: string }> {
  visits++;
  const row = await db.transaction((tx) => writer.insert(tx, visitContent(visits)));
  return { seq: row.seq, hash: row.hash };
}
const anchoredRows = () => db.all('SELECT * FROM anchored_checkpoints ORDER BY visit_seq, card_check_seq');
/** One checkpoint with a batch: the store's answer given, the claims it carried returned. */
async function batch(a: CheckpointAnchor, answer: CheckpointAnswer | undefined): Promise<CheckpointClaims> {
  let claims: CheckpointClaims | undefined;
  await a.withCheckpoint(async (jws) => {
    claims = await verifyCheckpoint(jws, key.publicJwk);
    return { value: undefined, answer };
  });
  return claims!;
}

describe('readHeads', () => {
  it('reads both heads: 0 and the genesis hash while empty, then the last visit and the last card-check log entry', async () => {
    expect(await readHeads(db)).toEqual({ visits: EMPTY, cardChecks: EMPTY });
    const v1 = await addVisit();
    const v2 = await addVisit();
    expect(v2.seq).toBe(v1.seq + 1);
    await new CardCheckRepository(db).insert(cardCheck());
    const heads = await readHeads(db);
    expect(heads.visits).toEqual(v2);
    expect(heads.cardChecks).toEqual(await cardCheckLogHead(db));
    expect(heads.cardChecks.seq).toBe(1);
  });
});

describe('CheckpointAnchor.withCheckpoint', () => {
  it('signs the current heads with the kiosk key, for the configured facility, at the clock’s time', async () => {
    const a = makeAnchor();
    const v = await addVisit();
    clock.set(NOW + 5000);
    const claims = await batch(a, { status: 'recorded' });
    expect(claims).toEqual({ v: 1, facility: '12001', visits: v, cardChecks: EMPTY, signedAt: iso(NOW + 5000) });
    expect(a.status()).toMatchObject({ enabled: true, kioskKey: key.thumbprint, lastAttemptAt: iso(NOW + 5000) });
  });

  it('serialises concurrent calls: the second reads the heads after the first finished', async () => {
    const a = makeAnchor();
    const order: string[] = [];
    const gate = deferred();
    const sent: CheckpointClaims[] = [];
    const first = a.withCheckpoint(async (jws) => {
      sent.push(await verifyCheckpoint(jws, key.publicJwk));
      order.push('first sent');
      await gate.promise;
      order.push('first answered');
      return { value: 'one', answer: { status: 'recorded' } };
    });
    const second = a.withCheckpoint(async (jws) => {
      sent.push(await verifyCheckpoint(jws, key.publicJwk));
      order.push('second sent');
      return { value: 'two', answer: { status: 'recorded' } };
    });
    await until(() => order.length === 1, 'the first request sent');
    // A visit and a card check are written while the first request is out.
    const v = await addVisit();
    await new CardCheckRepository(db).insert(cardCheck());
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first sent']);
    gate.resolve();
    expect(await first).toBe('one');
    expect(await second).toBe('two');
    expect(order).toEqual(['first sent', 'first answered', 'second sent']);
    expect(sent[0]).toMatchObject({ visits: EMPTY, cardChecks: EMPTY });
    expect(sent[1]).toMatchObject({ visits: v, cardChecks: { seq: 1 } });
  });

  it('remembers a recorded or duplicate answer in anchored_checkpoints; status().lastAnchored shows it, and survives a restart', async () => {
    const a = makeAnchor();
    await a.load();
    expect(a.status().lastAnchored).toBeNull();
    expect(a.lastAnchored()).toBeUndefined();
    const v = await addVisit();
    clock.set(NOW + 1000);
    await batch(a, { status: 'recorded' });
    expect(await anchoredRows()).toEqual([
      {
        visit_seq: v.seq,
        visit_hash: v.hash,
        card_check_seq: 0,
        card_check_hash: GENESIS_HASH,
        signed_at: NOW + 1000,
        anchored_at: NOW + 1000,
      },
    ]);
    expect(a.status()).toEqual({
      enabled: true,
      kioskKey: key.thumbprint,
      lastAnchored: { visits: v, cardChecks: EMPTY, signedAt: iso(NOW + 1000), anchoredAt: iso(NOW + 1000) },
      lastAttemptAt: iso(NOW + 1000),
      refused: null,
      lastError: null,
    });

    // The same heads again, later: a duplicate is an acceptance too; the row's anchored_at moves.
    clock.set(NOW + 61_000);
    await batch(a, { status: 'duplicate' });
    // (signed_at too: the kiosk's memory after a restart is what its status showed before it.)
    expect(await anchoredRows()).toEqual([
      expect.objectContaining({ visit_seq: v.seq, signed_at: NOW + 61_000, anchored_at: NOW + 61_000 }),
    ]);
    expect(a.status().lastAnchored).toEqual({ visits: v, cardChecks: EMPTY, signedAt: iso(NOW + 61_000), anchoredAt: iso(NOW + 61_000) });

    // A store that says nothing of checkpoints: nothing remembered, nothing refused.
    await addVisit();
    clock.set(NOW + 62_000);
    await batch(a, undefined);
    expect(await anchoredRows()).toHaveLength(1);
    expect(a.status()).toMatchObject({ refused: null, lastAttemptAt: iso(NOW + 62_000) });
    expect(a.status().lastAnchored!.visits).toEqual(v);

    // A new anchor on the same database (a restart) knows the last one from the table.
    const b = makeAnchor();
    await b.load();
    expect(b.lastAnchored()).toEqual({ visits: v, cardChecks: EMPTY, signedAt: NOW + 61_000, anchoredAt: NOW + 61_000 });
    expect(b.status().lastAnchored).toEqual(a.status().lastAnchored);
    expect(b.status().lastAttemptAt).toBeNull();
    expect(await lastAnchored(db)).toEqual(b.lastAnchored());
  });

  it('a refusal sets status().refused and the CHECKPOINT_REFUSED warning (logged once per code) until the next acceptance', async () => {
    const a = makeAnchor();
    expect(a.warnings()).toEqual([]);
    await addVisit();
    await batch(a, { status: 'refused', code: 'CHECKPOINT_ROLLBACK', detail: 'the visit log is at 1, the store holds 9' });
    expect(a.status()).toMatchObject({ refused: 'CHECKPOINT_ROLLBACK', lastAnchored: null, lastError: null });
    expect(a.warnings()).toEqual(['CHECKPOINT_REFUSED']);
    expect(await anchoredRows()).toEqual([]);
    await batch(a, { status: 'refused', code: 'CHECKPOINT_ROLLBACK' });
    await batch(a, { status: 'refused', code: 'CHECKPOINT_FORK' });
    expect(a.status().refused).toBe('CHECKPOINT_FORK');
    const alarms = lines.filter((l) => l.code === 'CHECKPOINT_REFUSED');
    expect(alarms.map((l) => [l.level, l.reason])).toEqual([
      ['error', 'CHECKPOINT_ROLLBACK'],
      ['error', 'CHECKPOINT_FORK'],
    ]);
    // A refusal without a code is still a refusal.
    await batch(a, { status: 'refused' });
    expect(a.status().refused).toBe('CHECKPOINT_REFUSED');

    const v = await addVisit();
    await batch(a, { status: 'recorded' });
    expect(a.status()).toMatchObject({ refused: null, lastAnchored: { visits: v } });
    expect(a.warnings()).toEqual([]);
  });

  it('a transport failure sets lastError, rethrows, releases the lock; the next success clears it', async () => {
    const a = makeAnchor();
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'STORE_UNREACHABLE' });
    await expect(
      a.withCheckpoint(() => {
        throw down;
      }),
    ).rejects.toBe(down);
    expect(a.status()).toMatchObject({ lastError: 'STORE_UNREACHABLE', lastAttemptAt: iso(NOW), refused: null, lastAnchored: null });
    await expect(a.withCheckpoint(() => Promise.reject(new Error('no code')))).rejects.toThrow('no code');
    expect(a.status().lastError).toBe('CHECKPOINT_SEND_FAILED');
    // Not remembered, and the next call is not stuck behind the failed one.
    expect(await anchoredRows()).toEqual([]);
    expect(await a.withCheckpoint(async () => ({ value: 7, answer: { status: 'recorded' } }))).toBe(7);
    expect(a.status()).toMatchObject({ lastError: null, lastAnchored: { visits: EMPTY, cardChecks: EMPTY } });
  });

  it('a failure to remember the acceptance rejects that call only', async () => {
    const a = makeAnchor();
    await db.exec('DROP TABLE anchored_checkpoints');
    await expect(batch(a, { status: 'recorded' })).rejects.toThrow(/anchored_checkpoints/);
    expect(await a.withCheckpoint(async () => ({ value: 'next', answer: undefined }))).toBe('next');
  });
});

describe('CheckpointAnchor idle loop', () => {
  it('sends one at start, then one each interval; a batch in between postpones it; stop() ends it', async () => {
    const a = makeAnchor();
    a.start();
    a.start(); // once only
    await until(() => sender.calls.length === 1 && sleep.pending() === 1, 'the first idle checkpoint');
    expect(sender.calls[0]!.claims).toMatchObject({ visits: EMPTY, cardChecks: EMPTY, signedAt: iso(NOW) });
    expect(sleep.waits).toEqual([INTERVAL]);
    expect(a.status().lastAnchored).toMatchObject({ anchoredAt: iso(NOW) });

    // An interval later: the next one, with the heads as they are now.
    const v = await addVisit();
    clock.advance(INTERVAL);
    sleep.expire();
    await until(() => sender.calls.length === 2 && sleep.pending() === 1, 'the second idle checkpoint');
    expect(sender.calls[1]!.claims).toMatchObject({ visits: v, signedAt: iso(NOW + INTERVAL) });
    expect(sleep.waits).toEqual([INTERVAL, INTERVAL]);

    // A batch 20 s into the interval carried a checkpoint: the loop waits out the rest from then.
    clock.advance(20_000);
    await batch(a, { status: 'recorded' });
    clock.advance(INTERVAL - 20_000);
    sleep.expire();
    await until(() => sleep.pending() === 1 && sleep.waits.length === 3, 'the shortened wait');
    expect(sleep.waits[2]).toBe(20_000);
    expect(sender.calls).toHaveLength(2);
    clock.advance(20_000);
    sleep.expire();
    await until(() => sender.calls.length === 3 && sleep.pending() === 1, 'the third idle checkpoint');
    expect(sender.calls[2]!.claims.signedAt).toBe(iso(NOW + 2 * INTERVAL + 20_000));

    await a.stop();
    expect(sender.calls.every((c) => c.signal.aborted)).toBe(true);
    sleep.expire();
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(sender.calls).toHaveLength(3);
    expect(sleep.pending()).toBe(0);
  });

  it('a failed idle checkpoint is logged and retried at the next interval; the loop goes on', async () => {
    const a = makeAnchor();
    sender.answers.push(() => Promise.reject(Object.assign(new Error('down'), { code: 'STORE_UNREACHABLE' })));
    a.start();
    await until(() => sender.calls.length === 1 && sleep.pending() === 1, 'the first idle checkpoint');
    expect(a.status().lastError).toBe('STORE_UNREACHABLE');
    expect(lines.filter((l) => l.msg === 'checkpoint not sent; retried at the next interval')).toEqual([
      expect.objectContaining({ level: 'warn', code: 'STORE_UNREACHABLE' }),
    ]);
    expect(sleep.waits).toEqual([INTERVAL]);
    clock.advance(INTERVAL);
    sleep.expire();
    await until(() => sender.calls.length === 2 && sleep.pending() === 1, 'the retry');
    expect(a.status()).toMatchObject({ lastError: null, lastAnchored: { anchoredAt: iso(NOW + INTERVAL) } });
  });

  it('stop() while a checkpoint is out aborts its request and waits for it; nothing is logged as a failure', async () => {
    const a = makeAnchor();
    sender.answers.push(
      () =>
        new Promise((_resolve, reject) => {
          const signal = sender.calls[0]!.signal;
          signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' })), { once: true });
        }),
    );
    a.start();
    await until(() => sender.calls.length === 1, 'the idle checkpoint sent');
    await a.stop();
    expect(sender.calls[0]!.signal.aborted).toBe(true);
    expect(lines.filter((l) => l.msg === 'checkpoint not sent; retried at the next interval')).toEqual([]);
    expect(sender.calls).toHaveLength(1);
  });

  it('stop() before start() resolves at once', async () => {
    const a = makeAnchor();
    await a.stop();
    expect(sender.calls).toEqual([]);
  });
});
