/**
 * The card-check log: a hash chain over the online card checks and their re-checks, so that the
 * records an auditor reads about refused and looked-up cards are covered the way visits are.
 *
 * A card check changes as it lives (the portal answers, a visit links it), so the rows are not
 * chained themselves. Instead every write to `card_checks` or `visit_rechecks` appends one entry
 * here, in the same transaction, holding the hash of the record as it now is:
 *
 *   recordHash = SHA-256( "bhyt-kiosk/card-check-record/v1" 0x00 || canonicalJson(row without NULLs) )
 *   hash       = SHA-256( "bhyt-kiosk/card-check-log/v1" 0x00 || prevHash || 0x00 ||
 *                         canonicalJson({ seq, record_kind, record_id, event, at, record_hash }) )
 *
 * The log's latest entry for a record must match the record (an edited row is caught), every
 * record must have an entry (a row inserted outside the kiosk is caught) and every entry's record
 * must exist (a removed row is caught). Its head is anchored at the medical-history store beside
 * the visit chain's (server/anchor/), so a rebuilt log is caught too. NULL columns are left out
 * of the record hash so a nullable column added by a later migration leaves old hashes unchanged.
 * The entries hold only ids and hashes: no personal data is copied.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import { GENESIS_HASH, canonicalJson } from '../visits/chain.js';

export const CARD_CHECK_LOG_DOMAIN = 'bhyt-kiosk/card-check-log/v1';
export const CARD_CHECK_RECORD_DOMAIN = 'bhyt-kiosk/card-check-record/v1';

export type RecordKind = 'card_check' | 'recheck';
export type LogEvent = 'recorded' | 'answered' | 'linked' | 'adopted';

/** The table of each kind of record (a fixed map: never a name from input). */
export const RECORD_TABLES: Readonly<Record<RecordKind, string>> = { card_check: 'card_checks', recheck: 'visit_rechecks' };

export interface LogEntry {
  seq: number;
  record_kind: RecordKind;
  record_id: string;
  event: LogEvent;
  at: number;
  record_hash: string;
  prev_hash: string;
  hash: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** The hash of a record as stored (every column; NULLs left out). */
export function recordHash(row: Record<string, unknown>): string {
  const present: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (v !== null && v !== undefined) present[k] = Buffer.isBuffer(v) ? v.toString('hex') : v;
  return createHash('sha256')
    .update(CARD_CHECK_RECORD_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(canonicalJson(present), 'utf8')
    .digest('hex');
}

export function logEntryHash(prevHash: string, e: Omit<LogEntry, 'prev_hash' | 'hash'>): string {
  const content = { seq: e.seq, record_kind: e.record_kind, record_id: e.record_id, event: e.event, at: e.at, record_hash: e.record_hash };
  return createHash('sha256')
    .update(CARD_CHECK_LOG_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(prevHash, 'utf8')
    .update(Buffer.from([0]))
    .update(canonicalJson(content), 'utf8')
    .digest('hex');
}

/** The log's head (seq 0 and the genesis hash while empty). */
export async function cardCheckLogHead(q: Queryable): Promise<ChainHead> {
  const r = await q.get<ChainHead>('SELECT seq, hash FROM card_check_log ORDER BY seq DESC LIMIT 1');
  return r ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * Appends the entry for a record just written. Must run in the transaction that wrote the record
 * (the database queue serialises this process's transactions, so the head read here is the head).
 */
export async function appendLogEntry(q: Queryable, kind: RecordKind, id: string, event: LogEvent, at: number): Promise<void> {
  const row = await q.get(`SELECT * FROM ${RECORD_TABLES[kind]} WHERE id = ?`, [id]);
  if (!row) throw new Error(`unreachable: the ${kind} just written is missing`);
  const head = await cardCheckLogHead(q);
  const entry = { seq: head.seq + 1, record_kind: kind, record_id: id, event, at, record_hash: recordHash(row) };
  const hash = logEntryHash(head.hash, entry);
  await q.run(
    'INSERT INTO card_check_log (seq, record_kind, record_id, event, at, record_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [entry.seq, kind, id, event, at, entry.record_hash, head.hash, hash],
  );
}

/**
 * Enters the records written before the log existed, once (migration 6 leaves a marker row; the
 * first start after it adopts every record then present, oldest first, and removes the marker).
 * Returns how many were adopted.
 */
export async function adoptUnloggedRecords(db: Database, now: number): Promise<number> {
  return db.transaction(async (tx) => {
    const marker = await tx.get<{ n: number }>(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'card_check_log_adoption'",
    );
    if (!marker || marker.n === 0) return 0;
    const pending = await tx.get<{ n: number }>('SELECT count(*) AS n FROM card_check_log_adoption');
    let adopted = 0;
    if (pending && pending.n > 0) {
      const checks = await tx.all<{ id: string }>('SELECT id FROM card_checks ORDER BY created_at, id');
      for (const c of checks) await appendLogEntry(tx, 'card_check', c.id, 'adopted', now);
      const rechecks = await tx.all<{ id: string }>('SELECT id FROM visit_rechecks ORDER BY seq');
      for (const r of rechecks) await appendLogEntry(tx, 'recheck', r.id, 'adopted', now);
      adopted = checks.length + rechecks.length;
    }
    await tx.exec('DROP TABLE card_check_log_adoption');
    return adopted;
  });
}
