/**
 * The anonymous POST /api/verify budget on a network listener: a token bucket per client
 * address (injected clock). Verifying needs no session and answers with the whole decoded card,
 * so on the hospital network an unthrottled endpoint would let any machine there decode (or
 * probe) cards at full speed. A signed-in session is not limited (the desk's screen, the
 * receptionist's scanner); on loopback nothing is limited (the hot path, benchmarked:
 * docs/performance.md). Kept in memory, bounded.
 */
import type { Clock } from '../clock.js';

export interface BucketRule {
  /** Requests an address may make at once (the bucket's size). */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSec: number;
}

/** 30 at once, then one every 2 s (30 a minute): a self-service screen's pace, not a scraper's. */
export const ANONYMOUS_VERIFY_RULE: BucketRule = { capacity: 30, refillPerSec: 0.5 };

const MAX_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class AddressBuckets {
  #buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly rule: BucketRule = ANONYMOUS_VERIFY_RULE,
    private readonly max = MAX_ADDRESSES,
  ) {}

  /** How many addresses are tracked (bounded by `max`). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `address`: 0 when allowed, else milliseconds until the next token. */
  take(address: string): number {
    const now = this.clock.now();
    const b = this.#refilled(address, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.rule.refillPerSec) * 1000);
  }

  #refilled(address: string, now: number): Bucket {
    let b = this.#buckets.get(address);
    if (!b) {
      if (this.#buckets.size >= this.max) this.#prune(now);
      b = { tokens: this.rule.capacity, at: now };
      this.#buckets.set(address, b);
      return b;
    }
    const elapsedSec = Math.max(0, now - b.at) / 1000;
    b.tokens = Math.min(this.rule.capacity, b.tokens + elapsedSec * this.rule.refillPerSec);
    b.at = now;
    return b;
  }

  /** Full buckets carry no information: drop them; then the oldest, rather than grow unbounded. */
  #prune(now: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.rule.refillPerSec >= this.rule.capacity) this.#buckets.delete(k);
    }
    while (this.#buckets.size >= this.max) {
      const first = this.#buckets.keys().next().value;
      if (first === undefined) break;
      this.#buckets.delete(first);
    }
  }
}
