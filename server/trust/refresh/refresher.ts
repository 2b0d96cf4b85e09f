/**
 * Keeps the trust store in step with the issuers that name a `refreshUrl`: fetches each one's
 * JWKS and per-key revocation lists (conditional GETs), builds a whole candidate store,
 * validates it, and either swaps it in and writes it to disk, or refuses it whole and keeps
 * the last good store. Never at scan time: verification only ever reads the snapshot in force.
 */
import { TrustStoreError } from '../../errors.js';
import type { Clock, Random } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { buildTrustSnapshot } from '../build-snapshot.js';
import type { TrustHolder } from '../trust-holder.js';
import type { TrustSnapshot } from '../types.js';
import type { AtomicWriteHooks } from './atomic-write.js';
import { writeTrustCache, type EtagStore } from './cache-file.js';
import { FetchError, fetchDocument, safeUrl } from './fetch-document.js';
import { issuerContentDigest, issuerToJson, type IssuerJson } from './trust-json.js';
import { checkIssuerUpdate } from './update-checks.js';

export interface RefreshOutcome {
  ok: boolean;
  /** True when keys or revocation lists changed (not just re-confirmed). */
  changed: boolean;
  /** Stable code of the refusal: TRUST_FETCH_FAILED, TRUST_UPDATE_INVALID, CRL_COUNTER_ROLLBACK… */
  refusedBecause?: string;
  problems?: string[];
  /** Issuers in the trust store in force (from the trust file, refreshed or not). */
  issuers: number;
  /** Of those, the ones refreshed from their refreshUrl. */
  refreshed: number;
  /** The trust file was read again first and had changed (TrustFileWatcher). */
  fileReloaded?: boolean;
  /** False when the new store is in force but could not be written to disk. */
  persisted?: boolean;
  at: string;
}

export interface RefresherOptions {
  holder: TrustHolder;
  clock: Clock;
  logger: Logger;
  /** Where the last good store is written (cache-file.ts). */
  cacheFile: string;
  /** iss → digest of its entry in the configured trust file (kept in the cache). */
  baseDigests: Record<string, string>;
  etags?: EtagStore;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  maxJwksBytes?: number;
  maxCrlBytes?: number;
  fetchImpl?: typeof fetch;
  writeHooks?: AtomicWriteHooks;
  /**
   * Reads the trust file again before refreshing (a refresh request after `issuer revoke` must
   * see the file's new list): refused, the refresh is refused with its reason.
   */
  reloadFile?: () => Promise<{ ok: boolean; changed: boolean; refusedBecause?: string; problems?: string[] }>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_JWKS_BYTES = 256 * 1024;
/** Lists can be large (buildTrustSnapshot allows a million rids). */
const DEFAULT_MAX_CRL_BYTES = 32 * 1024 * 1024;
const MAX_KEYS = 64;
/** A kid becomes part of a URL path: only a thumbprint-shaped one is requested. */
const KID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
/** First scheduled run this long after start: the service is up first, the network second. */
export const FIRST_RUN_DELAY_MS = 5_000;

class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly problems: string[],
  ) {
    super(code);
  }
}

export class TrustRefresher {
  readonly #o: RefresherOptions;
  #etags: EtagStore;
  #inFlight: Promise<RefreshOutcome> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #shutdown = new AbortController();

  constructor(opts: RefresherOptions) {
    this.#o = opts;
    this.#etags = opts.etags ?? (new Map() as EtagStore);
  }

