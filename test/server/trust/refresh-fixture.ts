/**
 * Shared set-up for trust refresh tests: a real issuer (test/helpers/demo-issuer.ts) served by
 * `issuer serve` on 127.0.0.1 port 0, and a kiosk trust file that knows the issuer only from an
 * inline copy plus its refreshUrl: what the kiosk learns later, it learns over HTTP.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, type VerifyPolicy } from '../../../server/card/types.js';
import type { VerifyResult } from '../../../server/wire/verification.js';
import { verifyQr } from '../../../server/card/verify.js';
import { fixedClock } from '../../../server/clock.js';
import { serveIssuerDir, type RunningIssuerServer } from '../../../server/issuer/serve.js';
import { silentLogger, type Logger } from '../../../server/logger.js';
import { loadStartupTrust, trustCachePath } from '../../../server/trust/refresh/cache-file.js';
import { TrustRefresher, type RefresherOptions } from '../../../server/trust/refresh/refresher.js';
import { snapshotToJson } from '../../../server/trust/refresh/trust-json.js';
import { TrustHolder } from '../../../server/trust/trust-holder.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';

export const T0 = Date.parse('2026-11-25T02:00:00Z');
export const POLICY: VerifyPolicy = Object.freeze({ ...DEFAULT_POLICY, facility: '12001' });

export interface RefreshWorld {
  issuer: TestIssuer;
  server: RunningIssuerServer;
  clock: ReturnType<typeof fixedClock>;
  kioskDir: string;
  trustFile: string;
  cacheFile: string;
  holder: TrustHolder;
  refresher: TrustRefresher;
  logs: { level: string; msg: string; fields?: Record<string, unknown> }[];
  verify(qrText: string): VerifyResult;
  /** A new refresher over the same holder (e.g. other options). */
  newRefresher(opts?: Partial<RefresherOptions>): Promise<TrustRefresher>;
  close(): Promise<void>;
}

/** The kiosk's trust file: the issuer's current content inline, plus where to refresh from. */
export async function writeKioskTrustFile(path: string, issuer: TestIssuer, refreshUrl: string | undefined, at = T0): Promise<void> {
  const json = snapshotToJson(issuer.trust);
  json.updatedAt = new Date(at).toISOString();
  json.crlCheckedAt = json.updatedAt;
  for (const i of json.issuers) if (refreshUrl !== undefined) i.refreshUrl = refreshUrl;
  await writeFile(path, JSON.stringify(json, null, 2));
}

export function recordingLogger(logs: RefreshWorld['logs']): Logger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    logs.push({ level, msg, ...(fields ? { fields } : {}) });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export async function makeRefreshWorld(
  opts: { refreshUrl?: (serverUrl: string) => string; refresher?: Partial<RefresherOptions> } = {},
): Promise<RefreshWorld> {
  const issuer = await makeTestIssuer({ now: T0 });
  const server = await serveIssuerDir(issuer.issuerDir, { port: 0 });
  const clock = fixedClock(T0);
  const kioskDir = await mkdtemp(join(tmpdir(), 'kiosk-trust-'));
  const trustFile = join(kioskDir, 'trust.json');
  const cacheFile = trustCachePath(join(kioskDir, 'data'));
  await writeKioskTrustFile(trustFile, issuer, opts.refreshUrl ? opts.refreshUrl(server.url) : server.url);
  const logs: RefreshWorld['logs'] = [];
  const logger = recordingLogger(logs);
  const startup = await loadStartupTrust({ trustFile, cacheFile, logger: silentLogger });
  const holder = new TrustHolder(startup.snapshot);
  const make = (extra: Partial<RefresherOptions> = {}) =>
    new TrustRefresher({
      holder,
      clock,
      logger,
      cacheFile,
      baseDigests: startup.baseDigests,
      etags: startup.etags,
      timeoutMs: 2_000,
      ...opts.refresher,
      ...extra,
    });
  const refreshers: TrustRefresher[] = [make()];
  const world: RefreshWorld = {
    issuer,
    server,
    clock,
    kioskDir,
    trustFile,
    cacheFile,
    holder,
    refresher: refreshers[0]!,
    logs,
    verify: (qrText) => verifyQr(qrText, { trust: holder.current, now: clock.now(), policy: POLICY }),
    async newRefresher(extra) {
      const r = make(extra);
      refreshers.push(r);
      return r;
    },
    async close() {
      for (const r of refreshers) await r.close();
      await server.close();
      await issuer.cleanup();
      await rm(kioskDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A plain HTTP server answering every request with `handler` (garbage, slowness, errors). */
export async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
