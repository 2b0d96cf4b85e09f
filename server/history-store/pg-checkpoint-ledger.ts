/**
 * The checkpoint ledger on PostgreSQL: the same tables as on SQLite. A slot's checkpoints are
 * serialised by a transaction-scoped advisory lock on the slot (several store processes may
 * share the database), so two checkpoints of one kiosk are never judged against the same state.
 */
import type pg from 'pg';
import type { CheckpointClaims, CheckpointPage } from '../wire/checkpoints.js';
import { anchoredFromRow, type CheckpointLedger, type CheckpointTables, type NewCheckpoint, type PinnedKey } from './checkpoint-ledger.js';
import { PgStoreError } from './pg-errors.js';
import { inPgTransaction } from './pg-transaction.js';

/** Names "a slot's checkpoints" among advisory locks (the second key is the slot's hash). */
const CHECKPOINT_LOCK = 0x62_68_63_70; // "bhcp"

/** A migration of the store's PostgreSQL schema (pg-visit-store.ts keeps the list). */
export const PG_CHECKPOINT_TABLES = `
CREATE TABLE kiosk_keys (
  slot       text PRIMARY KEY,
  facility   text NOT NULL,
  thumbprint text NOT NULL,
  jwk        jsonb NOT NULL,
  pinned_at  timestamptz NOT NULL
);
CREATE TABLE checkpoints (
  pos          bigserial PRIMARY KEY,
  slot         text NOT NULL REFERENCES kiosk_keys(slot),
  visit_seq    bigint NOT NULL,
  visit_hash   text NOT NULL,
  card_seq     bigint NOT NULL,
  card_hash    text NOT NULL,
  signed_at    text NOT NULL,
  received_at  timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  jws          text NOT NULL
);
CREATE INDEX checkpoints_visit ON checkpoints (slot, visit_seq);
CREATE INDEX checkpoints_card ON checkpoints (slot, card_seq);`;

type Q = Pick<pg.PoolClient, 'query'> | pg.Pool;

function tables(q: Q): CheckpointTables {
  return {
    async pinnedKey(slot) {
      const r = await q.query<{ thumbprint: string; jwk: PinnedKey['jwk'] }>('SELECT thumbprint, jwk FROM kiosk_keys WHERE slot = $1', [
        slot,
      ]);
      return r.rows[0];
    },
    async pinKey(slot, facility, key, at) {
      await q.query(
        `INSERT INTO kiosk_keys (slot, facility, thumbprint, jwk, pinned_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slot) DO UPDATE SET facility = excluded.facility, thumbprint = excluded.thumbprint, jwk = excluded.jwk,
                                          pinned_at = excluded.pinned_at`,
        [slot, facility, key.thumbprint, JSON.stringify(key.jwk), new Date(at)],
      );
    },
    async facts(slot, c: CheckpointClaims) {
      const r = await q.query<{ mv: string | null; mc: string | null; hv: string | null; hc: string | null; exact: boolean }>(
        `SELECT (SELECT max(visit_seq) FROM checkpoints WHERE slot = $1) AS mv,
                (SELECT max(card_seq) FROM checkpoints WHERE slot = $1) AS mc,
                (SELECT visit_hash FROM checkpoints WHERE slot = $1 AND visit_seq = $2 LIMIT 1) AS hv,
                (SELECT card_hash FROM checkpoints WHERE slot = $1 AND card_seq = $4 LIMIT 1) AS hc,
                EXISTS (SELECT 1 FROM checkpoints WHERE slot = $1 AND visit_seq = $2 AND visit_hash = $3
                                                   AND card_seq = $4 AND card_hash = $5) AS exact`,
        [slot, c.visits.seq, c.visits.hash, c.cardChecks.seq, c.cardChecks.hash],
      );
      const row = r.rows[0];
      return {
        visits: { maxSeq: row?.mv == null ? undefined : Number(row.mv), hashAtSeq: row?.hv ?? undefined },
        cardChecks: { maxSeq: row?.mc == null ? undefined : Number(row.mc), hashAtSeq: row?.hc ?? undefined },
        exact: row?.exact === true,
      };
    },
    async insert(n: NewCheckpoint) {
      await q.query(
        `INSERT INTO checkpoints (slot, visit_seq, visit_hash, card_seq, card_hash, signed_at, received_at, last_seen_at, jws)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
        [
          n.slot,
          n.claims.visits.seq,
          n.claims.visits.hash,
          n.claims.cardChecks.seq,
          n.claims.cardChecks.hash,
          n.claims.signedAt,
          new Date(n.receivedAt),
          n.jws,
        ],
      );
    },
    async touch(slot, c, at) {
      await q.query(
        `UPDATE checkpoints SET last_seen_at = $1
          WHERE slot = $2 AND visit_seq = $3 AND visit_hash = $4 AND card_seq = $5 AND card_hash = $6`,
        [new Date(at), slot, c.visits.seq, c.visits.hash, c.cardChecks.seq, c.cardChecks.hash],
      );
    },
  };
}

export class PgCheckpointLedger implements CheckpointLedger {
  constructor(private readonly pool: pg.Pool) {}

  inSlot<T>(slot: string, fn: (t: CheckpointTables) => Promise<T>): Promise<T> {
    return inPgTransaction(this.pool, 'checkpoint transaction failed', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CHECKPOINT_LOCK, slot]);
      return fn(tables(client));
    });
  }

  async list(slot: string, after: number, limit: number): Promise<CheckpointPage> {
    try {
      const key = await tables(this.pool).pinnedKey(slot);
      const r = await this.pool.query<Parameters<typeof anchoredFromRow>[0] & { pos: string }>(
        `SELECT pos, visit_seq, visit_hash, card_seq, card_hash, signed_at, received_at, last_seen_at, jws
           FROM checkpoints WHERE slot = $1 AND pos > $2 ORDER BY pos LIMIT $3`,
        [slot, after, limit + 1],
      );
      const page = r.rows.slice(0, limit);
      return {
        kioskKey: key ?? null,
        items: page.map(anchoredFromRow),
        next: r.rows.length > limit ? Number(page[page.length - 1]!.pos) : null,
      };
    } catch (err) {
      throw new PgStoreError('database query failed', { cause: err });
    }
  }
}
