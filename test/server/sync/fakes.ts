/** In-memory outbox and store sender for worker tests. */
import type { ItemResult } from '../../../server/wire/history-store.js';
import type { ItemOutcome, OutboxItem, OutboxRepository, OutboxState, OutboxStats } from '../../../server/outbox/types.js';
import type { StorePayload } from '../../../server/sync/outbox-repo.js';
import type { BatchSender } from '../../../server/sync/store-client.js';
import { SyncTransportError } from '../../../server/sync/store-client.js';
import type { SyncWorker } from '../../../server/sync/worker.js';

export interface FakeRow {
  seq: number;
  visitId: string;
  recordedAt: number;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
  parkedReason: string | null;
}

export class FakeOutbox implements OutboxRepository<StorePayload> {
  rows: FakeRow[] = [];
  add(n: number, recordedAt = 0): void {
    for (let i = 0; i < n; i++) {
      const seq = this.rows.length + 1;
      this.rows.push({
        seq,
        visitId: `v${seq}`,
        recordedAt,
        state: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: 0,
        sentAt: null,
        parkedReason: null,
      });
    }
  }
  async nextBatch(limit: number, afterSeq = 0): Promise<OutboxItem<StorePayload>[]> {
    return this.rows
      .filter((r) => r.state === 'pending' && r.seq > afterSeq)
      .slice(0, limit)
      .map((r) => ({ seq: r.seq, visitId: r.visitId, payload: { id: r.visitId } }));
  }
  async recordOutcomes(outcomes: readonly ItemOutcome[], now: number): Promise<void> {
    for (const o of outcomes) {
      const r = this.rows[o.seq - 1]!;
      if (r.state !== 'pending') continue;
      r.attempts++;
      if (o.kind === 'sent') {
        r.state = 'sent';
        r.sentAt = now;
      } else {
        r.state = 'parked';
        r.parkedReason = o.reason;
        r.lastError = o.reason;
      }
    }
  }
  async recordFailure(seqs: readonly number[], error: string, nextAttemptAt: number): Promise<void> {
    for (const s of seqs) {
      const r = this.rows[s - 1]!;
      r.attempts++;
      r.lastError = error;
      r.nextAttemptAt = nextAttemptAt;
    }
  }
  async stats(): Promise<OutboxStats> {
    const pending = this.rows.filter((r) => r.state === 'pending');
    return {
      pending: pending.length,
      parked: this.rows.filter((r) => r.state === 'parked').length,
      oldestPendingAt: pending[0]?.recordedAt ?? null,
    };
  }
  count(state: OutboxState): number {
    return this.rows.filter((r) => r.state === state).length;
  }
}

export type Handler = (ids: string[], signal: AbortSignal) => Promise<ItemResult['status'][] | ItemResult[]>;

export class FakeSender implements BatchSender {
  calls: string[][] = [];
  constructor(public handler: Handler = async (ids) => ids.map(() => 'stored' as const)) {}
  async postBatch(items: readonly Record<string, string>[], signal: AbortSignal): Promise<ItemResult[]> {
    const ids = items.map((i) => i.id!);
    this.calls.push(ids);
    const out = await this.handler(ids, signal);
    return out.map((r, index) => (typeof r === 'string' ? { id: ids[index]!, index, status: r } : r));
  }
}

export const serverError = () => new SyncTransportError('STORE_SERVER_ERROR', 'store answered 500', 500);

/** Resolves when `cond` holds after some worker cycle (bounded; no sleeping). */
export function until(worker: SyncWorker, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('condition not reached'));
    }, timeoutMs);
    const off = worker.onCycle(() => {
      if (cond()) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** Deterministic "randomness": every byte the same value (0xff ≈ 1.0, 0x80 ≈ 0.5, 0 = 0). */
export const constantRandom = (byte: number) => ({ bytes: (n: number) => Buffer.alloc(n, byte) });