  /** Runs one refresh now; joins the one already running rather than starting a second. */
  refreshNow(): Promise<RefreshOutcome> {
    this.#inFlight ??= this.#run().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * Refreshes every `intervalMs` (0 = never), the first time after `firstDelayMs`. Runs never
   * overlap (the next is planned when one ends); a little jitter keeps a province's kiosks from
   * all calling the issuer in the same second.
   */
  start(opts: { intervalMs: number; firstDelayMs?: number; random?: Random }): void {
    if (opts.intervalMs <= 0 || this.#closed) return;
    const jitter = () => {
      if (!opts.random) return 0;
      const r = opts.random.bytes(4).readUInt32BE(0) / 0x1_0000_0000;
      return Math.floor(r * Math.min(opts.intervalMs * 0.1, 5 * 60_000));
    };
    const plan = (ms: number) => {
      if (this.#closed) return;
      this.#timer = setTimeout(() => {
        void this.refreshNow().finally(() => plan(opts.intervalMs + jitter()));
      }, ms);
      this.#timer.unref();
    };
    plan(opts.firstDelayMs ?? FIRST_RUN_DELAY_MS);
  }

  /** Cancels the schedule and any request in flight; resolves when nothing is running. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#shutdown.abort();
    await this.#inFlight?.catch(() => {});
  }

  async #run(): Promise<RefreshOutcome> {
    const { holder, clock, logger } = this.#o;
    const at = clock.now();
    holder.state.lastAttemptAt = at;
    let fileReloaded = false;
    if (this.#o.reloadFile) {
      const f = await this.#o.reloadFile();
      const issuers = holder.current.issuers.size;
      if (!f.ok)
        return this.#refuse(at, new Refusal(f.refusedBecause ?? 'TRUST_FILE_INVALID', f.problems ?? []), {
          at: new Date(at).toISOString(),
          issuers,
          refreshed: 0,
        });
      fileReloaded = f.changed;
    }
    const current = holder.current;
    const refreshable = [...current.issuers.values()].filter((i) => i.refreshUrl !== undefined);
    const base = {
      at: new Date(at).toISOString(),
      issuers: current.issuers.size,
      refreshed: refreshable.length,
      ...(fileReloaded ? { fileReloaded } : {}),
    };
    if (refreshable.length === 0) return { ok: true, changed: fileReloaded, ...base };
    if (this.#closed) return this.#refuse(at, new Refusal('TRUST_FETCH_FAILED', ['shutting down']), base);

    try {
      const newEtags: EtagStore = new Map(this.#etags);
      const fetched = new Map<string, IssuerJson>();
      for (const issuer of refreshable) {
        const { json, etags } = await this.#fetchIssuer(issuerToJson(issuer));
        fetched.set(issuer.iss, json);
        newEtags.set(issuer.iss, etags);
      }
      const candidateIssuers = [...current.issuers.values()].map((i) => fetched.get(i.iss) ?? issuerToJson(i));
      let next: TrustSnapshot;
      try {
        next = buildTrustSnapshot({
          updatedAt: new Date(current.updatedAt).toISOString(),
          crlCheckedAt: new Date(current.crlCheckedAt).toISOString(),
          issuers: candidateIssuers,
        });
      } catch (err) {
        if (err instanceof TrustStoreError) throw new Refusal('TRUST_UPDATE_INVALID', err.problems);
        throw err;
      }

      let changed = false;
      const problems: { code: string; problem: string }[] = [];
      for (const issuer of refreshable) {
        const after = next.issuers.get(issuer.iss)!;
        const check = checkIssuerUpdate(issuer, after);
        problems.push(...check.problems);
        for (const n of check.notices) {
          const fields = { code: n.code, iss: issuer.iss, kid: n.kid, ctr: n.ctr };
          if (n.code === 'TRUST_KEY_REMOVED') logger.warn('issuer no longer publishes a key', fields);
          else logger.info('issuer trust content changed', fields);
        }
        if (issuerContentDigest(issuerToJson(issuer)) !== issuerContentDigest(issuerToJson(after))) changed = true;
      }
      if (problems.length > 0)
        throw new Refusal(
          problems[0]!.code,
          problems.map((p) => p.problem),
        );

      // Revocation freshness is the oldest part's: only when every issuer was just confirmed.
      const allConfirmed = refreshable.length === current.issuers.size;
      // Times never go backwards: a clock that jumped back must keep showing CLOCK_SUSPECT.
      const fresh: TrustSnapshot = Object.freeze({
        ...next,
        updatedAt: changed ? Math.max(at, current.updatedAt) : current.updatedAt,
        crlCheckedAt: allConfirmed ? Math.max(at, current.crlCheckedAt) : current.crlCheckedAt,
      });

      let persisted = true;
      try {
        await writeTrustCache(this.#o.cacheFile, fresh, { base: this.#o.baseDigests, etags: newEtags, writtenAt: at }, this.#o.writeHooks);
      } catch (err) {
        persisted = false;
        logger.error('trust store refreshed but not written to disk', {
          code: 'TRUST_CACHE_WRITE_FAILED',
          errno: (err as NodeJS.ErrnoException).code,
        });
      }
      holder.replace(fresh, at);
      this.#etags = newEtags;
      if (!persisted) holder.recordFailure(at, 'TRUST_CACHE_WRITE_FAILED', ['the refreshed trust store could not be written to disk']);
      logger.info('trust store refreshed', {
        code: changed ? 'TRUST_UPDATED' : 'TRUST_CONFIRMED',
        issuers: refreshable.length,
        keys: fresh.keysByKid.size,
      });
      return { ok: true, changed: changed || fileReloaded, persisted, ...base };
    } catch (err) {
      if (err instanceof Refusal) return this.#refuse(at, err, base);
      if (err instanceof FetchError) return this.#refuse(at, new Refusal(err.code, [err.problem]), base);
      // A bug, not the network: still keep the old store, but say so without internals.
      logger.error('trust refresh failed unexpectedly', { code: 'TRUST_REFRESH_ERROR', error: (err as Error).name });
      return this.#refuse(at, new Refusal('TRUST_REFRESH_ERROR', ['internal error during refresh']), base);
    }
  }

  #refuse(at: number, r: Refusal, base: { at: string; issuers: number; refreshed: number }): RefreshOutcome {
    this.#o.holder.recordFailure(at, r.code, r.problems);
    this.#o.logger.warn('trust update refused; the last good trust store stays in force', { code: r.code, problems: r.problems });
    return { ok: false, changed: false, refusedBecause: r.code, problems: r.problems, ...base };
  }

  /** The issuer's entry with freshly fetched (or confirmed unchanged) JWKS and lists. */
  async #fetchIssuer(issuer: IssuerJson): Promise<{ json: IssuerJson; etags: Map<string, string> }> {
    const baseUrl = issuer.refreshUrl!;
    const old = this.#etags.get(issuer.iss) ?? new Map<string, string>();
    const etags = new Map<string, string>();
    const common = {
      timeoutMs: this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: this.#shutdown.signal,
      ...(this.#o.fetchImpl ? { fetchImpl: this.#o.fetchImpl } : {}),
    };

    const jwksUrl = `${baseUrl}/.well-known/jwks.json`;
    const jwksEtag = old.get(jwksUrl);
    const j = await fetchDocument(jwksUrl, {
      ...common,
      maxBytes: this.#o.maxJwksBytes ?? DEFAULT_MAX_JWKS_BYTES,
      ...(jwksEtag ? { etag: jwksEtag } : {}),
    });
    if (j.status === 'not-found') throw new FetchError('TRUST_FETCH_FAILED', `${safeUrl(jwksUrl)}: HTTP 404`);
    let jwks: unknown;
    if (j.status === 'ok') {
      jwks = j.body;
      if (j.etag) etags.set(jwksUrl, j.etag);
    } else {
      jwks = issuer.jwks;
      etags.set(jwksUrl, jwksEtag!);
    }
    const kids = kidsOf(jwks, safeUrl(jwksUrl));

    const crl: Record<string, unknown> = {};
    for (const kid of kids) {
      const url = `${baseUrl}/.well-known/crl/${kid}.json`;
      const have = issuer.crl[kid];
      // Conditional only when the list that ETag stands for is the one in force.
      const etag = have ? old.get(url) : undefined;
      const r = await fetchDocument(url, { ...common, maxBytes: this.#o.maxCrlBytes ?? DEFAULT_MAX_CRL_BYTES, ...(etag ? { etag } : {}) });
      if (r.status === 'ok') {
        crl[kid] = r.body;
        if (r.etag) etags.set(url, r.etag);
      } else if (r.status === 'not-modified') {
        crl[kid] = have;
        etags.set(url, etag!);
      }
      // not-found: the key has no list (yet). update-checks refuses it if one existed.
    }
    return { json: { ...issuer, jwks: jwks as IssuerJson['jwks'], crl: crl as IssuerJson['crl'] }, etags };
  }
}

/** The kids a JWKS names, checked just enough to build request URLs from them safely. */
function kidsOf(jwks: unknown, where: string): string[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(keys))
    throw new FetchError('TRUST_UPDATE_INVALID', `${where}: not a JWKS (no keys array)`);
  if (keys.length > MAX_KEYS) throw new FetchError('TRUST_UPDATE_INVALID', `${where}: more than ${MAX_KEYS} keys`);
  const kids: string[] = [];
  for (const [i, k] of keys.entries()) {
    const kid = (k as { kid?: unknown } | null)?.kid;
    if (typeof kid !== 'string' || !KID_SHAPE.test(kid))
      throw new FetchError('TRUST_UPDATE_INVALID', `${where}: keys[${i}] has no usable kid`);
    if (!kids.includes(kid)) kids.push(kid);
  }
  return kids;
}
