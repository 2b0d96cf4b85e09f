/**
 * Wires the online card check (server/card-checks/, server/portal/; portal.md): the portal
 * client from the configuration (none when KIOSK_PORTAL_URL is unset: every check is then `off`
 * and the kiosk behaves as it did without a portal), the card-check stores (a check's life, the
 * auditor's search, the re-checks) and service (this facility and desk), the re-check worker (only with a client), the receptionist's routes
 * (POST /api/card-checks, GET /api/card-checks/{id}), and `portal` in /api/status with its
 * warnings (PORTAL_DOWN, PORTAL_CONFIG). Start: the checks a previous run left pending are
 * recorded as unavailable, then the worker starts. Shutdown: the worker, then the service (its
 * checks in flight are aborted and recorded), before the database closes.
 */
import type { RequestHandler } from 'express';
import { CardCheckQueries } from '../card-checks/card-check-queries.js';
import { CardCheckRepository } from '../card-checks/card-check-repo.js';
import { RecheckRepository } from '../card-checks/recheck-repo.js';
import { RecheckWorker } from '../card-checks/recheck-worker.js';
import { CardCheckService } from '../card-checks/service.js';
import type { Sleep } from '../lib/sleep.js';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { cardCheckRoutes } from '../http/routes/card-checks.js';
import type { Logger } from '../logger.js';
import { PortalClient } from '../portal/client.js';
import type { Role } from '../users/types.js';
import type { VerifyService } from '../verification/verify-service.js';
import type { PortalStatus } from '../wire/status.js';
import type { FeatureParts } from './feature.js';

/** Injected waits and transport (tests: no real time, no real network beyond loopback). */
export interface CardCheckHooks {
  fetchImpl?: typeof fetch;
  /** The portal client's retry waits. */
  clientSleep?: Sleep;
  /** The desk's `?wait=S`. */
  waitSleep?: Sleep;
  /** The re-check worker's idle and backoff waits. */
  recheckSleep?: Sleep;
}

export interface CardChecksModule extends FeatureParts {
  service: CardCheckService;
  repo: CardCheckRepository;
  queries: CardCheckQueries;
  rechecks: RecheckRepository;
  client: PortalClient | undefined;
  worker: RecheckWorker | undefined;
}

export async function startCardChecks(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  db: Database;
  verifier: VerifyService;
  requireRole: (...roles: Role[]) => RequestHandler;
  hooks?: CardCheckHooks;
}): Promise<CardChecksModule> {
  const { config, clock, random, logger, hooks = {} } = deps;
  let client: PortalClient | undefined;
  if (config.portalUrl !== undefined && config.portalUser !== undefined && config.portalPassword !== undefined) {
    client = new PortalClient(
      {
        url: config.portalUrl,
        user: config.portalUser,
        password: config.portalPassword,
        timeoutMs: config.portalTimeoutSec * 1000,
        check: config.portalCheck,
      },
      {
        clock,
        random,
        logger,
        ...(hooks.fetchImpl ? { fetchImpl: hooks.fetchImpl } : {}),
        ...(hooks.clientSleep ? { sleep: hooks.clientSleep } : {}),
      },
    );
    logger.info('online card check is on', { code: 'PORTAL_ON', portal: new URL(config.portalUrl).origin, check: config.portalCheck });
  } else {
    logger.info('online card check is off (KIOSK_PORTAL_URL unset)', { code: 'PORTAL_OFF' });
  }
  const repo = new CardCheckRepository(deps.db);
  const queries = new CardCheckQueries(deps.db);
  const rechecks = new RecheckRepository(deps.db);
  const service = new CardCheckService({
    repo,
    verifier: deps.verifier,
    client,
    clock,
    random,
    logger,
    facility: config.facility,
    deskId: config.deskId,
    checkInWindowMs: config.cardCheckWindowSec * 1000,
    ...(hooks.waitSleep ? { sleep: hooks.waitSleep } : {}),
  });
  await service.init();
  const worker = client
    ? new RecheckWorker({
        source: rechecks,
        repo,
        rechecks,
        client,
        clock,
        random,
        logger,
        ...(hooks.recheckSleep ? { sleep: hooks.recheckSleep } : {}),
      })
    : undefined;
  worker?.start();

  const status = async (): Promise<PortalStatus> => {
    const s = service.status();
    const c = client?.status();
    return {
      enabled: client !== undefined,
      state: s.portal,
      ...(c ? { checkMode: c.checkMode, configProblem: c.configProblem } : {}),
      inFlight: s.inFlight,
      lastAnswer: s.lastAnswer,
      recent: s.recent,
      awaitingRecheck: await rechecks.countAwaitingRecheck(),
      ...(worker ? { recheck: worker.status() } : {}),
    };
  };
  const warnings = (): string[] => {
    const state = service.status().portal;
    return state === 'down' ? ['PORTAL_DOWN'] : state === 'misconfigured' ? ['PORTAL_CONFIG'] : [];
  };

  return {
    service,
    repo,
    queries,
    rechecks,
    client,
    worker,
    routers: [cardCheckRoutes({ cardChecks: service, requireRole: deps.requireRole, facility: config.facility })],
    statusSections: [{ name: 'portal', get: status, warnings }],
    closables: [
      {
        async close() {
          await worker?.close();
          await service.close();
        },
      },
    ],
  };
}
