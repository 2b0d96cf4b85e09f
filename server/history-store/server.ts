/** Starts the medical-history store (used by main.ts and by in-process tests). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { createLogger, type Logger } from '../logger.js';
import { readVersion } from '../project-root.js';
import { ApiKeys } from './api-keys.js';
import { createHistoryStoreApp } from './app.js';
import type { HistoryStoreConfig } from './config.js';
import { FaultInjector } from './faults.js';
import { StoreMetrics } from './metrics.js';
import { PgVisitStore } from './pg-visit-store.js';
import { SqliteVisitStore } from './sqlite-visit-store.js';
import type { VisitStore } from './visit-store.js';

export interface RunningHistoryStore {
  url: string;
  port: number;
  store: VisitStore;
  /** This store's own metrics registry (GET /metrics renders it). */
  metrics: StoreMetrics;
  close(): Promise<void>;
}

export async function startHistoryStore(
  config: HistoryStoreConfig,
  opts: { clock?: Clock; logger?: Logger; keys?: ApiKeys } = {},
): Promise<RunningHistoryStore> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger({ level: config.logLevel ?? 'info' });
  const keys = opts.keys ?? ApiKeys.loadFile(config.keysFile);
  const store: VisitStore = config.databaseUrl
    ? await PgVisitStore.open(config.databaseUrl, { now: clock.now(), logger })
    : await SqliteVisitStore.open(config.dataDir, clock.now());
  if (config.faultPlan) {
    logger.warn('TEST FAULT PLAN ACTIVE: this store fails requests on purpose; never use it for real data', { code: 'FAULTS_INJECTED' });
  }
  const backend = config.databaseUrl ? 'postgres' : 'sqlite';
  // This instance's own registry (never prom-client's global one: tests run several stores).
  const metrics = new StoreMetrics({ version: readVersion(), backend });
  const app = createHistoryStoreApp({
    store,
    keys,
    clock,
    logger,
    metrics,
    metricsToken: config.metricsToken,
    ...(config.faultPlan ? { faults: new FaultInjector(config.faultPlan) } : {}),
  });
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 60_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info('medical-history store listening', { url, keys: keys.size, backend });
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    metrics,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Injected hangs never answer: drop those sockets rather than wait for them.
          if (config.faultPlan) server.closeAllConnections();
        });
        await store.close();
      })();
      return closing;
    },
  };
}
