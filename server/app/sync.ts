/**
 * Wires sync to the medical-history store: given the open database and the visit log's
 * notification, starts the outbox worker and returns a status section (`sync` in /api/status,
 * with the SYNC_BEHIND warning) and a closable that drains the worker on shutdown.
 */
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { StatusSection } from '../http/routes/status.js';
import type { Logger } from '../logger.js';
import { SqliteOutbox } from '../sync/outbox-repo.js';
import { HistoryStoreClient } from '../sync/store-client.js';
import { SyncWorker, type SyncWorkerOptions } from '../sync/worker.js';
import type { Closable, FeatureParts } from './feature.js';

export interface SyncModule extends FeatureParts {
  /** Undefined when sync is off (no KIOSK_SYNC_URL / KIOSK_SYNC_KEY). */
  worker: SyncWorker | undefined;
  /** Resolves once the backlog is counted (status is right from the first request). */
  ready: Promise<void>;
  statusSections: StatusSection[];
  closables: Closable[];
}

export function startSync(deps: {
  config: Pick<KioskConfig, 'syncUrl' | 'syncKey' | 'syncTimeoutSec' | 'syncMaxBackoffSec'>;
  db: Database;
  /** The visit log's commit notification (VisitWriter.onVisitRecorded). */
  onVisitRecorded: (listener: (e: { outbox: boolean }) => void) => () => void;
  clock: Clock;
  random: Random;
  logger: Logger;
  options?: SyncWorkerOptions;
}): SyncModule {
  const { config } = deps;
  if (!config.syncUrl || !config.syncKey) {
    deps.logger.info('sync to the medical-history store is off (KIOSK_SYNC_URL / KIOSK_SYNC_KEY unset)', { code: 'SYNC_OFF' });
    return {
      worker: undefined,
      ready: Promise.resolve(),
      statusSections: [{ name: 'sync', get: () => ({ enabled: false }) }],
      closables: [],
    };
  }
  const client = new HistoryStoreClient(config.syncUrl, config.syncKey, config.syncTimeoutSec * 1000);
  const worker = new SyncWorker(new SqliteOutbox(deps.db), client, deps.clock, deps.random, deps.logger, {
    maxBackoffMs: config.syncMaxBackoffSec * 1000,
    ...deps.options,
  });
  const unsubscribe = deps.onVisitRecorded((e) => {
    if (e.outbox) worker.wake();
  });
  worker.start();
  deps.logger.info('sync to the medical-history store is on', { url: new URL(config.syncUrl).origin });
  return {
    worker,
    ready: worker.counted(),
    statusSections: [{ name: 'sync', get: () => worker.status(), warnings: () => worker.warnings() }],
    closables: [
      {
        async close() {
          unsubscribe();
          await worker.stop();
        },
      },
    ],
  };
}
