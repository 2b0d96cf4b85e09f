/**
 * Test helper: a throw-away PostgreSQL cluster for one test file (test-support/postgres-cluster.ts,
 * not durable), with what the tests add: a fresh database per test (`createDatabase`, cheap; one
 * cluster per file, since initdb costs a second or two) and SQL as the superuser.
 */
import pg from 'pg';
import { startPostgresCluster, type PostgresCluster } from '../../test-support/postgres-cluster.js';

export interface PgCluster extends Omit<PostgresCluster, 'version'> {
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser in a database (default `postgres`). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
}

let dbCounter = 0;

export async function startPgCluster(): Promise<PgCluster> {
  const cluster = await startPostgresCluster({ durable: false });
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres') => {
    const client = new pg.Client({ connectionString: cluster.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    host: cluster.host,
    port: cluster.port,
    url: cluster.url,
    restart: cluster.restart,
    stop: cluster.stop,
    query,
    async createDatabase(name = `t${process.pid}_${++dbCounter}`) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error('database name must be a plain identifier');
      // An identifier cannot be a bind parameter; the name is checked above.
      await query(`CREATE DATABASE ${name}`);
      return cluster.url(name);
    },
  };
}
