/**
 * The store's checkpoint ledger (server/history-store/checkpoint-ledger.ts) on both backends: the
 * SQLite file and PostgreSQL on this file's throw-away cluster. The key is pinned on first use
 * (or must be the registered one), every refusal is an answer with its code, the listing pages,
 * and concurrent checkpoints of one slot are judged one at a time.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jwkThumbprint, publicJwk, signCheckpoint } from '../../../server/anchor/checkpoint.js';
import { recordCheckpoint, type CheckpointCaller, type CheckpointLedger } from '../../../server/history-store/checkpoint-ledger.js';
import { PgVisitStore } from '../../../server/history-store/pg-visit-store.js';
import { SqliteVisitStore } from '../../../server/history-store/sqlite-visit-store.js';
import { silentLogger } from '../../../server/logger.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import type { ChainHeadClaim, CheckpointClaims } from '../../../server/wire/checkpoints.js';
import { BACKENDS, NOW, pgCluster, stopPgCluster, type Backend } from './fixtures.js';

afterAll(stopPgCluster);

const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const thumbA = await jwkThumbprint(publicJwk(keyA));
const thumbB = await jwkThumbprint(publicJwk(keyB));
const iso = (ms: number) => new Date(ms).toISOString();
const hash = (c: string) => c.repeat(64);
const head = (seq: number, c = String(seq % 10)): ChainHeadClaim => (seq === 0 ? { seq: 0, hash: GENESIS_HASH } : { seq, hash: hash(c) });

function claims(visits: ChainHeadClaim, cardChecks: ChainHeadClaim, over: Partial<CheckpointClaims> = {}): CheckpointClaims {
  return { v: 1, facility: '12001', visits, cardChecks, signedAt: iso(NOW - 1000), ...over };
}
const sign = (c: CheckpointClaims, k: KeyObject = keyA) => signCheckpoint(c, k);

const CALLER: CheckpointCaller = { facility: '12001', slot: 'slot-a' };
const mismatch = {
  answer: { status: 'refused', code: 'CHECKPOINT_KEY_MISMATCH', detail: 'signed by another key than the one this API key is pinned to' },
};

describe.each(BACKENDS)('%s backend', (backend: Backend) => {
  let close: () => Promise<void>;
  let ledger: CheckpointLedger;

  beforeEach(async () => {
    if (backend === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'checkpoint-ledger-'));
      const store = await SqliteVisitStore.open(dir, NOW);
      ledger = store.checkpoints;
      close = async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      const url = await (await pgCluster()).createDatabase();
      const store = await PgVisitStore.open(url, { now: NOW, logger: silentLogger });
      ledger = store.checkpoints;
      close = () => store.close();
    }
  });
  afterEach(async () => {
    await close();
  });

  const record = (jws: unknown, now = NOW, caller: CheckpointCaller = CALLER) => recordCheckpoint(ledger, caller, jws, now);
  const all = async (slot = CALLER.slot) => (await ledger.list(slot, 0, 1000)).items;

  it('first use pins the key (recorded, `pinned`); the same heads again are a duplicate and move lastSeenAt', async () => {
    expect(await ledger.list(CALLER.slot, 0, 10)).toEqual({ kioskKey: null, items: [], next: null });
    const c = claims(head(5), head(2));
    const jws = await sign(c);
    expect(await record(jws)).toEqual({ answer: { status: 'recorded' }, pinned: thumbA });
    const page = await ledger.list(CALLER.slot, 0, 10);
    expect(page).toEqual({
      kioskKey: { thumbprint: thumbA, jwk: publicJwk(keyA) },
      items: [{ visits: c.visits, cardChecks: c.cardChecks, signedAt: c.signedAt, receivedAt: iso(NOW), lastSeenAt: iso(NOW), jws }],
      next: null,
    });
    // The same heads signed again later (an idle kiosk's heartbeat): not a new row, not re-pinned.
    const again = await sign({ ...c, signedAt: iso(NOW + 59_000) });
    expect(await record(again, NOW + 60_000)).toEqual({ answer: { status: 'duplicate' } });
    expect(await all()).toEqual([{ ...page.items[0], lastSeenAt: iso(NOW + 60_000) }]);
  });

  it('an empty kiosk (both logs at 0) pins and records too', async () => {
    expect(await record(await sign(claims(head(0), head(0))))).toEqual({ answer: { status: 'recorded' }, pinned: thumbA });
    expect(await record(await sign(claims(head(0), head(0))))).toEqual({ answer: { status: 'duplicate' } });
    expect(await record(await sign(claims(head(1), head(0))))).toEqual({ answer: { status: 'recorded' } });
  });

  it('a registered key refuses any other key, even on first use (nothing pinned); its own key pins', async () => {
    const caller = { ...CALLER, registeredKey: thumbB };
    expect(await record(await sign(claims(head(1), head(0)), keyA), NOW, caller)).toEqual(mismatch);
    expect(await ledger.list(CALLER.slot, 0, 10)).toEqual({ kioskKey: null, items: [], next: null });
    expect(await record(await sign(claims(head(1), head(0)), keyB), NOW, caller)).toEqual({
      answer: { status: 'recorded' },
      pinned: thumbB,
    });
    expect(await record(await sign(claims(head(2), head(0)), keyA), NOW, caller)).toEqual(mismatch);
    expect((await ledger.list(CALLER.slot, 0, 10)).kioskKey!.thumbprint).toBe(thumbB);
  });

  it('a key registered after another was pinned on first use replaces it (the kiosk re-registered); held checkpoints still bind it', async () => {
    await record(await sign(claims(head(3), head(0)), keyA));
    const caller = { ...CALLER, registeredKey: thumbB };
    // The lost key (A) is refused now, the registered one (B) re-pins...
    expect(await record(await sign(claims(head(4), head(0)), keyA), NOW, caller)).toEqual(mismatch);
    expect(await record(await sign(claims(head(4), head(0)), keyB), NOW, caller)).toEqual({
      answer: { status: 'recorded' },
      pinned: thumbB,
    });
    expect((await ledger.list(CALLER.slot, 0, 10)).kioskKey!.thumbprint).toBe(thumbB);
    // ...but may not roll back what A's checkpoints anchored.
    expect((await record(await sign(claims(head(2), head(0)), keyB), NOW, caller)).answer).toMatchObject({ code: 'CHECKPOINT_ROLLBACK' });
  });

  it('another key after pinning → CHECKPOINT_KEY_MISMATCH, nothing recorded', async () => {
    await record(await sign(claims(head(1), head(0))));
    expect(await record(await sign(claims(head(2), head(0)), keyB))).toEqual(mismatch);
    // Even the very heads held, signed by another key.
    expect(await record(await sign(claims(head(1), head(0)), keyB))).toEqual(mismatch);
    expect((await all()).map((i) => i.visits.seq)).toEqual([1]);
    expect((await ledger.list(CALLER.slot, 0, 10)).kioskKey!.thumbprint).toBe(thumbA);
  });

  it('another facility → CHECKPOINT_FACILITY, checked before the key is pinned', async () => {
    expect(await record(await sign(claims(head(1), head(0), { facility: '79002' })))).toEqual({
      answer: { status: 'refused', code: 'CHECKPOINT_FACILITY', detail: "the checkpoint names another facility than the API key's" },
    });
    expect((await ledger.list(CALLER.slot, 0, 10)).kioskKey).toBeNull();
    // The key is still free: another kiosk key may pin this slot.
    expect(await record(await sign(claims(head(1), head(0)), keyB))).toMatchObject({ pinned: thumbB });
  });

  it('not a checkpoint → CHECKPOINT_INVALID with the format detail, nothing pinned', async () => {
    const cases: Array<[unknown, string]> = [
      [undefined, 'not a compact JWS'],
      ['garbage', 'not a compact JWS'],
      [{ jws: 'x' }, 'not a compact JWS'],
      [(await sign(claims(head(1), head(0)))).replace(/\.[^.]+$/, '.AAAA'), 'the signature does not verify with the kiosk key'],
    ];
    for (const [jws, detail] of cases) {
      expect(await record(jws)).toEqual({
        answer: { status: 'refused', code: 'CHECKPOINT_INVALID', detail: `Not a checkpoint: ${detail}.` },
      });
    }
    expect((await ledger.list(CALLER.slot, 0, 10)).kioskKey).toBeNull();
  });

  it('rollback, fork and duplicate against what the slot holds; each chain on its own', async () => {
    const answer = async (v: ChainHeadClaim, c: ChainHeadClaim) => (await record(await sign(claims(v, c)))).answer;
    expect(await answer(head(5), head(2))).toEqual({ status: 'recorded' });
    expect(await answer(head(7), head(4))).toEqual({ status: 'recorded' });
    expect(await answer(head(7), head(4))).toEqual({ status: 'duplicate' });
    expect(await answer(head(6), head(4))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_ROLLBACK',
      detail: 'the visit log is at 6, the store holds 7',
    });
    // An older checkpoint the store holds, sent after a newer one: the log was cut back to it.
    expect(await answer(head(5), head(2))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_ROLLBACK',
      detail: 'the visit log is at 5, the store holds 7',
    });
    expect(await answer(head(7, 'f'), head(4))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_FORK',
      detail: 'the visit log has another hash at 7 than the store holds',
    });
    expect(await answer(head(5, 'f'), head(9))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_FORK',
      detail: 'the visit log has another hash at 5 than the store holds',
    });
    // Visits fine, the card-check log rolled back / rewritten.
    expect(await answer(head(8), head(3))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_ROLLBACK',
      detail: 'the card-check log is at 3, the store holds 4',
    });
    expect(await answer(head(8), head(4, 'f'))).toEqual({
      status: 'refused',
      code: 'CHECKPOINT_FORK',
      detail: 'the card-check log has another hash at 4 than the store holds',
    });
    expect(await answer(head(8), head(4))).toEqual({ status: 'recorded' });
    expect(await answer(head(8), head(6))).toEqual({ status: 'recorded' });
    expect((await all()).map((i) => [i.visits.seq, i.cardChecks.seq])).toEqual([
      [5, 2],
      [7, 4],
      [8, 4],
      [8, 6],
    ]);
  });

  it('slots are apart: another API key of the same facility pins its own key and keeps its own heads', async () => {
    const other = { ...CALLER, slot: 'slot-b' };
    await record(await sign(claims(head(9), head(9))));
    expect(await record(await sign(claims(head(1), head(1)), keyB), NOW, other)).toEqual({
      answer: { status: 'recorded' },
      pinned: thumbB,
    });
    expect((await all('slot-b')).map((i) => i.visits.seq)).toEqual([1]);
    expect((await ledger.list('slot-b', 0, 10)).kioskKey!.thumbprint).toBe(thumbB);
    expect((await all('slot-a')).map((i) => i.visits.seq)).toEqual([9]);
  });

  it('list() pages oldest first with `next`, and returns the kioskKey on every page', async () => {
    const jwss: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const jws = await sign(claims(head(i), head(0)));
      jwss.push(jws);
      expect((await record(jws, NOW + i)).answer.status).toBe('recorded');
    }
    const seen: string[] = [];
    let after = 0;
    const nexts: Array<number | null> = [];
    for (let pages = 0; pages < 10; pages++) {
      const page = await ledger.list(CALLER.slot, after, 2);
      expect(page.kioskKey).toEqual({ thumbprint: thumbA, jwk: publicJwk(keyA) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.jws));
      nexts.push(page.next);
      if (page.next === null) break;
      expect(page.next).toBeGreaterThan(after);
      after = page.next;
    }
    expect(seen).toEqual(jwss);
    expect(nexts).toHaveLength(3);
    expect(nexts[2]).toBeNull();
    // A full last page says null, not a page that would come back empty.
    expect((await ledger.list(CALLER.slot, 0, 5)).next).toBeNull();
    expect((await ledger.list(CALLER.slot, 0, 4)).next).not.toBeNull();
    // Past the end: no items, still the key.
    expect(await ledger.list(CALLER.slot, 1e12, 10)).toEqual({
      kioskKey: { thumbprint: thumbA, jwk: publicJwk(keyA) },
      items: [],
      next: null,
    });
    expect(await ledger.list('no-such-slot', 0, 10)).toEqual({ kioskKey: null, items: [], next: null });
    expect((await all()).map((i) => i.receivedAt)).toEqual([1, 2, 3, 4, 5].map((i) => iso(NOW + i)));
  });

  it('concurrent first use by two keys: exactly one is pinned, the other refused', async () => {
    for (let round = 0; round < 5; round++) {
      const caller = { ...CALLER, slot: `slot-race-${round}` };
      const jwss = await Promise.all([keyA, keyB, keyA, keyB].map((k) => sign(claims(head(1), head(0)), k)));
      const outcomes = await Promise.all(jwss.map((j) => record(j, NOW, caller)));
      const pinned = outcomes.filter((o) => o.pinned !== undefined);
      expect(pinned).toHaveLength(1);
      const winner = pinned[0]!.pinned;
      const key = (await ledger.list(caller.slot, 0, 10)).kioskKey!;
      expect(key.thumbprint).toBe(winner);
      // The winner's twin is a duplicate of the recorded checkpoint; the loser's two are refused.
      expect(outcomes.map((o) => o.answer.status).sort()).toEqual(['duplicate', 'recorded', 'refused', 'refused']);
      expect(outcomes.filter((o) => o.answer.status === 'refused').every((o) => o.answer.code === 'CHECKPOINT_KEY_MISMATCH')).toBe(true);
    }
  });

  it('concurrent checkpoints of one slot end consistent: never two hashes at one seq, never a lower seq after a higher one', async () => {
    // Every seq 1..6 with two different hashes for each chain: forks and rollbacks race each other.
    const candidates: CheckpointClaims[] = [];
    for (let s = 1; s <= 6; s++) {
      candidates.push(claims(head(s, 'a'), head(s, 'c')), claims(head(s, 'b'), head(s, 'd')), claims(head(s, 'a'), head(s, 'd')));
    }
    const jwss = await Promise.all(candidates.map((c) => sign(c)));
    for (let round = 0; round < 5; round++) {
      const caller = { ...CALLER, slot: `slot-race-${round}` };
      await record(await sign(claims(head(0), head(0))), NOW, caller);
      const outcomes = await Promise.all(jwss.map((j, i) => record(j, NOW + i, caller)));
      for (const o of outcomes) {
        if (o.answer.status === 'refused') expect(['CHECKPOINT_FORK', 'CHECKPOINT_ROLLBACK']).toContain(o.answer.code);
      }
      const items = (await ledger.list(caller.slot, 0, 1000)).items;
      expect(items.length).toBe(1 + outcomes.filter((o) => o.answer.status === 'recorded').length);
      for (const chain of ['visits', 'cardChecks'] as const) {
        const bySeq = new Map<number, Set<string>>();
        for (const i of items) bySeq.set(i[chain].seq, (bySeq.get(i[chain].seq) ?? new Set()).add(i[chain].hash));
        for (const [seq, hashes] of bySeq) expect(hashes.size, `${chain} at ${seq}`).toBe(1);
        const seqs = items.map((i) => i[chain].seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
    }
  });
});
