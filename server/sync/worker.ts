/**
 * Sync to the medical-history store: the outbox worker (server/outbox/worker.ts) with the store
 * as its destination. The store answers per item: `stored` and `duplicate` are acknowledgements
 * (a resend of a visit it holds is `duplicate`), `conflict` and `invalid` are refusals for good
 * (parked with the reason for an auditor).
 */
import type { Clock, Random } from '../clock.js';
import type { Logger } from '../logger.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../outbox/worker.js';
import type { Destination, ItemOutcome, OutboxItem, OutboxRepository } from '../outbox/types.js';
import type { ItemResult } from '../wire/history-store.js';
import type { StorePayload } from './outbox-repo.js';
import type { BatchSender } from './store-client.js';

export { DEFAULTS } from '../outbox/worker.js';
export type SyncWorkerOptions = OutboxWorkerOptions;

/** The store's per-item answer as the outbox's outcome. */
export function storeOutcome(seq: number, r: ItemResult): ItemOutcome {
  return r.status === 'stored' || r.status === 'duplicate'
    ? { seq, kind: 'sent' }
    : { seq, kind: 'parked', reason: `${r.status.toUpperCase()}${r.code ? `:${r.code}` : ''}${r.detail ? ` ${r.detail}` : ''}` };
}

/** The store's batch endpoint as an outbox destination. */
export class StoreDestination implements Destination<StorePayload> {
  constructor(private readonly sender: BatchSender) {}

  async send(items: readonly OutboxItem<StorePayload>[], signal: AbortSignal): Promise<ItemOutcome[]> {
    const results = await this.sender.postBatch(
      items.map((i) => i.payload),
      signal,
    );
    return items.map((item, i) => storeOutcome(item.seq, results[i]!));
  }
}

export class SyncWorker extends OutboxWorker<StorePayload> {
  constructor(
    outbox: OutboxRepository<StorePayload>,
    sender: BatchSender,
    clock: Clock,
    random: Random,
    logger: Logger,
    options: SyncWorkerOptions = {},
  ) {
    super(
      outbox,
      new StoreDestination(sender),
      clock,
      random,
      logger,
      { label: 'sync', codePrefix: 'SYNC', behindWarning: 'SYNC_BEHIND' },
      options,
    );
  }
}
