/**
 * One transaction on a checked-out PostgreSQL client, the one way the store does it: BEGIN,
 * `fn`, COMMIT; ROLLBACK on any throw, rethrown as a PgStoreError (`what` names it, never the
 * driver's text). A checked-out client is not the pool's to watch: if the server goes away
 * mid-transaction (restart, failover) the client emits 'error', which would end the process
 * unheard, so it is listened to here; a client that failed is discarded, not reused.
 */
import type pg from 'pg';
import { PgStoreError } from './pg-errors.js';

export async function inPgTransaction<T>(pool: pg.Pool, what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((err: unknown) => {
    throw new PgStoreError('cannot connect to the database', { cause: err });
  });
  let broken: unknown;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    broken = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err instanceof PgStoreError ? err : new PgStoreError(what, { cause: err });
  } finally {
    client.off('error', onError);
    client.release(broken instanceof Error ? broken : undefined);
  }
}
