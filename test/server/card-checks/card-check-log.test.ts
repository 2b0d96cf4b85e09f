/**
 * The card-check log (server/card-checks/card-check-log.ts) on a real kiosk database: each write
 * of the repositories appends its one entry, the verifier (card-check-log-verifier.ts) finds the
 * log intact, then raw SQL tampering (the triggers dropped first, as an attacker with the file
 * would) is found with its exact problem; and the once-only adoption of older records.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adoptUnloggedRecords,
  appendLogEntry,
  cardCheckLogHead,
  logEntryHash,
  recordHash,
  type LogEntry,
} from '../../../server/card-checks/card-check-log.js';
import { verifyCardCheckLog } from '../../../server/card-checks/card-check-log-verifier.js';
import { CardCheckRepository } from '../../../server/card-checks/card-check-repo.js';
import { RecheckRepository } from '../../../server/card-checks/recheck-repo.js';
import type { NewRecheck } from '../../../server/card-checks/records.js';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { migrate } from '../../../server/db/migrate.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { KIOSK_MIGRATIONS } from '../../../server/db/schema.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { cardCheckMaker, portalAccepted } from '../../helpers/card-check-records.js';

const NOW = Date.parse('2026-11-25T02:00:00.000Z');

const cardCheck = cardCheckMaker(NOW, '0190c000');
const answer = () => portalAccepted(NOW);
let n = 0;
function recheck(cardCheckId: string, visitId: string, over: Partial<NewRecheck> = {}): NewRecheck {
  n++;
  return {
    id: `0190d000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    visitId,
    cardCheckId,
    at: NOW + 10_000 + n,
    state: 'done',
    portalCode: '000',
    portalMessage: null,
    latencyMs: 12,
    attempts: 1,
    verdict: 'accepted',
    code: 'OK',
    reasonCodes: [],
    flagged: false,
    ...over,
  };
}

const ALL_TRIGGERS = [
  'card_checks_no_delete',
  'card_checks_fixed',
  'card_checks_answer_once',
  'card_checks_no_reanswer',
  'card_checks_link_once',
  'visit_rechecks_no_update',
  'visit_rechecks_no_delete',
  'card_check_log_no_update',
  'card_check_log_no_delete',
];
const dropTriggers = (db: Database, names = ALL_TRIGGERS) => db.exec(names.map((t) => `DROP TRIGGER ${t};`).join('\n'));
const entries = (db: Database) => db.all<LogEntry>('SELECT * FROM card_check_log ORDER BY seq');

let dir: string;
let db: Database;
let repo: CardCheckRepository;
let rechecks: RecheckRepository;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'card-check-log-'));
  ({ db } = await openKioskDatabase(dir, NOW));
  // What the service does at start (server/app/database.ts): the fresh database's marker is gone.
  expect(await adoptUnloggedRecords(db, NOW)).toBe(0);
  repo = new CardCheckRepository(db);
  rechecks = new RecheckRepository(db);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Check A (recorded, answered, linked to visit V1, re-checked), check B (recorded only). 5 entries. */
async function populate(): Promise<{ a: string; b: string; r: string }> {
  const a = (await repo.insert(cardCheck())).id;
  const b = (await repo.insert(cardCheck())).id;
  expect(await repo.recordAnswer(a, answer(), NOW + 100)).toBe(true);
  expect(await db.transaction((tx) => repo.linkVisit(a, 'visit-1', NOW + 200, tx))).toBe(true);
  const r = recheck(a, 'visit-1');
  expect(await rechecks.appendRecheck(r)).toBe(true);
  return { a, b, r: r.id };
}

type Populated = Awaited<ReturnType<typeof populate>>;

/**
 * Raw SQL tampering, as an attacker with the file would do it (the record triggers dropped
 * first, except where the attack needs none), and exactly what the verifier reports.
 */
