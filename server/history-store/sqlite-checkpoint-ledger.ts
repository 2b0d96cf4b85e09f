/**
 * The checkpoint ledger on SQLite (the reference store's file): the kiosk keys pinned per slot and
 * the checkpoints accepted. Writes run in the store's IMMEDIATE transactions (one writer: a slot's
 * checkpoints are serialised with everything else); the listing reads the read-only connection.
 */
import type { Database, Queryable } from '../db/database.js';
import type { CheckpointClaims, CheckpointPage } from '../wire/checkpoints.js';
import { anchoredFromRow, type CheckpointLedger, type CheckpointTables, type NewCheckpoint, type PinnedKey } from './checkpoint-ledger.js';

/** Migration 2 of the store's SQLite schema (sqlite-visit-store.ts keeps the list). */
export const SQLITE_CHECKPOINT_TABLES = `
CREATE TABLE kiosk_keys (
  slot       TEXT PRIMARY KEY,
  facility   TEXT NOT NULL,
  thumbprint TEXT NOT NULL,
  jwk        TEXT NOT NULL,
  pinned_at  INTEGER NOT NULL
);
CREATE TABLE checkpoints (
  pos          INTEGER PRIMARY KEY,
  slot         TEXT NOT NULL REFERENCES kiosk_keys(slot),
  visit_seq    INTEGER NOT NULL,
  visit_hash   TEXT NOT NULL,
  card_seq     INTEGER NOT NULL,
  card_hash    TEXT NOT NULL,
  signed_at    TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  jws          TEXT NOT NULL
);
CREATE INDEX checkpoints_visit ON checkpoints (slot, visit_seq);
CREATE INDEX checkpoints_card ON checkpoints (slot, card_seq);`;

function tables(q: Queryable): CheckpointTables {
  return {
    async pinnedKey(slot) {
      const r = await q.get<{ thumbprint: string; jwk: string }>('SELECT thumbprint, jwk FROM kiosk_keys WHERE slot = ?', [slot]);
      return r ? { thumbprint: r.thumbprint, jwk: JSON.parse(r.jwk) as PinnedKey['jwk'] } : undefined;
    },
    async pinKey(slot, facility, key, at) {
      await q.run(
        `INSERT INTO kiosk_keys (slot, facility, thumbprint, jwk, pinned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slot) DO UPDATE SET facility = excluded.facility, thumbprint = excluded.thumbprint, jwk = excluded.jwk,
                                          pinned_at = excluded.pinned_at`,
        [slot, facility, key.thumbprint, JSON.stringify(key.jwk), at],
      );
    },
    async facts(slot, c: CheckpointClaims) {
      const r = await q.get<{ mv: number | null; mc: number | null; hv: string | null; hc: string | null; exact: number }>(
        `SELECT (SELECT max(visit_seq) FROM checkpoints WHERE slot = ?1) AS mv,
                (SELECT max(card_seq) FROM checkpoints WHERE slot = ?1) AS mc,
                (SELECT visit_hash FROM checkpoints WHERE slot = ?1 AND visit_seq = ?2 LIMIT 1) AS hv,
                (SELECT card_hash FROM checkpoints WHERE slot = ?1 AND card_seq = ?4 LIMIT 1) AS hc,
                EXISTS (SELECT 1 FROM checkpoints WHERE slot = ?1 AND visit_seq = ?2 AND visit_hash = ?3
                                                   AND card_seq = ?4 AND card_hash = ?5) AS exact`,
        [slot, c.visits.seq, c.visits.hash, c.cardChecks.seq, c.cardChecks.hash],
      );
      return {
        visits: { maxSeq: r?.mv ?? undefined, hashAtSeq: r?.hv ?? undefined },
        cardChecks: { maxSeq: r?.mc ?? undefined, hashAtSeq: r?.hc ?? undefined },
        exact: r?.exact === 1,
      };
    },
    async insert(n: NewCheckpoint) {
      await q.run(
        `INSERT INTO checkpoints (slot, visit_seq, visit_hash, card_seq, card_hash, signed_at, received_at, last_seen_at, jws)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          n.slot,
          n.claims.visits.seq,
          n.claims.visits.hash,
          n.claims.cardChecks.seq,
          n.claims.cardChecks.hash,
          n.claims.signedAt,
          n.receivedAt,
          n.receivedAt,
          n.jws,
        ],
      );
    },
    async touch(slot, c, at) {
      await q.run(
        `UPDATE checkpoints SET last_seen_at = ?
          WHERE slot = ? AND visit_seq = ? AND visit_hash = ? AND card_seq = ? AND card_hash = ?`,
        [at, slot, c.visits.seq, c.visits.hash, c.cardChecks.seq, c.cardChecks.hash],
      );
    },
  };
}

export class SqliteCheckpointLedger implements CheckpointLedger {
  constructor(
    private readonly db: Database,
    private readonly reader: Database,
  ) {}

  inSlot<T>(_slot: string, fn: (t: CheckpointTables) => Promise<T>): Promise<T> {
    // One writer connection, IMMEDIATE transactions: every slot is serialised already.
    return this.db.transaction((tx) => fn(tables(tx)));
  }

  async list(slot: string, after: number, limit: number): Promise<CheckpointPage> {
    const key = await tables(this.reader).pinnedKey(slot);
    const rows = await this.reader.all<Parameters<typeof anchoredFromRow>[0] & { pos: number }>(
      `SELECT pos, visit_seq, visit_hash, card_seq, card_hash, signed_at, received_at, last_seen_at, jws
         FROM checkpoints WHERE slot = ? AND pos > ? ORDER BY pos LIMIT ?`,
      [slot, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      kioskKey: key ?? null,
      items: page.map(anchoredFromRow),
      next: rows.length > limit ? page[page.length - 1]!.pos : null,
    };
  }
}
