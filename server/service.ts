import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, systemRandom, type Clock, type Random } from './clock.js';
import type { KioskConfig } from './config.js';
import { createApp } from './http/app.js';
import { withFastVerify } from './http/routes/verify.js';
import type { StatusSection } from './http/routes/status.js';
import { createLogger, type Logger } from './logger.js';
import { makeRoleGate } from './http/routes/session-auth.js';
import { loadStartupTrust, trustCachePath } from './trust/refresh/cache-file.js';
import { startTrustRefresh } from './trust/refresh/wire.js';
import { TrustHolder } from './trust/trust-holder.js';
import { projectRoot, readVersion } from './project-root.js';
import { policyFromConfig, VerifyService } from './verification/verify-service.js';
import { startVisitLog } from './visits/visit-log-feature.js';
import { startSync } from './sync/start-sync.js';
import type { Router } from 'express';

export interface ServiceOptions {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Where the built kiosk screen is; default dist/kiosk-ui next to the project root. */
  uiDir?: string;
  /** Where one-time console notices go (demo-account passwords); default stdout, never the log. */
  print?: (text: string) => void;
}

export interface RunningService {
  url: string;
  port: number;
  trust: TrustHolder;
  /** Stops accepting, drains in-flight requests and background work, closes the database. */
  close(): Promise<void>;
}

/** Something started with the service that must be stopped, in reverse order, on shutdown. */
interface Closable {
  close(): Promise<void> | void;
}

export const DEFAULT_UI_DIR = join(projectRoot(), 'dist', 'kiosk-ui');

/**
 * Starts the kiosk service: trust store, verifier, feature modules, HTTP. Used by main.ts and
 * by tests (port 0), so tests exercise the same wiring production runs.
 */
export async function startKioskService(config: KioskConfig, opts: ServiceOptions = {}): Promise<RunningService> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  void random;
  const logger = opts.logger ?? createLogger();
  const startedAt = clock.now();
  const closables: Closable[] = [];

  // Refuse to start on a broken trust file: verifying with a half-loaded store is worse. The
  // last good refresh (data dir) supplies newer keys / lists for issuers the file still lists
  // unchanged, so an offline kiosk starts with what it last knew (docs/trust-lifecycle.md).
  const trustStartup = await loadStartupTrust({ trustFile: config.trustFile, cacheFile: trustCachePath(config.dataDir), logger });
  const trust = new TrustHolder(trustStartup.snapshot);
  if (trust.current.demo) {
    logger.warn('DEMO ISSUER TRUSTED: keys/demo-issuer is for development only; never use this trust store at a real front desk', {
      code: 'DEMO_KEYS',
    });
  }
  const verifier = new VerifyService(trust, clock, policyFromConfig(config));
  const routers: Router[] = [];
  const statusSections: StatusSection[] = [];

  // ── Feature modules ────────────────────────────────────────────────────────────────────
  // Each feature (visit log + sessions + audit, sync, trust refresh) is wired here: it opens
  // what it needs, pushes its routers / status sections, and pushes itself onto `closables`
  // so shutdown drains it in reverse order.
  // Visit log, operators, sessions, auditors (issue 4). Other features may use visitLog.db
  // (the one serialised connection) and visitLog.visits.onVisitRecorded(…) to be woken.
  const visitLog = await startVisitLog({ config, clock, random, logger, verifier, ...(opts.print ? { print: opts.print } : {}) });
  closables.push(visitLog);
  routers.push(...visitLog.routers);
  // Trust lifecycle (issue 6): scheduled refresh of issuer keys / revocation lists, and
  // POST /api/admin/trust/refresh for admins.
  const trustRefresh = startTrustRefresh({
    config,
    clock,
    random,
    logger,
    trust,
    startup: trustStartup,
    requireAdmin: makeRoleGate(visitLog.auth)('admin'),
  });
  closables.push(trustRefresh.refresher);
  routers.push(...trustRefresh.routers);
  // Sync to the medical-history store (issue 5): drains the visit log's outbox, woken by each
  // recorded visit; `sync` in /api/status (+ SYNC_BEHIND). Pushed after the visit log, so
  // shutdown stops the worker before the database closes.
  const sync = startSync({ config, db: visitLog.db, onVisitRecorded: (l) => visitLog.visits.onVisitRecorded(l), clock, random, logger });
  statusSections.push(sync.statusSection);
  closables.push(sync);
  await sync.ready;
  // ── end of feature modules ─────────────────────────────────────────────────────────────

  const app = createApp({
    config,
    clock,
    logger,
    trust,
    verifier,
    version: readVersion(),
    startedAt,
    uiDir: opts.uiDir ?? DEFAULT_UI_DIR,
    routers,
    statusSections,
  });

  const server: Server = createServer(withFastVerify(verifier, logger, app));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info('kiosk service listening', { url, facility: config.facility, desk: config.deskId });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    trust,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        for (const c of closables.reverse()) await c.close();
      })();
      return closing;
    },
  };
}
