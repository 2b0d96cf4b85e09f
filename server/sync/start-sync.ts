/**
 * Wires the sync worker into the kiosk service: given the open database and the visit log's
 * notification, returns what service.ts needs — a status section (`sync` in /api/status, with
 * the SYNC_BEHIND warning) and a closable that drains the worker on shutdown.
 */
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { StatusSection } from '../http/routes/status.js';
import type { Logger } from '../logger.js';
import { SqliteOutbox } from './outbox-repo.js';
import { HistoryStoreClient } from './store-client.js';
import { SyncWorker, type SyncWorkerOptions } from './worker.js';

export interface SyncModule {
  /** Undefined when sync is off (no KIOSK_SYNC_URL / KIOSK_SYNC_KEY). */
  worker: SyncWorker | undefined;
  /** Resolves once the backlog is counted (status is right from the first request). */
  ready: Promise<void>;
  statusSection: StatusSection;
  close(): Promise<void>;
}

export function startSync(deps: {
  config: Pick<KioskConfig, 'syncUrl' | 'syncKey' | 'syncTimeoutSec' | 'syncMaxBackoffSec'>;
  db: Database;
  /** The visit log's commit notification (VisitRepository.onVisitRecorded). */
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
      statusSection: { name: 'sync', get: () => ({ enabled: false }) },
      close: async () => undefined,
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
    statusSection: { name: 'sync', get: () => worker.status(), warnings: () => worker.warnings() },
    async close() {
      unsubscribe();
      await worker.stop();
    },
  };
}
