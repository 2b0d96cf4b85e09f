/**
 * The portal token, kept and shared: about 50 minutes (or the reply's `expires_in`), renewed when a
 * call answers 401. ONE renewal is in flight at a time and every caller that needs it waits for
 * that one (20 desks finding the token expired at once → one token request). A caller that saw a
 * 401 with a token that has already been replaced simply gets the new one.
 *
 * The shared renewal runs on its own time budget, not on any single caller's signal: a desk that
 * gives up does not cancel the renewal the others wait for.
 */
import type { Clock } from '../clock.js';

export interface PortalToken {
  accessToken: string;
  idToken: string;
  username: string;
  /** ms since epoch, on the injected clock. */
  expiresAt: number;
}

export class TokenHolder {
  private current: PortalToken | undefined;
  private inflight: Promise<PortalToken> | undefined;

  constructor(
    private readonly take: () => Promise<PortalToken>,
    private readonly clock: Clock,
  ) {}

  /** The kept token when still valid, else a (shared) renewal. */
  get(signal: AbortSignal): Promise<PortalToken> {
    const t = this.current;
    if (t !== undefined && this.clock.now() < t.expiresAt) return Promise.resolve(t);
    return this.renewShared(signal);
  }

  /**
   * After a 401 with `stale`: the newer token if one replaced it meanwhile, else a (shared)
   * renewal.
   */
  async renew(stale: PortalToken, signal: AbortSignal): Promise<PortalToken> {
    if (this.current === stale) this.current = undefined;
    const t = this.current;
    if (t !== undefined && this.clock.now() < t.expiresAt) return t;
    return this.renewShared(signal);
  }

  /** Whether a token is kept and not yet expired (for status). */
  get valid(): boolean {
    return this.current !== undefined && this.clock.now() < this.current.expiresAt;
  }

  /** Forgets the kept token (e.g. after the account was refused). */
  clear(): void {
    this.current = undefined;
  }

  private renewShared(signal: AbortSignal): Promise<PortalToken> {
    if (this.inflight === undefined) {
      const p = this.take().then((token) => {
        this.current = token;
        return token;
      });
      this.inflight = p;
      const done = () => {
        if (this.inflight === p) this.inflight = undefined;
      };
      p.then(done, done);
    }
    return raceAbort(this.inflight, signal);
  }
}

/** `p`, or a rejection with the signal's reason as soon as it aborts (p keeps running). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error('token renewal failed'));
      },
    );
  });
}
