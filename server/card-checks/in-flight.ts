/**
 * The card checks whose portal call is running in this process, by id, with the promise of each
 * (it always resolves with the merged result that was recorded). `signal` aborts every call on
 * `close()`, which then waits for them to settle (the client answers `unavailable`, which is
 * recorded); `waitFor` waits for one at most the caller's wait (0–60 s), ended early by close.
 */
import type { PortalCheckedResult } from '../portal/merge.js';
import type { Sleep } from './sleep.js';

export const MAX_WAIT_MS = 60_000;

export class InFlightChecks {
  readonly #running = new Map<string, Promise<PortalCheckedResult>>();
  readonly #stop = new AbortController();
  #closing: Promise<void> | undefined;

  constructor(private readonly sleep: Sleep) {}

  /** Aborted by `close()`: the portal calls take it, and no new check may start. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get size(): number {
    return this.#running.size;
  }

  has(id: string): boolean {
    return this.#running.has(id);
  }

  get(id: string): Promise<PortalCheckedResult> | undefined {
    return this.#running.get(id);
  }

  /** Tracks a check's portal call until it settles. */
  track(id: string, promise: Promise<PortalCheckedResult>): void {
    this.#running.set(id, promise);
    void promise.finally(() => this.#running.delete(id));
  }

  /** The call's result when it settles within `waitMs`, else `pending`. */
  async waitFor(promise: Promise<PortalCheckedResult>, pending: PortalCheckedResult, waitMs = 0): Promise<PortalCheckedResult> {
    const ms = Math.max(0, Math.min(MAX_WAIT_MS, Math.floor(waitMs)));
    if (ms === 0) return pending;
    const timer = new AbortController();
    const stop = AbortSignal.any([timer.signal, this.#stop.signal]);
    try {
      return await Promise.race([promise, this.sleep(ms, stop).then(() => pending)]);
    } finally {
      timer.abort();
    }
  }

  /** Aborts the calls in flight and waits for them. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort();
      await Promise.allSettled([...this.#running.values()]);
    })();
    return this.#closing;
  }
}
