/**
 * Keeps the running service in step with its trust file: `npm run -s issuer -- revoke` (or an
 * operator's edit) rewrites the file, and the next scan must see it without a restart. The
 * folder holding the file is watched (editors and the issuer tools replace the file by rename,
 * which a watch on the file itself would lose); a change is reloaded after a short settle time,
 * all or nothing, with the checks of a start (the file must be valid, the last good refresh
 * merged in for entries it still matches) and of a refresh (revocation only moves forward).
 * A refused file leaves the store in force as it was and records why (status, admin page).
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Clock } from '../clock.js';
import { TrustStoreError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loadStartupTrust } from './refresh/cache-file.js';
import { checkIssuerUpdate } from './refresh/update-checks.js';
import { digestOf } from './refresh/trust-json.js';
import type { TrustHolder } from './trust-holder.js';

export interface TrustFileReload {
  ok: boolean;
  /** The file's content differed from what was in force. */
  changed: boolean;
  /** Issuers the file lists. */
  issuers: number;
  refusedBecause?: string;
  problems?: string[];
}

export interface TrustFileWatcherOptions {
  trustFile: string;
  cacheFile: string;
  holder: TrustHolder;
  clock: Clock;
  logger: Logger;
  /** iss → digest of its entry in the trust file; updated in place on each reload (the refresher reads it). */
  baseDigests: Record<string, string>;
  /** Settle time after the last change event, ms (default 200). */
  settleMs?: number;
}

export class TrustFileWatcher {
  readonly #o: TrustFileWatcherOptions;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<TrustFileReload> | undefined;
  #again = false;
  #closed = false;
  #lastDigest: string | undefined;

  constructor(opts: TrustFileWatcherOptions) {
    this.#o = opts;
    this.#lastDigest = digestOf(opts.baseDigests);
  }

  /** Starts watching the file's folder. */
  start(): void {
    if (this.#closed || this.#watcher) return;
    const name = basename(this.#o.trustFile);
    try {
      this.#watcher = watch(dirname(this.#o.trustFile), { persistent: false }, (_event, file) => {
        // Some platforms give no name: any change in the folder is a reason to look.
        if (file === null || file === name || String(file) === name) this.#schedule();
      });
      this.#watcher.on('error', (err) => {
        this.#o.logger.warn('trust file watch stopped', { code: 'TRUST_WATCH_FAILED', errno: (err as NodeJS.ErrnoException).code });
      });
    } catch (err) {
      this.#o.logger.warn('trust file cannot be watched; changes need a refresh or a restart', {
        code: 'TRUST_WATCH_FAILED',
        errno: (err as NodeJS.ErrnoException).code,
      });
    }
  }

  /** Reloads now (a refresh request, or the watch); joins a reload already running and runs once more after it. */
  reload(): Promise<TrustFileReload> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#reload().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#running?.catch(() => undefined);
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#o.settleMs ?? 200);
    this.#timer.unref();
  }

  async #reload(): Promise<TrustFileReload> {
    const { holder, clock, logger } = this.#o;
    const at = clock.now();
    let next;
    try {
      next = await loadStartupTrust({ trustFile: this.#o.trustFile, cacheFile: this.#o.cacheFile, logger });
    } catch (err) {
      const problems = err instanceof TrustStoreError ? err.problems : ['the trust file could not be read'];
      return this.#refuse(at, 'TRUST_FILE_INVALID', problems, 0);
    }
    const issuers = next.snapshot.issuers.size;
    const digest = digestOf(next.baseDigests);
    // The same file as last loaded: what is in force (perhaps refreshed since) stays, but a file
    // that vouches for its lists more recently (`issuer trust`, the demo trust's renewal: the
    // same content, a newer updatedAt) moves the time they were last confirmed forward.
    if (digest === this.#lastDigest) {
      const current = holder.current;
      if (next.snapshot.crlCheckedAt > current.crlCheckedAt) {
        holder.replace(
          { ...current, crlCheckedAt: next.snapshot.crlCheckedAt, updatedAt: Math.max(current.updatedAt, next.snapshot.updatedAt) },
          at,
        );
        logger.info('trust file confirmed again', { code: 'TRUST_FILE_RENEWED', issuers });
      }
      return { ok: true, changed: false, issuers };
    }
    const problems: { code: string; problem: string }[] = [];
    for (const [iss, after] of next.snapshot.issuers) {
      const before = holder.current.issuers.get(iss);
      if (before) problems.push(...checkIssuerUpdate(before, after).problems);
    }
    if (problems.length > 0) {
      return this.#refuse(
        at,
        problems[0]!.code,
        problems.map((p) => p.problem),
        issuers,
      );
    }
    holder.replace(next.snapshot, at);
    for (const k of Object.keys(this.#o.baseDigests)) delete this.#o.baseDigests[k];
    Object.assign(this.#o.baseDigests, next.baseDigests);
    this.#lastDigest = digest;
    logger.info('trust file reloaded', { code: 'TRUST_FILE_RELOADED', issuers, keys: next.snapshot.keysByKid.size });
    return { ok: true, changed: true, issuers };
  }

  #refuse(at: number, code: string, problems: string[], issuers: number): TrustFileReload {
    this.#o.holder.recordFailure(at, code, problems);
    this.#o.logger.warn('changed trust file refused; the trust store in force stays', { code, problems });
    return { ok: false, changed: false, issuers, refusedBecause: code, problems };
  }
}
