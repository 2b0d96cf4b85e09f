/**
 * The composition root: the one place that knows every feature. It loads the trust store,
 * builds the verifier, starts each feature module (database, operators, card checks, visit log,
 * audit, trust refresh, sync, check-in report), mounts their routers and status sections on the HTTP app, and stops their
 * closables in reverse order on shutdown.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Router } from 'express';
import { systemClock, systemRandom, type Clock, type Random } from '../clock.js';
import { plainLan, type KioskConfig } from '../config.js';
import { createApp } from '../http/app.js';
import { hostPolicy, withHostCheck } from '../http/host-check.js';
import { readCookie, SESSION_COOKIE } from '../http/routes/session-auth.js';
import { kioskServerFactory, type KioskServer } from '../http/tls-server.js';
import { AddressBuckets } from '../http/verify-limit.js';
import { isLoopbackHost, listenHostName } from '../lib/listen-address.js';
import type { StatusSection } from '../http/routes/status.js';
import { OK, type ReadinessCheck } from '../http/routes/ops.js';
import { withFastVerify } from '../http/routes/verify.js';
import { observeRequests } from '../http/request-observer.js';
import { createLogger, type Logger } from '../logger.js';
import type { OutboxWorkerOptions } from '../outbox/worker.js';
import { projectRoot, readVersion } from '../project-root.js';
import { resolveTrustFile } from '../issuer/demo-state.js';
import { loadStartupTrust, trustCachePath } from '../trust/refresh/cache-file.js';
import { TrustHolder } from '../trust/trust-holder.js';
import { policyFromConfig, VerifyService } from '../verification/verify-service.js';
import { startAudit } from './audit.js';
import { startCardChecks, type CardCheckHooks } from './card-checks.js';
import { startCheckInReport } from './check-in-report.js';
import { countCardChecks, countCheckIns, KioskMetrics, metricSources, observeOutbox, timedPortalFetch } from './metrics.js';
import { openDatabase } from './database.js';
import { createDataFolder, tightenDataFolder } from './data-folder.js';
import type { Closable, FeatureParts } from './feature.js';
import { startOperators } from './operators.js';
import { startScanner } from './scanner.js';
import { startSync } from './sync.js';
import { startTrustRefresh } from './trust-refresh.js';
import { startVisitLog } from './visit-log.js';

export interface ServiceOptions {
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Where the built kiosk screen is; default dist/kiosk-ui next to the project root. */
  uiDir?: string;
  /** Where one-time console notices go (demo-account passwords); default stdout, never the log. */
  print?: (text: string) => void;
  /** The online card check's waits and transport (tests inject them). */
  cardChecks?: CardCheckHooks;
  /** The check-in report worker's waits and backoff (tests shorten them). */
  checkInReport?: OutboxWorkerOptions;
  /** How often the TLS certificate and key files are checked for a change, ms (tests shorten it). */
  tlsReloadIntervalMs?: number;
  /** The HTTP server's timeouts, ms (tests shorten them); default HTTP_TIMEOUTS. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** A client must have sent its whole request head by then (a slow-header socket gets 408 and is closed). */
  headersMs: number;
  /** …and its whole request (head and body). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

/**
 * Slow-header ("slowloris") sockets are cut after 10 s. Node enforces headersTimeout and
 * requestTimeout only when it sweeps its connections (every connectionsCheckingInterval, 30 s
 * by default), so the sweep runs every second (or half the headers timeout, when shorter).
 */
export const HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

export interface RunningService {
  url: string;
  port: number;
  trust: TrustHolder;
  /** This service's own metrics registry (GET /metrics renders it). */
  metrics: KioskMetrics;
  /** Stops accepting, drains in-flight requests and background work, closes the database. */
  close(): Promise<void>;
}

export const DEFAULT_UI_DIR = join(projectRoot(), 'dist', 'kiosk-ui');

/**
 * Starts the kiosk service: trust store, verifier, feature modules, HTTP. Used by main.ts and
 * by tests (port 0), so tests exercise the same wiring production runs.
 */
