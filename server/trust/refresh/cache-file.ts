/**
 * The last good refreshed trust store on disk (`<dataDir>/trust-cache.json`), and the start-up
 * rule that decides between it and the configured trust file (docs/trust-lifecycle.md).
 *
 * The configured trust file stays the operator's anchor: it decides WHICH issuers are trusted
 * and where they refresh from; the network never edits it. The cache only carries newer keys
 * and revocation lists for those issuers. It is itself a complete trust file (spec §5, all
 * inline) plus a `refreshState` member the trust loader ignores, so an operator can point
 * `--trust-file` at a copy of it when moving a kiosk offline.
 *
 * Per issuer, the cache is used only while that issuer's entry in the configured file is
 * exactly what it was when the cache was written (a digest is kept): an operator's deliberate
 * edit (new keys by hand, a new refreshUrl, a local `issuer revoke`) always wins.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustStoreError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { buildTrustSnapshot } from '../build-snapshot.js';
import { readTrustFileJson } from '../load-file.js';
import type { TrustSnapshot } from '../types.js';
import { removeStaleTempFiles, writeFileAtomic, type AtomicWriteHooks } from './atomic-write.js';
import { digestOf, snapshotToJson, type IssuerJson, type TrustJson } from './trust-json.js';

export const TRUST_CACHE_NAME = 'trust-cache.json';
const CACHE_FORMAT = 'bhyt-kiosk/trust-cache/1';
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export function trustCachePath(dataDir: string): string {
  return join(dataDir, TRUST_CACHE_NAME);
}

/** ETags per issuer: iss → (document URL → ETag of the content now in the store). */
export type EtagStore = Map<string, Map<string, string>>;

export interface RefreshState {
  format: string;
  writtenAt: string;
  /** iss → digest of that issuer's entry in the configured trust file when this was written. */
  base: Record<string, string>;
  etags: Record<string, Record<string, string>>;
}

export interface CacheFileJson extends TrustJson {
  refreshState: RefreshState;
}

export interface StartupTrust {
  snapshot: TrustSnapshot;
  /** iss → digest of its entry in the configured file (the refresher writes these back). */
  baseDigests: Record<string, string>;
  etags: EtagStore;
  /** Issuers whose keys / lists came from the cache. */
  fromCache: string[];
}

export function etagsToJson(etags: EtagStore): Record<string, Record<string, string>> {
  return Object.fromEntries([...etags].map(([iss, m]) => [iss, Object.fromEntries(m)]));
}

function etagsFromJson(raw: unknown, issuers: Set<string>): EtagStore {
  const out: EtagStore = new Map();
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [iss, m] of Object.entries(raw as Record<string, unknown>)) {
    if (!issuers.has(iss) || typeof m !== 'object' || m === null) continue;
    const urls = new Map<string, string>();
    for (const [url, tag] of Object.entries(m as Record<string, unknown>)) if (typeof tag === 'string') urls.set(url, tag);
    out.set(iss, urls);
  }
  return out;
}

export async function writeTrustCache(
  path: string,
  snapshot: TrustSnapshot,
  state: { base: Record<string, string>; etags: EtagStore; writtenAt: number },
  hooks?: AtomicWriteHooks,
): Promise<void> {
  const body: CacheFileJson = {
    ...snapshotToJson(snapshot),
    refreshState: {
      format: CACHE_FORMAT,
      writtenAt: new Date(state.writtenAt).toISOString(),
      base: state.base,
      etags: etagsToJson(state.etags),
    },
  };
  // Private to the service's user, like everything in the data folder (README, "Data folder").
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, ...(hooks ? { hooks } : {}) });
}

async function readCache(path: string, logger: Logger): Promise<{ json: CacheFileJson; snapshot: TrustSnapshot } | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn('trust cache unreadable; starting from the trust file', {
        code: 'TRUST_CACHE_INVALID',
        errno: (err as NodeJS.ErrnoException).code,
      });
    }
    return undefined;
  }
  try {
    if (buf.byteLength > MAX_CACHE_BYTES) throw new TrustStoreError(['trust cache too large']);
    const json = JSON.parse(buf.toString('utf8')) as CacheFileJson;
    if (json?.refreshState?.format !== CACHE_FORMAT) throw new TrustStoreError(['not a trust cache of this version']);
    return { json, snapshot: buildTrustSnapshot(json) };
  } catch (err) {
    const problems = err instanceof TrustStoreError ? err.problems : ['not valid JSON'];
    logger.warn('trust cache refused; starting from the trust file', { code: 'TRUST_CACHE_INVALID', problems });
    return undefined;
  }
}

/**
 * The trust store to start with: the configured file (which must be valid: a broken anchor
 * stops the kiosk), with each issuer's keys and lists taken from the cache when the cache holds
 * a refresh of that very entry.
 */
export async function loadStartupTrust(opts: { trustFile: string; cacheFile: string; logger: Logger }): Promise<StartupTrust> {
  const baseRaw = await readTrustFileJson(opts.trustFile);
  const base = buildTrustSnapshot(baseRaw);
  const baseEntries = (baseRaw.issuers as Record<string, unknown>[]).map((e) => ({ iss: e.iss as string, digest: digestOf(e) }));
  const baseDigests = Object.fromEntries(baseEntries.map((e) => [e.iss, e.digest]));

  await removeStaleTempFiles(opts.cacheFile);
  const cache = await readCache(opts.cacheFile, opts.logger);
  if (!cache) return { snapshot: base, baseDigests, etags: new Map(), fromCache: [] };

  const baseJson = snapshotToJson(base);
  const cachedByIss = new Map(cache.json.issuers.map((i) => [i.iss, i]));
  const fromCache: string[] = [];
  const issuers: IssuerJson[] = baseJson.issuers.map((b) => {
    const cached = cachedByIss.get(b.iss);
    if (cached && cache.json.refreshState.base?.[b.iss] === baseDigests[b.iss]) {
      fromCache.push(b.iss);
      // Identity (name, demo, refreshUrl) always from the configured file; content from the cache.
      return { ...b, jwks: cached.jwks, crl: cached.crl };
    }
    return b;
  });
  if (fromCache.length === 0) {
    opts.logger.info('trust cache is for an older trust file; starting from the trust file', { code: 'TRUST_CACHE_OUTDATED' });
    return { snapshot: base, baseDigests, etags: new Map(), fromCache };
  }
  const allCached = fromCache.length === issuers.length;
  const merged = {
    // Age is that of the oldest part in use: never look fresher than the parts are.
    updatedAt: new Date(allCached ? cache.snapshot.updatedAt : Math.max(cache.snapshot.updatedAt, base.updatedAt)).toISOString(),
    crlCheckedAt: new Date(
      allCached ? cache.snapshot.crlCheckedAt : Math.min(cache.snapshot.crlCheckedAt, base.crlCheckedAt),
    ).toISOString(),
    issuers,
  };
  let snapshot: TrustSnapshot;
  try {
    snapshot = buildTrustSnapshot(merged);
  } catch (err) {
    opts.logger.warn('trust cache does not combine with the trust file; starting from the trust file', {
      code: 'TRUST_CACHE_INVALID',
      problems: err instanceof TrustStoreError ? err.problems : [],
    });
    return { snapshot: base, baseDigests, etags: new Map(), fromCache: [] };
  }
  opts.logger.info('trust store loaded with the last good refresh', { code: 'TRUST_CACHE_USED', issuers: fromCache.length });
  return { snapshot, baseDigests, etags: etagsFromJson(cache.json.refreshState.etags, new Set(fromCache)), fromCache };
}
