/**
 * The store-on-PostgreSQL bench's cluster: the shared throw-away cluster
 * (test-support/postgres-cluster.ts) with PostgreSQL's durable defaults kept (fsync,
 * synchronous_commit on: the figures are what a real server pays), sized for a bulk load of
 * millions of rows on a small machine.
 */
import { startPostgresCluster } from '../test-support/postgres-cluster.js';

export interface BenchPg {
  url: string;
  /** The server's main version, e.g. "15.18". */
  version: string;
  stop(): Promise<void>;
}

export async function startBenchPg(): Promise<BenchPg> {
  const cluster = await startPostgresCluster({
    durable: true,
    prefix: 'bench-pg-',
    settings: ['shared_buffers=512MB', 'maintenance_work_mem=512MB', 'max_wal_size=4GB', 'max_connections=50'],
  });
  return { url: cluster.url('postgres'), version: await cluster.version(), stop: () => cluster.stop() };
}
