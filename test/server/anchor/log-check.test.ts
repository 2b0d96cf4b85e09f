/**
 * Checking a kiosk's logs against checkpoints held elsewhere (server/anchor/log-check.ts):
 * `--expect-hash-at SEQ:HASH` parsing, then a real kiosk database whose logs lack a checkpoint
 * (cut), hold another hash at it (rewritten), or hold it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgainst, parseHashAt } from '../../../server/anchor/log-check.js';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';
import { appendLogEntry } from '../../../server/card-checks/card-check-log.js';
import { visitContent } from '../../helpers/visit-content.js';

const H = 'ab'.repeat(32);

describe('parseHashAt', () => {
  it('accepts SEQ:HASH (64 hex, uppercase lowered, surrounding blanks trimmed, leading zeros read)', () => {
    expect(parseHashAt(`12:${H}`)).toEqual({ seq: 12, hash: H });
    expect(parseHashAt(`12:${H.toUpperCase()}`)).toEqual({ seq: 12, hash: H });
    expect(parseHashAt(`12:${'Ab'.repeat(32)}`)).toEqual({ seq: 12, hash: H });
    expect(parseHashAt(`  1:${H}\n`)).toEqual({ seq: 1, hash: H });
    expect(parseHashAt(`007:${H}`)).toEqual({ seq: 7, hash: H });
    expect(parseHashAt(`999999999999999:${H}`)).toEqual({ seq: 999_999_999_999_999, hash: H });
  });

  it.each([
    ['seq 0', `0:${H}`],
    ['seq 0 written long', `000:${H}`],
    ['no colon', `12${H}`],
    ['another separator', `12=${H}`],
    ['a short hash', `12:${H.slice(2)}`],
    ['a long hash', `12:${H}ab`],
    ['not hex', `12:${'zz'.repeat(32)}`],
    ['a negative seq', `-1:${H}`],
    ['a fractional seq', `1.5:${H}`],
    ['a seq of 16 digits', `1000000000000000:${H}`],
    ['no seq', `:${H}`],
    ['no hash', '12:'],
    ['blanks inside', `12 : ${H}`],
    ['empty', ''],
  ])('refuses %s', (_name, text) => {
    expect(parseHashAt(text)).toBeUndefined();
  });
});

describe('checkAgainst', () => {
  let dir: string;
  let db: Database;
  let v: Array<{ seq: number; hash: string }>;
  let c: Array<{ seq: number; hash: string }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'log-check-'));
    ({ db } = await openKioskDatabase(dir, 0));
    const writer = new VisitWriter(db);
    await writer.init();
    v = [];
    for (let n = 1; n <= 3; n++) {
      const row = await db.transaction((tx) => writer.insert(tx, visitContent(n)));
      v.push({ seq: row.seq, hash: row.hash });
    }
    // Two card-check log entries (the entry needs a record: one card check, answered later).
    await db.run(
      `INSERT INTO card_checks (id, created_at, facility, desk_id, operator, operator_name, source, local_verdict, local_code,
         verdict, code, reason_codes, portal_state, local_json, result_json, qr_text)
       VALUES ('c1', 1, '12001', 'desk-1', 'a', 'A', 'legacy-unsigned', 'needs_review', 'UNSIGNED_LEGACY', 'needs_review',
         'UNSIGNED_LEGACY', '[]', 'pending', '{}', '{}', 'qr')`,
    );
    await db.transaction((tx) => appendLogEntry(tx, 'card_check', 'c1', 'recorded', 1));
    await db.transaction((tx) => appendLogEntry(tx, 'card_check', 'c1', 'adopted', 2));
    c = await db.all<{ seq: number; hash: string }>('SELECT seq, hash FROM card_check_log ORDER BY seq');
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes when every checkpoint is present with its hash (and a seq-0 head says nothing)', async () => {
    expect(await checkAgainst(db, [])).toBeUndefined();
    expect(
      await checkAgainst(db, [
        { source: 'a', visits: v[0], cardChecks: c[0] },
        { source: 'b', visits: v[2], cardChecks: c[1] },
        { source: 'c', visits: { seq: 0, hash: GENESIS_HASH }, cardChecks: { seq: 0, hash: GENESIS_HASH } },
        { source: 'd', visits: v[1] },
        { source: 'e', cardChecks: c[1] },
        { source: 'f' },
      ]),
    ).toBeUndefined();
  });

  it('CHECKPOINT_MISSING for the visit log: a checkpoint beyond its end (the end was cut)', async () => {
    expect(await checkAgainst(db, [{ source: "the store's checkpoint signed at T", visits: { seq: 4, hash: H } }])).toEqual({
      problem: 'CHECKPOINT_MISSING',
      log: 'visits',
      seq: 4,
      message: "the visit log has no entry 4, which the store's checkpoint signed at T holds (its end was cut off)",
    });
  });

  it('CHECKPOINT_MISMATCH for the visit log: another hash at an anchored seq (rewritten or renumbered)', async () => {
    expect(await checkAgainst(db, [{ source: '--expect-hash-at', visits: { seq: 2, hash: H } }])).toEqual({
      problem: 'CHECKPOINT_MISMATCH',
      log: 'visits',
      seq: 2,
      message: "the visit log's entry 2 has another hash than --expect-hash-at (the log was rewritten or renumbered)",
    });
  });

  it('CHECKPOINT_MISSING and CHECKPOINT_MISMATCH for the card-check log', async () => {
    expect(await checkAgainst(db, [{ source: 'S', visits: v[2], cardChecks: { seq: 3, hash: H } }])).toEqual({
      problem: 'CHECKPOINT_MISSING',
      log: 'cardChecks',
      seq: 3,
      message: 'the card-check log has no entry 3, which S holds (its end was cut off)',
    });
    expect(await checkAgainst(db, [{ source: 'S', visits: v[2], cardChecks: { seq: 1, hash: c[1]!.hash } }])).toEqual({
      problem: 'CHECKPOINT_MISMATCH',
      log: 'cardChecks',
      seq: 1,
      message: "the card-check log's entry 1 has another hash than S (the log was rewritten or renumbered)",
    });
  });

  it('names the first checkpoint contradicted, in the order given (visits before card checks in each)', async () => {
    const found = await checkAgainst(db, [
      { source: 'ok', visits: v[0] },
      { source: 'first', visits: { seq: 1, hash: H }, cardChecks: { seq: 9, hash: H } },
      { source: 'second', visits: { seq: 9, hash: H } },
    ]);
    expect(found).toMatchObject({ problem: 'CHECKPOINT_MISMATCH', log: 'visits', seq: 1 });
    expect(found!.message).toContain('first');
  });

  it('a database older than the card-check log (no card_check_log table): every card-check checkpoint is missing', async () => {
    const old = await openDatabase(join(dir, 'old.sqlite'));
    try {
      await old.exec('CREATE TABLE visits (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL)');
      await old.run('INSERT INTO visits (seq, hash) VALUES (1, ?)', [H]);
      expect(await checkAgainst(old, [{ source: 'S', visits: { seq: 1, hash: H } }])).toBeUndefined();
      expect(await checkAgainst(old, [{ source: 'S', visits: { seq: 1, hash: H }, cardChecks: { seq: 1, hash: H } }])).toMatchObject({
        problem: 'CHECKPOINT_MISSING',
        log: 'cardChecks',
        seq: 1,
      });
    } finally {
      await old.close();
    }
  });
});
