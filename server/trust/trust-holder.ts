import type { TrustSnapshot } from './types.js';

/**
 * Holds the trust snapshot in force. Verification reads `current` (a plain field read: no
 * per-request work); a refresh swaps in a whole new snapshot or leaves the old one and records
 * why. Listeners (status, logs) hear about both.
 */
export interface TrustRefreshState {
  /** Last time a refresh was attempted / succeeded (ms), and the last refusal, if any. */
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: { at: number; code: string; problems: string[] };
}

export class TrustHolder {
  #current: TrustSnapshot;
  readonly state: TrustRefreshState = {};

  constructor(initial: TrustSnapshot) {
    this.#current = initial;
  }

  get current(): TrustSnapshot {
    return this.#current;
  }

  replace(next: TrustSnapshot, at: number): void {
    this.#current = next;
    this.state.lastSuccessAt = at;
    delete this.state.lastError;
  }

  recordFailure(at: number, code: string, problems: string[]): void {
    this.state.lastError = { at, code, problems };
  }
}
