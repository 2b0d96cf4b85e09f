/**
 * The card checks whose portal call is running in this process, by id, with the promise of each
 * (it always resolves with the merged result that was recorded). `signal` aborts every call on
 * `close()`, which then waits for them to settle (the client answers `unavailable`, which is
 * recorded); `waitFor` waits for one at most the caller's wait (0–60 s), ended early by close.
 */
import type { PortalCheckedResult } from '../portal/merge.js';
import type { Sleep } from '../lib/sleep.js';

export const MAX_WAIT_MS = 60_000;

export class InFlightChecks {
  readonly #running = new Map<string, { promise: Promise<PortalCheckedResult>; giveUp: AbortController }>();
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
    return this.#running.get(id)?.promise;
  }

  /** Tracks a check's portal call until it settles; `giveUp` ends that one call (abandon). */
  track(id: string, promise: Promise<PortalCheckedResult>, giveUp: AbortController): void {
    this.#running.set(id, { promise, giveUp });
    void promise.finally(() => this.#running.delete(id));
  }

  /** Ends one call (the desk stopped waiting) and waits for it to record its answer. */
  async abandon(id: string): Promise<PortalCheckedResult | undefined> {
    const run = this.#running.get(id);
    if (!run) return undefined;
    run.giveUp.abort();
    return run.promise;
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
      await Promise.allSettled([...this.#running.values()].map((r) => r.promise));
    })();
    return this.#closing;
  }
}
