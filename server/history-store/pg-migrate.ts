/**
 * Versioned migrations for the store's PostgreSQL schema, applied at start in one transaction.
 *
 * Not server/db/migrate.ts: that runner is written against the project's SQLite wrapper
 * (sqlite_master, IMMEDIATE transactions, `?` placeholders, the PRAGMA user_version adoption).
 * Making it driver-neutral would need an adapter over two drivers for a 30-line loop; the rules
 * are the same here — numbered 1, 2, 3 … without gaps, append-only, all pending ones in one
 * transaction, a database newer than this code refused — and it reuses the same `Migration` type.
 * Two store processes starting together serialise on a transaction-scoped advisory lock, so a
 * migration is never applied twice.
 */
import type pg from 'pg';
import type { Migration } from '../db/migrate.js';
import { PgStoreError } from './pg-errors.js';

/** Any constant works; it names "the store's schema migration" among advisory locks. */
const MIGRATION_LOCK = 0x6268_7974; // 'bhyt'

export async function migratePg(client: pg.PoolClient, migrations: readonly Migration[], now: number): Promise<number[]> {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]!.version !== i + 1) throw new PgStoreError('migrations must be numbered 1, 2, 3 … without gaps');
  }
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_version (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL)`,
    );
    const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    const current = r.rows[0]?.v ?? 0;
    if (current > migrations.length) {
      throw new PgStoreError(`database schema version ${current} is newer than this program knows (${migrations.length})`);
    }
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date(now)]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
