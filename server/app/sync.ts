/**
 * Wires sync to the medical-history store: given the open database and the visit log's
 * notification, starts the outbox worker and the anchor (every batch carries a checkpoint of the
 * logs, signed with the kiosk key created at first start; idle checkpoints every
 * KIOSK_CHECKPOINT_INTERVAL) and returns status sections (`sync` with SYNC_BEHIND, `anchor` with
 * CHECKPOINT_REFUSED in /api/status) and a closable that drains both on shutdown.
 */
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { StatusSection } from '../http/routes/status.js';
import type { Logger } from '../logger.js';
import { CheckpointAnchor } from '../anchor/anchor.js';
import { loadOrCreateKioskKey } from '../anchor/kiosk-key.js';
import { realSleep, type Sleep } from '../lib/sleep.js';
import { SqliteOutbox, requeueParked } from '../sync/outbox-repo.js';
import { adminOutboxRoutes } from '../http/routes/admin-outbox.js';
import type { RequestHandler } from 'express';
import { HistoryStoreClient } from '../sync/store-client.js';
import { SyncWorker, type SyncWorkerOptions } from '../sync/worker.js';
import type { Closable, FeatureParts } from './feature.js';

export interface SyncModule extends FeatureParts {
  /** Undefined when sync is off (no KIOSK_SYNC_URL / KIOSK_SYNC_KEY). */
  worker: SyncWorker | undefined;
  /** Undefined when sync is off: the logs are anchored where they are synced. */
  anchor: CheckpointAnchor | undefined;
  /** Resolves once the backlog is counted (status is right from the first request). */
  ready: Promise<void>;
  statusSections: StatusSection[];
  closables: Closable[];
}

export async function startSync(deps: {
  config: Pick<
    KioskConfig,
    'syncUrl' | 'syncKey' | 'syncTimeoutSec' | 'syncMaxBackoffSec' | 'checkpointIntervalSec' | 'dataDir' | 'facility'
  >;
  db: Database;
  /** The visit log's commit notification (VisitWriter.onVisitRecorded). */
  onVisitRecorded: (listener: (e: { outbox: boolean }) => void) => () => void;
  clock: Clock;
  random: Random;
  logger: Logger;
  options?: SyncWorkerOptions;
  /** TEST ONLY: the anchor's idle wait. */
  anchorSleep?: Sleep;
  /** Guards the admin's requeue of parked visits. */
  requireAdmin?: RequestHandler;
}): Promise<SyncModule> {
  const { config } = deps;
  if (!config.syncUrl || !config.syncKey) {
    deps.logger.info('sync to the medical-history store is off (KIOSK_SYNC_URL / KIOSK_SYNC_KEY unset)', { code: 'SYNC_OFF' });
    return {
      worker: undefined,
      anchor: undefined,
      ready: Promise.resolve(),
      statusSections: [
        { name: 'sync', get: () => ({ enabled: false }) },
        { name: 'anchor', get: () => ({ enabled: false }) },
      ],
      closables: [],
    };
  }
  const client = new HistoryStoreClient(config.syncUrl, config.syncKey, config.syncTimeoutSec * 1000);
  const { key, created } = await loadOrCreateKioskKey(config.dataDir);
  if (created) {
    deps.logger.info('kiosk checkpoint key created (register its thumbprint with the store beside this kiosk’s API key)', {
      code: 'KIOSK_KEY_CREATED',
      thumbprint: key.thumbprint,
    });
  }
  const anchor = new CheckpointAnchor({
    db: deps.db,
    key,
    facility: config.facility,
    sender: client,
    clock: deps.clock,
    logger: deps.logger,
    options: { intervalMs: config.checkpointIntervalSec * 1000, sleep: deps.anchorSleep ?? realSleep },
  });
  await anchor.load();
  client.checkpoints = anchor;
  const worker = new SyncWorker(new SqliteOutbox(deps.db), client, deps.clock, deps.random, deps.logger, {
    maxBackoffMs: config.syncMaxBackoffSec * 1000,
    ...deps.options,
  });
  const unsubscribe = deps.onVisitRecorded((e) => {
    if (e.outbox) worker.wake();
  });
  worker.start();
  anchor.start();
  deps.logger.info('sync to the medical-history store is on', { url: new URL(config.syncUrl).origin });
  return {
    worker,
    anchor,
    ready: worker.counted(),
    routers: deps.requireAdmin
      ? [
          adminOutboxRoutes({
            destination: 'sync',
            target: { requeueParked: (id) => requeueParked(deps.db, id), wake: () => worker.wake() },
            requireAdmin: deps.requireAdmin,
            logger: deps.logger,
          }),
        ]
      : [],
    statusSections: [
      { name: 'sync', get: () => worker.status(), warnings: () => worker.warnings() },
      { name: 'anchor', get: () => anchor.status(), warnings: () => anchor.warnings() },
    ],
    closables: [
      {
        async close() {
          unsubscribe();
          await worker.stop();
          await anchor.stop();
        },
      },
    ],
  };
}
