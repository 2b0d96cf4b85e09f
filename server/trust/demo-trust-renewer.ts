/**
 * Keeps the demo trust current while the service runs (#13): on the default demo trust file the
 * service trusts the demo issuer's copy in its data folder through a trust file it writes itself
 * (server/issuer/demo-state.ts), renewed at start. A service that runs for days would see that
 * file pass the maximum trust age (7 days by default) and every demo card turn TRUST_STALE, so
 * this renews it before then: it looks every `intervalMs` (default one hour, on the injected
 * clock's time) and, once the trust in force was last confirmed `renewAfterMs` ago (default one
 * day), rewrites the file (`renew`, updatedAt = now) and has it read again (`reload`: the
 * trust-file watcher, with all its checks). A failed renewal is logged and tried at the next look.
 * Only for the demo trust: a real trust file is the operator's, never rewritten here.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

export const DEMO_TRUST_RENEW_AFTER_MS = 24 * 3_600_000;
const DEFAULT_INTERVAL_MS = 3_600_000;

export interface DemoTrustRenewerOptions {
  clock: Clock;
  logger: Logger;
  /** When the trust in force was last confirmed (ms): TrustHolder.current.crlCheckedAt. */
  confirmedAt: () => number;
  /** Rewrites the demo trust file as of `now`. */
  renew: (now: number) => Promise<unknown>;
  /** Reads the trust file again (TrustFileWatcher.reload). */
  reload: () => Promise<unknown>;
  renewAfterMs?: number;
  intervalMs?: number;
}

export class DemoTrustRenewer {
  readonly #o: DemoTrustRenewerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<boolean> | undefined;
  #closed = false;

  constructor(opts: DemoTrustRenewerOptions) {
    this.#o = opts;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#o.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One look: renews when due. True when it renewed. */
  tick(): Promise<boolean> {
    this.#running ??= this.#tick().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #tick(): Promise<boolean> {
    const { clock, logger } = this.#o;
    const now = clock.now();
    if (this.#closed || now - this.#o.confirmedAt() < (this.#o.renewAfterMs ?? DEMO_TRUST_RENEW_AFTER_MS)) return false;
    try {
      await this.#o.renew(now);
      await this.#o.reload();
      logger.info('demo trust renewed', { code: 'DEMO_TRUST_RENEWED' });
      return true;
    } catch (err) {
      logger.warn('demo trust could not be renewed; trying again later', {
        code: 'DEMO_TRUST_RENEW_FAILED',
        errno: (err as NodeJS.ErrnoException).code,
      });
      return false;
    }
  }
}
