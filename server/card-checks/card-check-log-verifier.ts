/**
 * Verifies the card-check log (card-check-log.ts) in a database: walks its hash chain, then
 * matches it against the records: each record's latest entry must hash to the record as stored,
 * every record must have an entry and every entry's record must exist; and the append-only
 * triggers must be in place. Read-only, like the visit chain's verifier.
 */
import type { Database } from '../db/database.js';
import { GENESIS_HASH } from '../visits/chain.js';
import { RECORD_TABLES, logEntryHash, recordHash, type LogEntry, type RecordKind } from './card-check-log.js';

const BATCH = 1000;

export type CardCheckLogProblem =
  | 'LOG_SEQ_GAP'
  | 'LOG_PREV_HASH_MISMATCH'
  | 'LOG_HASH_MISMATCH'
  | 'RECORD_CHANGED'
  | 'RECORD_UNLOGGED'
  | 'RECORD_REMOVED'
  | 'LOG_TRIGGERS_MISSING';

export interface CardCheckLogReport {
  /** False for a database older than the log (schema < 6): nothing to check. */
  present: boolean;
  intact: boolean;
  /** Entries in the log. */
  count: number;
  headSeq: number;
  headHash: string;
  firstBrokenSeq?: number;
  problem?: CardCheckLogProblem;
  /** English, for the CLI. */
  message?: string;
}

export async function verifyCardCheckLog(db: Database): Promise<CardCheckLogReport> {
  const tables = await db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('card_check_log', 'card_check_log_adoption')",
  );
  const empty = { present: false, intact: true, count: 0, headSeq: 0, headHash: GENESIS_HASH };
  if (!tables.some((t) => t.name === 'card_check_log')) return empty;
  const adoptionPending = tables.some((t) => t.name === 'card_check_log_adoption');

  let head = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  let broken: Pick<CardCheckLogReport, 'firstBrokenSeq' | 'problem' | 'message'> | undefined;
  /** kind:id → the record hash of its latest entry. */
  const latest = new Map<string, string>();
  for (let after = 0; ;) {
    const rows = await db.all<LogEntry>('SELECT * FROM card_check_log WHERE seq > ? ORDER BY seq LIMIT ?', [after, BATCH]);
    for (const e of rows) {
      count++;
      if (!broken) {
        if (e.seq !== head.seq + 1) {
          broken = { firstBrokenSeq: head.seq + 1, problem: 'LOG_SEQ_GAP', message: `card-check log entry ${head.seq + 1} is missing` };
        } else if (e.prev_hash !== head.hash) {
          broken = {
            firstBrokenSeq: e.seq,
            problem: 'LOG_PREV_HASH_MISMATCH',
            message: `card-check log entry ${e.seq} does not link to entry ${head.seq}`,
          };
        } else if (logEntryHash(e.prev_hash, e) !== e.hash) {
          broken = {
            firstBrokenSeq: e.seq,
            problem: 'LOG_HASH_MISMATCH',
            message: `card-check log entry ${e.seq} does not match its hash`,
          };
        }
      }
      latest.set(`${e.record_kind}:${e.record_id}`, e.record_hash);
      head = { seq: e.seq, hash: e.hash };
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.seq;
  }
  const report = { present: true, intact: true, count, headSeq: head.seq, headHash: head.hash };
  if (broken) return { ...report, intact: false, ...broken };

  for (const kind of Object.keys(RECORD_TABLES) as RecordKind[]) {
    // rowid order: stable and cheap to page through; the records' own order does not matter here.
    for (let after = 0; ;) {
      const rows = await db.all<Record<string, unknown> & { _rowid: number; id: string }>(
        `SELECT rowid AS _rowid, * FROM ${RECORD_TABLES[kind]} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
        [after, BATCH],
      );
      for (const { _rowid, ...row } of rows) {
        void _rowid;
        const key = `${kind}:${row.id}`;
        const logged = latest.get(key);
        if (logged === undefined) {
          if (adoptionPending) continue;
          return {
            ...report,
            intact: false,
            problem: 'RECORD_UNLOGGED',
            message: `${kind} ${row.id} is not in the card-check log (inserted outside the kiosk)`,
          };
        }
        if (logged !== recordHash(row)) {
          return {
            ...report,
            intact: false,
            problem: 'RECORD_CHANGED',
            message: `${kind} ${row.id} differs from its card-check log entry (changed outside the kiosk)`,
          };
        }
        latest.delete(key);
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!._rowid;
    }
  }
  const removed = latest.keys().next();
  if (!removed.done) {
    return {
      ...report,
      intact: false,
      problem: 'RECORD_REMOVED',
      message: `${removed.value.replace(':', ' ')} is in the card-check log but was removed`,
    };
  }
  const triggers = await db.all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'card_check_log'",
  );
  const guards = ['card_check_log_no_update', 'card_check_log_no_delete'].filter((n) =>
    triggers.some((t) => t.name === n && /RAISE\s*\(\s*ABORT/i.test(t.sql)),
  );
  if (guards.length !== 2) {
    return {
      ...report,
      intact: false,
      problem: 'LOG_TRIGGERS_MISSING',
      message: 'the append-only triggers on the card-check log were removed or altered',
    };
  }
  return report;
}