const TAMPERING: ReadonlyArray<{ what: string; tamper: (ids: Populated) => Promise<unknown>; found: (ids: Populated) => object }> = [
  {
    what: 'a NULL column given a value (the forgotten QR text put back) → RECORD_CHANGED',
    tamper: async ({ a }) => {
      await dropTriggers(db);
      await db.run("UPDATE card_checks SET qr_text = 'put back' WHERE id = ?", [a]);
    },
    found: ({ a }) => ({ intact: false, problem: 'RECORD_CHANGED', message: expect.stringContaining(a) }),
  },
  {
    what: 'a changed visit_rechecks row → RECORD_CHANGED (recheck)',
    tamper: async ({ r }) => {
      await dropTriggers(db);
      await db.run('UPDATE visit_rechecks SET flagged = 1 WHERE id = ?', [r]);
    },
    found: ({ r }) => ({
      intact: false,
      problem: 'RECORD_CHANGED',
      message: `recheck ${r} differs from its card-check log entry (changed outside the kiosk)`,
    }),
  },
  {
    what: 'a deleted row → RECORD_REMOVED',
    tamper: async ({ b }) => {
      await dropTriggers(db);
      await db.run('DELETE FROM card_checks WHERE id = ?', [b]);
    },
    found: ({ b }) => ({
      intact: false,
      count: 5,
      problem: 'RECORD_REMOVED',
      message: `card_check ${b} is in the card-check log but was removed`,
    }),
  },
  {
    what: 'a deleted re-check → RECORD_REMOVED (recheck)',
    tamper: async ({ r }) => {
      await dropTriggers(db);
      await db.run('DELETE FROM visit_rechecks WHERE id = ?', [r]);
    },
    found: ({ r }) => ({ intact: false, problem: 'RECORD_REMOVED', message: `recheck ${r} is in the card-check log but was removed` }),
  },
  {
    what: 'a row inserted without an entry → RECORD_UNLOGGED',
    tamper: () =>
      db.run(
        `INSERT INTO card_checks (id, created_at, facility, desk_id, operator, operator_name, source, local_verdict, local_code,
           verdict, code, reason_codes, portal_state, local_json, result_json)
         VALUES ('forged', 1, '12001', 'desk-1', 'a', 'A', 'manual', 'accepted', 'OK', 'accepted', 'OK', '[]', 'done', '{}', '{}')`,
      ),
    found: () => ({
      intact: false,
      problem: 'RECORD_UNLOGGED',
      message: 'card_check forged is not in the card-check log (inserted outside the kiosk)',
    }),
  },
  {
    what: 'a log entry edited → LOG_HASH_MISMATCH at that entry',
    tamper: async () => {
      await dropTriggers(db);
      await db.run('UPDATE card_check_log SET at = at + 1 WHERE seq = 2');
    },
    found: () => ({
      present: true,
      intact: false,
      count: 5,
      headSeq: 5,
      firstBrokenSeq: 2,
      problem: 'LOG_HASH_MISMATCH',
      message: 'card-check log entry 2 does not match its hash',
    }),
  },
  {
    what: 'a log entry edited and re-hashed → LOG_PREV_HASH_MISMATCH at the next one',
    tamper: async () => {
      await dropTriggers(db);
      const e = (await entries(db))[1]!;
      const edited = { ...e, at: e.at + 1 };
      await db.run('UPDATE card_check_log SET at = ?, hash = ? WHERE seq = 2', [edited.at, logEntryHash(e.prev_hash, edited)]);
    },
    found: () => ({
      intact: false,
      firstBrokenSeq: 3,
      problem: 'LOG_PREV_HASH_MISMATCH',
      message: 'card-check log entry 3 does not link to entry 2',
    }),
  },
  {
    what: 'a log entry deleted in the middle → LOG_SEQ_GAP',
    tamper: async () => {
      await dropTriggers(db);
      await db.run('DELETE FROM card_check_log WHERE seq = 3');
    },
    found: () => ({ intact: false, count: 4, firstBrokenSeq: 3, problem: 'LOG_SEQ_GAP', message: 'card-check log entry 3 is missing' }),
  },
  {
    what: 'the first entry deleted → LOG_SEQ_GAP at 1',
    tamper: async () => {
      await dropTriggers(db);
      await db.run('DELETE FROM card_check_log WHERE seq = 1');
    },
    found: () => ({ intact: false, firstBrokenSeq: 1, problem: 'LOG_SEQ_GAP' }),
  },
  {
    what: 'the last entry cut off (the re-check’s only entry) → RECORD_UNLOGGED',
    tamper: async () => {
      await dropTriggers(db);
      await db.run('DELETE FROM card_check_log WHERE seq = 5');
    },
    found: ({ r }) => ({ intact: false, count: 4, headSeq: 4, problem: 'RECORD_UNLOGGED', message: expect.stringContaining(r) }),
  },
  {
    what: 'the log’s triggers dropped (nothing else changed) → LOG_TRIGGERS_MISSING',
    tamper: () => dropTriggers(db, ['card_check_log_no_delete']),
    found: () => ({
      intact: false,
      count: 5,
      problem: 'LOG_TRIGGERS_MISSING',
      message: 'the append-only triggers on the card-check log were removed or altered',
    }),
  },
  {
    what: 'a log trigger replaced by one that does not abort → LOG_TRIGGERS_MISSING',
    tamper: async () => {
      await dropTriggers(db, ['card_check_log_no_update']);
      await db.exec('CREATE TRIGGER card_check_log_no_update BEFORE UPDATE ON card_check_log BEGIN SELECT 1; END;');
    },
    found: () => ({ intact: false, problem: 'LOG_TRIGGERS_MISSING' }),
  },
];

