/**
 * A small in-memory cache of session lookups (token hash → user and session expiry), so an
 * authenticated request does not queue a database job behind the check-in writes.
 *
 * Why it is safe: this process invalidates an entry itself whenever it ends a session or changes
 * a user (logout, disable, passwd — see UserRepository). The `user` CLI changes users from
 * another process, which this cache cannot hear of, so every entry also lives at most `ttlMs`
 * (default 10 s): a user disabled or given a new password by the CLI keeps working on the kiosk
 * for at most that long. An entry never outlives its session's own expiry. Only sessions that
 * were found are cached (a random token cannot fill the cache), and the size is capped.
 */
import type { Clock } from '../clock.js';
import type { User } from './types.js';

export const SESSION_CACHE_TTL_MS = 10_000;
export const SESSION_CACHE_MAX = 1000;

export interface CachedSession {
  user: User;
  /** The session's own expiry (ms). */
  expiresAt: number;
}

interface Entry extends CachedSession {
  /** When this entry stops being trusted: min(cached + ttl, session expiry). */
  until: number;
}

export class SessionCache {
  #entries = new Map<string, Entry>();
  /** Bumped by every invalidation; see `generation`. */
  #generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SESSION_CACHE_TTL_MS,
    private readonly max = SESSION_CACHE_MAX,
  ) {}

  get(tokenHash: string): CachedSession | undefined {
    const e = this.#entries.get(tokenHash);
    if (!e) return undefined;
    if (this.clock.now() >= e.until) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    return { user: e.user, expiresAt: e.expiresAt };
  }

  /**
   * Take this before starting a database lookup and hand it to `set`: a lookup that was already
   * under way when a session ended or a user changed may have read the old state, so its answer
   * is not cached.
   */
  get generation(): number {
    return this.#generation;
  }

  set(tokenHash: string, s: CachedSession, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.#generation) return;
    const until = Math.min(this.clock.now() + this.ttlMs, s.expiresAt);
    this.#entries.delete(tokenHash); // re-inserted last: the Map's order is the eviction order
    this.#entries.set(tokenHash, { ...s, until });
    while (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** A session ended (logout). */
  forgetSession(tokenHash: string): void {
    this.#generation++;
    this.#entries.delete(tokenHash);
  }

  /** A user changed (disabled, new password): all their cached sessions go. */
  forgetUser(username: string): void {
    this.#generation++;
    for (const [k, e] of this.#entries) if (e.user.username === username) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }
}
