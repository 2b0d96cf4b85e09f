/**
 * Throttles failed logins per username and per client address: after `freeFailures` failures
 * the key is locked for a period that doubles with each further failure (capped). While locked
 * even the right password is refused, so guessing gains nothing by racing. Kept in memory: a
 * restart forgets it, which costs an attacker a restart they cannot trigger from the network.
 *
 * An attempt is counted *before* its password is checked (`begin`), not after: the check takes
 * ~50 ms of scrypt, and a check-then-record throttle let every guess of a concurrent burst pass
 * the lock test before the first failure was recorded (200 simultaneous guesses → 200 evaluated).
 * Counted up front, a burst gets exactly the guesses the sequential policy allows (5 per username
 * before the first lock); the rest are refused at once. A successful attempt gives its count back
 * (`succeeded`), and one that never reached a verdict (a database error) too (`abandoned`).
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

/** One login attempt that passed the throttle and is counted as a failure until it says otherwise. */
export interface LoginAttempt {
  /** The password was right: the username's record is cleared and the address's count given back. */
  succeeded(): void;
  /** No verdict was reached (an internal error): both counts are given back. */
  abandoned(): void;
}

/** What `begin` answers: an attempt to evaluate, or how long to wait. */
export type ThrottleDecision = { allowed: true; attempt: LoginAttempt } | { allowed: false; retryAfterMs: number };

/** What one reservation changed in an entry, so it can be given back exactly. */
interface Reservation {
  entry: Entry;
  previousLockedUntil: number;
  lockedUntil: number;
}

export class LoginThrottle {
  #entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: { username: ThrottleRule; address: ThrottleRule } = { username: USERNAME_RULE, address: ADDRESS_RULE },
  ) {}

  /**
   * Checks the lock and, when allowed, counts the attempt as a failure at once (synchronously:
   * no other attempt can pass the check in between). The caller then reports the outcome on the
   * attempt; a failure needs no report.
   */
  begin(username: string, address: string): ThrottleDecision {
    const wait = this.retryAfterMs(username, address);
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    const now = this.clock.now();
    const uKey = `u:${username}`;
    const user = this.#fail(uKey, this.rules.username, now);
    const addr = this.#fail(`a:${address}`, this.rules.address, now);
    let settled = false;
    const settle = (clearUser: boolean) => {
      if (settled) return;
      settled = true;
      if (clearUser) this.recordSuccess(username);
      else this.#giveBack(user);
      this.#giveBack(addr);
    };
    return { allowed: true, attempt: { succeeded: () => settle(true), abandoned: () => settle(false) } };
  }

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

  #fail(key: string, rule: ThrottleRule, now: number): Reservation {
    let e = this.#entries.get(key);
    if (e && now - e.lastFailureAt > rule.forgetAfterMs) e = undefined;
    if (!e) {
      if (this.#entries.size >= MAX_ENTRIES) this.#prune(now);
      e = { failures: 0, lockedUntil: 0, lastFailureAt: now };
    }
    const previousLockedUntil = e.lockedUntil;
    e.failures++;
    e.lastFailureAt = now;
    if (e.failures >= rule.freeFailures) {
      const lock = Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** (e.failures - rule.freeFailures));
      e.lockedUntil = now + lock;
    }
    this.#entries.set(key, e);
    return { entry: e, previousLockedUntil, lockedUntil: e.lockedUntil };
  }

  /** Undoes one counted attempt: its failure, and the lock it set unless a later one replaced it. */
  #giveBack(r: Reservation): void {
    const e = r.entry;
    if (e.failures > 0) e.failures--;
    if (e.lockedUntil === r.lockedUntil) e.lockedUntil = r.previousLockedUntil;
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