describe('every write appends one entry', () => {
  it('insert → recorded, recordAnswer → answered, linkVisit → linked, appendRecheck → recorded; each entry hashes its record as it then is', async () => {
    expect(await verifyCardCheckLog(db)).toEqual({ present: true, intact: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
    const c = cardCheck();
    await repo.insert(c);
    const rowAfterInsert = await db.get('SELECT * FROM card_checks WHERE id = ?', [c.id]);
    let log = await entries(db);
    expect(log).toEqual([
      {
        seq: 1,
        record_kind: 'card_check',
        record_id: c.id,
        event: 'recorded',
        at: c.createdAt,
        record_hash: recordHash(rowAfterInsert!),
        prev_hash: GENESIS_HASH,
        hash: logEntryHash(GENESIS_HASH, {
          seq: 1,
          record_kind: 'card_check',
          record_id: c.id,
          event: 'recorded',
          at: c.createdAt,
          record_hash: recordHash(rowAfterInsert!),
        }),
      },
    ]);

    expect(await repo.recordAnswer(c.id, answer(), NOW + 100)).toBe(true);
    expect(await db.transaction((tx) => repo.linkVisit(c.id, 'visit-1', NOW + 200, tx))).toBe(true);
    const r = recheck(c.id, 'visit-1');
    expect(await rechecks.appendRecheck(r)).toBe(true);
    log = await entries(db);
    expect(log.map((e) => [e.seq, e.record_kind, e.record_id, e.event, e.at])).toEqual([
      [1, 'card_check', c.id, 'recorded', c.createdAt],
      [2, 'card_check', c.id, 'answered', NOW + 100],
      [3, 'card_check', c.id, 'linked', NOW + 200],
      [4, 'recheck', r.id, 'recorded', r.at],
    ]);
    // A chain: each links to the one before and hashes its own content.
    for (let i = 0; i < log.length; i++) {
      expect(log[i]!.prev_hash).toBe(i === 0 ? GENESIS_HASH : log[i - 1]!.hash);
      expect(log[i]!.hash).toBe(logEntryHash(log[i]!.prev_hash, log[i]!));
      expect(log[i]!.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // The latest entry of each record holds the record as it is now (the linked one forgot its QR).
    const now = await db.get<Record<string, unknown>>('SELECT * FROM card_checks WHERE id = ?', [c.id]);
    expect(now!.qr_text).toBeNull();
    expect(log[2]!.record_hash).toBe(recordHash(now!));
    expect(log[0]!.record_hash).not.toBe(log[1]!.record_hash);
    expect(log[3]!.record_hash).toBe(recordHash((await db.get('SELECT * FROM visit_rechecks WHERE id = ?', [r.id]))!));
    // No personal data is copied into the log.
    expect(JSON.stringify(log)).not.toMatch(/0123456789|HS401|Lê Tân|001090000001/);

    expect(await cardCheckLogHead(db)).toEqual({ seq: 4, hash: log[3]!.hash });
    expect(await verifyCardCheckLog(db)).toEqual({ present: true, intact: true, count: 4, headSeq: 4, headHash: log[3]!.hash });
  });

  it('a write that changes nothing appends nothing: a second answer, a second link, a second re-check', async () => {
    const { a } = await populate();
    expect(await repo.recordAnswer(a, answer(), NOW + 300)).toBe(false);
    expect(await db.transaction((tx) => repo.linkVisit(a, 'visit-2', NOW + 300, tx))).toBe(false);
    expect(await repo.recordAnswer('no-such-check', answer(), NOW + 300)).toBe(false);
    expect(await rechecks.appendRecheck(recheck(a, 'visit-1'))).toBe(false);
    expect(await verifyCardCheckLog(db)).toMatchObject({ intact: true, count: 5, headSeq: 5 });
  });

  it('a card check answered at once (not pending) is one entry; NULL columns are left out of its hash', async () => {
    const c = cardCheck({ result: answer(), qrText: null, operatorCccd: null });
    await repo.insert(c);
    const row = (await db.get<Record<string, unknown>>('SELECT * FROM card_checks WHERE id = ?', [c.id]))!;
    const withoutNulls = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
    expect(recordHash(row)).toBe(recordHash(withoutNulls));
    expect((await entries(db)).map((e) => e.event)).toEqual(['recorded']);
    expect(await verifyCardCheckLog(db)).toMatchObject({ intact: true, count: 1 });
  });

  it('a write whose log entry cannot be written is rolled back with it (one transaction)', async () => {
    await repo.insert(cardCheck());
    // The log refuses inserts now: the record must not land without its entry.
    await db.exec("CREATE TRIGGER t_refuse BEFORE INSERT ON card_check_log BEGIN SELECT RAISE(ABORT, 'no'); END;");
    const c = cardCheck();
    await expect(repo.insert(c)).rejects.toThrow(/no/);
    expect(await db.get('SELECT id FROM card_checks WHERE id = ?', [c.id])).toBeUndefined();
    await db.exec('DROP TRIGGER t_refuse');
    expect(await verifyCardCheckLog(db)).toMatchObject({ intact: true, count: 1 });
  });
});

describe('verifyCardCheckLog finds tampering', () => {
  it('intact after the repositories’ writes (5 entries), and still with the record triggers dropped', async () => {
    await populate();
    await dropTriggers(db, ALL_TRIGGERS.slice(0, 7));
    const head = await cardCheckLogHead(db);
    expect(await verifyCardCheckLog(db)).toEqual({ present: true, intact: true, count: 5, headSeq: 5, headHash: head.hash });
  });

  it('a changed card_checks row → RECORD_CHANGED', async () => {
    const { b } = await populate();
    await dropTriggers(db);
    await db.run("UPDATE card_checks SET verdict = 'accepted', code = 'OK' WHERE id = ?", [b]);
    const head = await cardCheckLogHead(db);
    expect(await verifyCardCheckLog(db)).toEqual({
      present: true,
      intact: false,
      count: 5,
      headSeq: 5,
      headHash: head.hash,
      problem: 'RECORD_CHANGED',
      message: `card_check ${b} differs from its card-check log entry (changed outside the kiosk)`,
    });
  });

  for (const { what, tamper, found } of TAMPERING)
    it(what, async () => {
      const ids = await populate();
      await tamper(ids);
      expect(await verifyCardCheckLog(db)).toMatchObject(found(ids));
    });

  it('the triggers refuse an UPDATE or DELETE of the log while they are in place', async () => {
    await populate();
    await expect(db.run('UPDATE card_check_log SET at = 0 WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM card_check_log WHERE seq = 5')).rejects.toThrow(/append-only/);
    expect(await verifyCardCheckLog(db)).toMatchObject({ intact: true, count: 5 });
  });

  it('a database older than the log (no card_check_log table): not present, nothing to check', async () => {
    const old = await openDatabase(join(dir, 'old.sqlite'));
    try {
      await migrate(
        old,
        KIOSK_MIGRATIONS.filter((m) => m.version < 6),
        NOW,
      );
      expect(await verifyCardCheckLog(old)).toEqual({ present: false, intact: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
    } finally {
      await old.close();
    }
  });
});

describe('adoptUnloggedRecords', () => {
  it('adopts the records written before migration 6 once (oldest first), and never again', async () => {
    const old = await openDatabase(join(dir, 'upgrade.sqlite'));
    try {
      await migrate(
        old,
        KIOSK_MIGRATIONS.filter((m) => m.version < 6),
        NOW,
      );
      const older = new CardCheckRepositoryWithoutLog(old);
      await older.insert('c-2', 2);
      await older.insert('c-1', 1);
      await old.run(
        `INSERT INTO visit_rechecks (id, visit_id, card_check_id, at, state, verdict, code, reason_codes, flagged)
         VALUES ('r-1', 'visit-1', 'c-1', 5, 'done', 'accepted', 'OK', '[]', 0)`,
      );
      expect(await migrate(old, KIOSK_MIGRATIONS, NOW)).toEqual([6]);
      // Before adoption the old records are not "unlogged": the marker says they wait for it.
      expect(await old.get('SELECT pending FROM card_check_log_adoption')).toEqual({ pending: 1 });
      expect(await verifyCardCheckLog(old)).toMatchObject({ present: true, intact: true, count: 0 });

      expect(await adoptUnloggedRecords(old, NOW + 1)).toBe(3);
      const log = await entries(old);
      expect(log.map((e) => [e.seq, e.record_kind, e.record_id, e.event, e.at])).toEqual([
        [1, 'card_check', 'c-1', 'adopted', NOW + 1],
        [2, 'card_check', 'c-2', 'adopted', NOW + 1],
        [3, 'recheck', 'r-1', 'adopted', NOW + 1],
      ]);
      expect(await old.get("SELECT name FROM sqlite_master WHERE name = 'card_check_log_adoption'")).toBeUndefined();
      expect(await verifyCardCheckLog(old)).toMatchObject({ intact: true, count: 3, headSeq: 3 });

      // Never again: a second start adopts nothing, and a record slipped in now is unlogged.
      expect(await adoptUnloggedRecords(old, NOW + 2)).toBe(0);
      expect(await entries(old)).toEqual(log);
      await older.insert('c-3', 3);
      expect(await adoptUnloggedRecords(old, NOW + 3)).toBe(0);
      expect(await verifyCardCheckLog(old)).toMatchObject({
        intact: false,
        problem: 'RECORD_UNLOGGED',
        message: expect.stringContaining('c-3'),
      });
    } finally {
      await old.close();
    }
  });

  it('on a fresh database there is nothing to adopt; the marker goes at the first start', async () => {
    mkdirSync(join(dir, 'fresh'));
    const fresh = await openKioskDatabase(join(dir, 'fresh'), NOW);
    try {
      expect(await fresh.db.get('SELECT count(*) AS n FROM card_check_log_adoption')).toEqual({ n: 1 });
      expect(await adoptUnloggedRecords(fresh.db, NOW)).toBe(0);
      expect(await adoptUnloggedRecords(fresh.db, NOW)).toBe(0);
      expect(await fresh.db.get("SELECT name FROM sqlite_master WHERE name = 'card_check_log_adoption'")).toBeUndefined();
      expect(await verifyCardCheckLog(fresh.db)).toMatchObject({ intact: true, count: 0 });
    } finally {
      await fresh.db.close();
    }
  });

  it('appendLogEntry refuses a record that is not there', async () => {
    await expect(db.transaction((tx) => appendLogEntry(tx, 'card_check', 'missing', 'recorded', NOW))).rejects.toThrow(
      'unreachable: the card_check just written is missing',
    );
    expect(await entries(db)).toEqual([]);
  });
});

/** A card check written the way the kiosk wrote them before the card-check log (no entry). */
class CardCheckRepositoryWithoutLog {
  constructor(private readonly db: Database) {}
  insert(id: string, createdAt: number) {
    return this.db.run(
      `INSERT INTO card_checks (id, created_at, facility, desk_id, operator, operator_name, source, local_verdict, local_code,
         verdict, code, reason_codes, portal_state, local_json, result_json, qr_text)
       VALUES (?, ?, '12001', 'desk-1', 'a', 'A', 'legacy-unsigned', 'needs_review', 'UNSIGNED_LEGACY', 'needs_review',
         'UNSIGNED_LEGACY', '[]', 'pending', '{}', '{}', 'qr')`,
      [id, createdAt],
    );
  }
}
