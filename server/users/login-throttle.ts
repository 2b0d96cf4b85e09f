/**
 * Throttles failed logins per username and per client address: after `freeFailures` failures
 * the key is locked for a period that doubles with each further failure (capped). While locked
 * even the right password is refused, so guessing gains nothing by racing. Kept in memory: a
 * restart forgets it, which costs an attacker a restart they cannot trigger from the network.
 */
import type { Clock } from '../clock.js';

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

export interface ThrottleRule {
  freeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs: number;
}

export const USERNAME_RULE: ThrottleRule = { freeFailures: 5, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
/** Several staff may share one address (the desk PC), so the address budget is larger. */
export const ADDRESS_RULE: ThrottleRule = { freeFailures: 20, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };

const MAX_ENTRIES = 10_000;

export class LoginThrottle {
  #entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: { username: ThrottleRule; address: ThrottleRule } = { username: USERNAME_RULE, address: ADDRESS_RULE },
  ) {}

  /** Milliseconds until a login for this username / address may be tried; 0 when allowed. */
  retryAfterMs(username: string, address: string): number {
    const now = this.clock.now();
    return Math.max(this.#wait(`u:${username}`, now), this.#wait(`a:${address}`, now));
  }

  recordFailure(username: string, address: string): void {
    const now = this.clock.now();
    this.#fail(`u:${username}`, this.rules.username, now);
    this.#fail(`a:${address}`, this.rules.address, now);
  }

  /** A successful login clears the username's record (the address keeps its history). */
  recordSuccess(username: string): void {
    this.#entries.delete(`u:${username}`);
  }

  #wait(key: string, now: number): number {
    const e = this.#entries.get(key);
    return e ? Math.max(0, e.lockedUntil - now) : 0;
  }

  #fail(key: string, rule: ThrottleRule, now: number): void {
    let e = this.#entries.get(key);
    if (e && now - e.lastFailureAt > rule.forgetAfterMs) e = undefined;
    if (!e) {
      if (this.#entries.size >= MAX_ENTRIES) this.#prune(now);
      e = { failures: 0, lockedUntil: 0, lastFailureAt: now };
    }
    e.failures++;
    e.lastFailureAt = now;
    if (e.failures >= rule.freeFailures) {
      const lock = Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** (e.failures - rule.freeFailures));
      e.lockedUntil = now + lock;
    }
    this.#entries.set(key, e);
  }

  #prune(now: number): void {
    for (const [k, e] of this.#entries) if (e.lockedUntil <= now) this.#entries.delete(k);
    // Still full (a flood of distinct locked keys): drop the oldest rather than grow unbounded.
    while (this.#entries.size >= MAX_ENTRIES) {
      const first = this.#entries.keys().next().value;
      if (first === undefined) break;
      this.#entries.delete(first);
    }
  }
}