export async function startKioskService(config: KioskConfig, opts: ServiceOptions = {}): Promise<RunningService> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const startedAt = clock.now();
  const closables: Closable[] = [];
  const routers: Router[] = [];
  const statusSections: StatusSection[] = [];
  const mount = <F extends FeatureParts>(feature: F): F => {
    closables.push(...(feature.closables ?? []));
    routers.push(...(feature.routers ?? []));
    statusSections.push(...(feature.statusSections ?? []));
    return feature;
  };
  const closeAll = async () => {
    for (const c of [...closables].reverse()) await c.close();
  };

  // Refuse to start on a broken trust file: verifying with a half-loaded store is worse. The
  // last good refresh (data dir) supplies newer keys / lists for issuers the file still lists
  // unchanged, so an offline kiosk starts with what it last knew (docs/trust-lifecycle.md).
  // The default demo trust file is used through the data folder's copy, renewed now (server/issuer/demo-state.ts).
  // The data folder is private to this user (0700, files 0600): created so, and tightened where a
  // copy, an older version or an operator left it wider (server/app/data-folder.ts).
  createDataFolder(config.dataDir);
  const trustFile = await resolveTrustFile({ trustFile: config.trustFile, dataDir: config.dataDir, root: projectRoot(), now: clock.now() });
  tightenDataFolder(config.dataDir, logger);
  const trustStartup = await loadStartupTrust({ trustFile, cacheFile: trustCachePath(config.dataDir), logger });
  const trust = new TrustHolder(trustStartup.snapshot);
  if (trust.current.demo) {
    logger.warn('DEMO ISSUER TRUSTED: keys/demo-issuer is for development only; never use this trust store at a real front desk', {
      code: 'DEMO_KEYS',
    });
  }
  const verifier = new VerifyService(trust, clock, policyFromConfig(config));
  const version = readVersion();
  // This instance's own registry (never prom-client's global one: tests run several services).
  const metrics = new KioskMetrics({ version, facility: config.facility, deskId: config.deskId });
  let draining = false;

  // ── Feature modules (server/app/*.ts) ─────────────────────────────────────────────────
  // Each opens what it needs and returns its routers, status sections and closables; `mount`
  // collects them, so shutdown drains them in reverse order (sync, trust refresh, database).
  let server: KioskServer;
  let stopWatchingTls = () => {};
  let boundPort = 0;
  let scheme: 'http' | 'https';
  let afterListen: (() => Promise<void>) | undefined;
  try {
    const { db, fresh } = mount(await openDatabase({ config, clock }));
    const operators = mount(
      await startOperators({ config, clock, random, logger, db, fresh, ...(opts.print ? { print: opts.print } : {}) }),
    );
    const { requireRole } = operators;
    afterListen = operators.afterListen;
    // The online card check (portal off: every check `off`); a check-in may take one of its checks.
    const cardChecks = mount(
      await startCardChecks({
        config,
        clock,
        random,
        logger,
        db,
        verifier,
        requireRole,
        // Every portal call (card checks, re-checks, check-in records) timed for /metrics.
        hooks: { ...opts.cardChecks, fetchImpl: timedPortalFetch(metrics, opts.cardChecks?.fetchImpl) },
      }),
    );
    closables.push({ close: countCardChecks(metrics, (l) => cardChecks.repo.onSettled(l)) });
    const visitLog = mount(
      await startVisitLog({ config, clock, random, logger, db, verifier, requireRole, cardChecks: cardChecks.service }),
    );
    const uncount = countCheckIns(metrics, (l) => visitLog.writer.onVisitRecorded(l));
    closables.push({ close: uncount });
    metricSources(metrics, { db, clock, trust });
    mount(
      startAudit({
        clock,
        db,
        visits: visitLog.queries,
        requireRole,
        anchored: config.syncUrl !== undefined && config.syncKey !== undefined,
        cardChecks: { queries: cardChecks.queries, rechecks: cardChecks.rechecks },
      }),
    );
    mount(
      startTrustRefresh({ config, clock, random, logger, trust, startup: trustStartup, trustFile, requireAdmin: requireRole('admin') }),
    );
    // A USB serial scanner (KIOSK_SCANNER_DEVICE): its scans pushed to the receptionist's screen.
    mount(await startScanner({ config, logger, requireReceptionist: requireRole('receptionist') }));
    // Drains the visit log's outbox, woken by each recorded visit; started after the database,
    // so shutdown stops the worker before the database closes.
    const sync = mount(
      await startSync({
        config,
        db,
        onVisitRecorded: (l) => visitLog.writer.onVisitRecorded(l),
        clock,
        random,
        logger,
        requireAdmin: requireRole('admin'),
      }),
    );
    // The second destination: each checked-in visit's record to the portal, signed (same guarantees).
    const checkInReport = mount(
      startCheckInReport({
        config,
        db,
        portal: cardChecks.client,
        onVisitRecorded: (l) => visitLog.writer.onVisitRecorded(l),
        recordAuditRead: (reader, endpoint, filter, at) => visitLog.queries.recordAuditRead(reader, endpoint, filter, at),
        clock,
        random,
        logger,
        requireRole,
        ...(opts.checkInReport ? { options: opts.checkInReport } : {}),
      }),
    );
    await Promise.all([sync.ready, checkInReport.ready]);
    // One line and one count per batch sent, for each destination that is on.
    for (const [destination, worker] of [
      ['store', sync.worker],
      ['portal', checkInReport.reporter],
    ] as const) {
      if (worker) closables.push({ close: observeOutbox(metrics, logger, destination, worker) });
    }
    const readiness: ReadinessCheck[] = [
      {
        // A write transaction taken and released: the file is open, writable and not locked out.
        name: 'database',
        check: () =>
          db
            .transaction(async (tx) => void (await tx.get('SELECT 1')))
            .then(
              () => OK,
              () => 'DATABASE_UNWRITABLE',
            ),
      },
      {
        name: 'trust',
        check: () => ((clock.now() - trust.current.crlCheckedAt) / 1000 > config.maxTrustAgeSec ? 'TRUST_STALE' : OK),
      },
    ];
    // ── end of feature modules ───────────────────────────────────────────────────────────

    const app = createApp({
      config,
      clock,
      logger,
      trust,
      verifier,
      version,
      startedAt,
      uiDir: opts.uiDir ?? DEFAULT_UI_DIR,
      routers,
      statusSections,
      ops: { metrics, metricsToken: config.metricsToken, readiness, draining: () => draining },
    });

    const t = { ...HTTP_TIMEOUTS, ...opts.httpTimeouts };
    // On a network listener an anonymous /api/verify is limited per address; loopback is not.
    const verifyLimit = isLoopbackHost(config.host)
      ? undefined
      : {
          buckets: new AddressBuckets(clock),
          signedIn: async (req: IncomingMessage) => (await operators.auth.userForToken(readCookie(req, SESSION_COOKIE))) !== undefined,
        };
    // Host (every request) and Origin (state-changing ones) are checked before anything else.
    const policy = hostPolicy({ listenHost: config.host, publicHosts: config.publicHosts, port: () => boundPort });
    const listener = withHostCheck(policy, withFastVerify(verifier, logger, app, verifyLimit));
    // HTTPS when KIOSK_TLS_CERT_FILE / KIOSK_TLS_KEY_FILE are set (the files watched for renewal).
    const { createServer, ...tls } = kioskServerFactory(config, logger, {
      ...(opts.tlsReloadIntervalMs !== undefined ? { reloadIntervalMs: opts.tlsReloadIntervalMs } : {}),
    });
    scheme = tls.scheme;
    stopWatchingTls = tls.stopWatching;
    server = createServer(
      {
        headersTimeout: t.headersMs,
        requestTimeout: t.requestMs,
        keepAliveTimeout: t.keepAliveMs,
        connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(t.headersMs / 2))),
      },
      observeRequests(listener, { logger, metrics }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // A feature (or the listen) failed: stop what already started, the database last.
    stopWatchingTls();
    await closeAll().catch(() => undefined);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  boundPort = port;
  // A wildcard listen address (0.0.0.0, ::) names no host: the URL given is this computer's loopback one.
  const hostForUrl = listenHostName(config.host) ?? (config.host.includes(':') ? '[::1]' : '127.0.0.1');
  const url = `${scheme}://${hostForUrl}:${port}`;
  logger.info('kiosk service listening', { url, facility: config.facility, desk: config.deskId });
  if (plainLan(config)) {
    logger.warn('PLAIN HTTP ON THE NETWORK (KIOSK_ALLOW_PLAIN_LAN): sign-ins and card data cross it unencrypted; set KIOSK_TLS_CERT_FILE', {
      code: 'PLAIN_LAN',
      host: config.host,
    });
  }
  // Demo accounts only now that the service is up (their passwords are printed once).
  await afterListen?.();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    trust,
    metrics,
    close() {
      closing ??= (async () => {
        draining = true;
        stopWatchingTls();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await closeAll();
      })();
      return closing;
    },
  };
}
