/**
 * The visit writer: the outbox trigger, the duplicate rule, group writes, transactional appends,
 * and the chain head under failures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { chainHash, contentOf } from '../../../server/visits/chain.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { INSERT_SHAPES, MAX_BATCH } from '../../../server/visits/visit-insert.js';
import { VisitWriter, type VisitRecordedEvent } from '../../../server/visits/visit-writer.js';
import { visitContent } from '../../helpers/visit-content.js';

const dbs: Database[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openRepo(dir?: string) {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'kiosk-writes-'));
  if (!dir) dirs.push(d);
  const { db } = await openKioskDatabase(d, 0);
  dbs.push(db);
  const repo = new VisitWriter(db);
  await repo.init();
  return { db, repo, dir: d };
}

let ids = 0;
function content(card: string, opts: { verdict?: 'accepted' | 'needs_review' | 'rejected'; at?: number; id?: string } = {}) {
  ids++;
  return visitContent(ids, {
    ...(opts.id !== undefined ? { id: opts.id } : {}),
    recorded_at: opts.at ?? 10_000,
    verdict: opts.verdict ?? 'accepted',
    card_key: `card:${card}`,
  });
}

const outboxRows = (db: Database) =>
  db.all<{ visit_seq: number; visit_id: string }>('SELECT visit_seq, visit_id FROM sync_outbox ORDER BY visit_seq');

describe('VisitWriter.record', () => {
  it('a group write applies the duplicate rule to visits from before a restart (and only within the window)', async () => {
    const first = await openRepo();
    const old = await first.repo.record(content('OLD', { at: 1_000 }), { unlessRecentSince: 0 });
    const kept = await first.repo.record(content('KEPT', { at: 9_000 }), { unlessRecentSince: 0 });
    await first.db.close();
    dbs.splice(dbs.indexOf(first.db), 1);
    const { db, repo } = await openRepo(first.dir);
    // Several at once: a group write (not the single folded statement).
    const [a, b, c] = await Promise.all([
      repo.record(content('OLD', { at: 10_000 }), { unlessRecentSince: 5_000 }),
      repo.record(content('KEPT', { at: 10_000 }), { unlessRecentSince: 5_000 }),
      repo.record(content('NEW', { at: 10_000 }), { unlessRecentSince: 5_000 }),
    ]);
    expect(a.inserted).toBe(true);
    expect(b).toMatchObject({ inserted: false, existing: { seq: kept.inserted ? kept.row.seq : -1 } });
    expect(c.inserted).toBe(true);
    expect(old.inserted).toBe(true);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 4 });
  });

  it('the trigger writes the outbox row with the visit (never for a rejected attempt)', async () => {
    const { db, repo } = await openRepo();
    const a = await repo.record(content('A'), { unlessRecentSince: 0 });
    const r = await repo.record(content('R', { verdict: 'rejected' }));
    const n = await repo.record(content('N', { verdict: 'needs_review' }), { unlessRecentSince: 0 });
    expect([a.inserted, r.inserted, n.inserted]).toEqual([true, true, true]);
    expect(await outboxRows(db)).toEqual([
      { visit_seq: 1, visit_id: a.inserted ? a.row.id : '' },
      { visit_seq: 3, visit_id: n.inserted ? n.row.id : '' },
    ]);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 3 });
  });

  it('the duplicate rule: within the window → the existing visit, nothing written; rejected and older visits do not count', async () => {
    const { db, repo } = await openRepo();
    await repo.record(content('A', { verdict: 'rejected', at: 5_000 }));
    const first = await repo.record(content('A', { at: 10_000 }), { unlessRecentSince: 10_000 - 600_000 });
    const again = await repo.record(content('A', { at: 20_000 }), { unlessRecentSince: 20_000 - 600_000 });
    expect(first.inserted).toBe(true);
    expect(again).toMatchObject({ inserted: false, existing: { seq: 2, card_key: 'card:A' } });
    // Outside the window it is a new visit.
    const later = await repo.record(content('A', { at: 700_000 }), { unlessRecentSince: 700_000 - 600_000 });
    expect(later).toMatchObject({ inserted: true, row: { seq: 3 } });
    expect(repo.head.seq).toBe(3);
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(3);
  });

  it('under concurrency: each card once, duplicates answered with that row, the chain intact', async () => {
    const { db, repo } = await openRepo();
    const calls = [];
    for (let i = 0; i < 60; i++) calls.push(repo.record(content(`C${i % 20}`), { unlessRecentSince: 0 }));
    for (let i = 0; i < 5; i++) calls.push(repo.record(content(`X${i}`, { verdict: 'rejected' })));
    const out = await Promise.all(calls);
    expect(out.filter((r) => r.inserted)).toHaveLength(25);
    const byCard = new Map<string, number>();
    for (const r of out) {
      const row = r.inserted ? r.row : r.existing;
      if (row.verdict === 'rejected') continue;
      const seen = byCard.get(row.card_key);
      if (seen !== undefined) expect(row.seq).toBe(seen);
      byCard.set(row.card_key, row.seq);
    }
    expect(byCard.size).toBe(20);
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(25);
    expect(await outboxRows(db)).toHaveLength(20);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 25, headSeq: 25, headHash: repo.head.hash });
  });

  it('a failing write fails alone and never advances the head (alone and inside a group)', async () => {
    const { db, repo } = await openRepo();
    const first = await repo.record(content('A'), { unlessRecentSince: 0 });
    if (!first.inserted) throw new Error('expected a row');
    const head = repo.head;
    // The same id again violates UNIQUE(id).
    await expect(repo.record(content('B', { id: first.row.id }), { unlessRecentSince: 0 })).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT',
    });
    expect(repo.head).toEqual(head);
    // In a group: the bad row rejects, its neighbours are written and linked without it.
    const group = [
      repo.record(content('C'), { unlessRecentSince: 0 }),
      repo.record(content('D', { id: first.row.id }), { unlessRecentSince: 0 }),
      repo.record(content('E', { verdict: 'rejected' })),
      repo.record(content('F'), { unlessRecentSince: 0 }),
    ];
    const settled = await Promise.allSettled(group);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(repo.head.seq).toBe(4);
    const rows = await db.all<{ seq: number; card_key: string }>('SELECT seq, card_key FROM visits ORDER BY seq');
    expect(rows.map((r) => r.card_key)).toEqual(['card:A', 'card:C', 'card:E', 'card:F']);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 4, headHash: repo.head.hash });
  });

  it('a rolled-back transaction does not advance the head', async () => {
    const { db, repo } = await openRepo();
    await repo.record(content('A'), { unlessRecentSince: 0 });
    const head = repo.head;
    await expect(
      db.transaction(async (tx) => {
        await repo.append(tx, content('B'), { unlessRecentSince: 0 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(repo.head).toEqual(head);
    await repo.record(content('B'), { unlessRecentSince: 0 });
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 2 });
  });

  it('the outbox trigger lives only on the kiosk connection: a row inserted by anything else has no sync record and audit verify says so', async () => {
    const { repo, dir } = await openRepo();
    const a = await repo.record(content('A'), { unlessRecentSince: 0 });
    if (!a.inserted) throw new Error('expected a row');
    // Another connection (as someone with the file would have), correctly chained.
    const { db: other } = await openKioskDatabase(dir, 0);
    dbs.push(other);
    expect(await other.all("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%outbox%'")).toEqual([]);
    const c = { ...content('Z'), seq: 2 };
    const row = { ...c, prev_hash: a.row.hash, hash: chainHash(a.row.hash, contentOf({ ...c, prev_hash: '', hash: '' })) };
    const cols = Object.keys(row);
    await other.run(`INSERT INTO visits (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`, Object.values(row));
    expect(await other.all('SELECT visit_seq FROM sync_outbox')).toEqual([{ visit_seq: 1 }]);
    expect(await verifyChain(other)).toMatchObject({ intact: false, firstBrokenSeq: 2, problem: 'OUTBOX_MISSING' });
  });

  it('groups of every size up to MAX_BATCH use a few statement shapes, padded rows dropped, the chain intact', async () => {
    const { db, repo } = await openRepo();
    await repo.record(content('warm'), { unlessRecentSince: 0 }); // the lone-insert statement
    const before = db.cachedStatements;
    const sizes = [2, 7, 8, 9, 31, 33, MAX_BATCH];
    let total = 1;
    for (const [g, n] of sizes.entries()) {
      // Queued in one tick: the first call goes alone, the rest form one group behind it.
      const out = await Promise.all(Array.from({ length: n + 1 }, (_, i) => repo.record(content(`G${g}-${i}`), { unlessRecentSince: 0 })));
      expect(out.every((r) => r.inserted)).toBe(true);
      total += n + 1;
    }
    // New statements: one INSERT per shape used (8, 32, 64), not one per group size (the group
    // duplicate rule reads the repository's in-memory set, no statement).
    expect(db.cachedStatements - before).toBe(INSERT_SHAPES.filter((s) => s >= 8).length);
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(total);
    expect(await outboxRows(db)).toHaveLength(total);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: total, headSeq: total, headHash: repo.head.hash });
  });

  it('refuses to write before init()', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kiosk-writes-'));
    dirs.push(d);
    const { db } = await openKioskDatabase(d, 0);
    dbs.push(db);
    await expect(new VisitWriter(db).record(content('A'), { unlessRecentSince: 0 })).rejects.toThrow(/init/);
  });
});

describe('VisitWriter.append (inside a transaction)', () => {
  function numbered(n: number, verdict: 'accepted' | 'rejected' = 'accepted') {
    return { ...content(`${n}`, { verdict, at: 1000 + n }), id: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}` };
  }

  it('appends with an outbox row (not for rejected), advances the head after commit, notifies listeners', async () => {
    const { db, repo } = await openRepo();
    const events: VisitRecordedEvent[] = [];
    const seen = new Promise<void>((resolve) => repo.onVisitRecorded((e) => (events.push(e), events.length === 2 && resolve())));
    await db.transaction((tx) => repo.insert(tx, numbered(1)));
    await expect(
      db.transaction(async (tx) => {
        await repo.insert(tx, numbered(2));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow();
    expect(repo.head.seq).toBe(1);
    await db.transaction((tx) => repo.insert(tx, numbered(3, 'rejected')));
    await seen;
    expect(events.map((e) => [e.seq, e.outbox])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await db.all('SELECT visit_seq, state FROM sync_outbox')).toEqual([{ visit_seq: 1, state: 'pending' }]);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 2, headSeq: 2 });
    // A restarted service reads the head back.
    const again = new VisitWriter(db);
    await again.init();
    expect(again.head).toEqual(repo.head);
  });

  it('one visit per transaction (the head moves on commit)', async () => {
    const { db, repo } = await openRepo();
    await expect(
      db.transaction(async (tx) => {
        await repo.insert(tx, numbered(1));
        await repo.insert(tx, numbered(2));
      }),
    ).rejects.toThrow(/one visit per transaction/);
    expect(repo.head.seq).toBe(0);
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(0);
  });
});

describe('the duplicate rule is the same on every path', () => {
  const WINDOW = 600_000;

  async function writer() {
    const d = mkdtempSync(join(tmpdir(), 'kiosk-writes-'));
    dirs.push(d);
    const { db } = await openKioskDatabase(d, 0);
    dbs.push(db);
    const repo = new VisitWriter(db, { duplicateWindowMs: WINDOW });
    await repo.init();
    return { db, repo };
  }

  it('a visit written on one path is the duplicate on every other (lone, group, transaction, needs-review lookup)', async () => {
    const { db, repo } = await writer();
    const at = 10_000_000;
    const since = at - WINDOW;
    const lone = await repo.record(content('L', { at }), { unlessRecentSince: since });
    const group = await Promise.all([
      repo.record(content('G1', { at }), { unlessRecentSince: since }),
      repo.record(content('G2', { at }), { unlessRecentSince: since }),
    ]);
    const inTx = await db.transaction((tx) => repo.append(tx, content('T', { at }), { unlessRecentSince: since }));
    expect([lone, ...group, inTx].every((r) => r.inserted)).toBe(true);
    const cards = ['L', 'G1', 'G2', 'T'];
    for (const card of cards) {
      const seq = cards.indexOf(card) + 1;
      // Alone, in a group, in a transaction, and the read the needs-review path makes.
      expect(await repo.record(content(card, { at: at + 1 }), { unlessRecentSince: since })).toMatchObject({
        inserted: false,
        existing: { seq },
      });
      const [inGroup] = await Promise.all([
        repo.record(content(card, { at: at + 1 }), { unlessRecentSince: since }),
        repo.record(content(card, { at: at + 1 }), { unlessRecentSince: since }),
        repo.record(content(`other-${card}`, { at: at + 1 }), { unlessRecentSince: since }),
      ]);
      expect(inGroup).toMatchObject({ inserted: false, existing: { seq } });
      const tx = await db.transaction((t) => repo.append(t, content(card, { at: at + 1 }), { unlessRecentSince: since }));
      expect(tx).toMatchObject({ inserted: false, existing: { seq } });
      expect(await db.read((q) => repo.findDuplicate(q, '12001', `card:${card}`, since))).toMatchObject({ seq });
    }
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 8 });
  });

  it('a clock stepped back past what the writer keeps in memory: the same answer, from the table', async () => {
    const { db, repo } = await writer();
    const old = await repo.record(content('OLD', { at: 1_000 }), { unlessRecentSince: 1_000 - WINDOW });
    // A visit two hours later moves the in-memory window past the first one.
    await repo.record(content('LATER', { at: 7_200_000 }), { unlessRecentSince: 7_200_000 - WINDOW });
    if (!old.inserted) throw new Error('expected a row');
    // The clock went back to just after the first visit: it is within the window again.
    const since = 2_000 - WINDOW;
    expect(await repo.record(content('OLD', { at: 2_000 }), { unlessRecentSince: since })).toMatchObject({
      inserted: false,
      existing: { seq: old.row.seq },
    });
    const [inGroup, other] = await Promise.all([
      repo.record(content('OLD', { at: 2_000 }), { unlessRecentSince: since }),
      repo.record(content('OLD', { at: 2_000 }), { unlessRecentSince: since }),
      repo.record(content('NEW', { at: 2_000 }), { unlessRecentSince: since }),
    ]);
    expect(inGroup).toMatchObject({ inserted: false, existing: { seq: old.row.seq } });
    expect(other).toMatchObject({ inserted: false, existing: { seq: old.row.seq } });
    const tx = await db.transaction((t) => repo.append(t, content('OLD', { at: 2_000 }), { unlessRecentSince: since }));
    expect(tx).toMatchObject({ inserted: false, existing: { seq: old.row.seq } });
    expect(await db.read((q) => repo.findDuplicate(q, '12001', 'card:OLD', since))).toMatchObject({ seq: old.row.seq });
    expect(await db.read((q) => repo.findDuplicate(q, '12001', 'card:NONE', since))).toBeUndefined();
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(3);
  });

  it('the hashes are those the log has always written (existing databases keep verifying)', async () => {
    const { db, repo } = await writer();
    // Computed by the visit repository before the split, for this exact content.
    const base = {
      ...content('DN4121201234567', { at: 1764036000000, id: '019a0000-0000-7000-8000-000000000001' }),
      operator: 'le-tan',
      operator_name: 'Nguyễn Thị Thu',
      operator_cccd: '001190012345',
      checked_at: '2025-11-25T02:00:00.000Z',
      card_number: 'DN4121201234567',
      ma_so_bhxh: '1201234567',
      card_json: '{"cardNumber":"DN4121201234567","name":"Trần Văn A"}',
      issuer: 'https://x.example.vn',
      key_id: 'k1',
      rid: 'r1',
      demo: 1,
      qr_text: 'shc:/5676',
    };
    const a = await repo.record(base, { unlessRecentSince: 0 });
    const b = await db.transaction((tx) =>
      repo.insert(tx, {
        ...base,
        id: '019a0000-0000-7000-8000-000000000002',
        verdict: 'rejected',
        code: 'CARD_EXPIRED',
        reason_codes: '["CARD_EXPIRED"]',
        card_key: 'card:X',
        review_note: 'n',
        operator_cccd: null,
        card_json: null,
      }),
    );
    expect(a.inserted && a.row.hash).toBe('cab7c8b69d85ed3fd78ee594cb1b963233c4b53096c672282d6abdfd4e9dc247');
    expect(b.hash).toBe('18ded6c82ccfc4774f44ae389190921617e781b2aa34a6e013bd43bf991cc340');
    expect(await db.all('SELECT hash FROM visits ORDER BY seq')).toEqual([{ hash: a.inserted ? a.row.hash : '' }, { hash: b.hash }]);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 2 });
  });
});
