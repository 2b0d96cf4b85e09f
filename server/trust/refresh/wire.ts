/**
 * Wiring of the trust lifecycle into the service (server/service.ts): the refresher on its
 * schedule, and the admin route when a role check is available.
 */
import type { RequestHandler, Router } from 'express';
import type { Clock, Random } from '../../clock.js';
import type { KioskConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { adminTrustRoutes } from '../../http/routes/admin-trust.js';
import type { TrustHolder } from '../trust-holder.js';
import { trustCachePath, type StartupTrust } from './cache-file.js';
import { TrustRefresher } from './refresher.js';

export function startTrustRefresh(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  trust: TrustHolder;
  startup: StartupTrust;
  /** e.g. requireRole('admin'); without it the admin route is not mounted. */
  requireAdmin?: RequestHandler;
}): { refresher: TrustRefresher; routers: Router[] } {
  const refresher = new TrustRefresher({
    holder: deps.trust,
    clock: deps.clock,
    logger: deps.logger,
    cacheFile: trustCachePath(deps.config.dataDir),
    baseDigests: deps.startup.baseDigests,
    etags: deps.startup.etags,
  });
  refresher.start({ intervalMs: deps.config.trustRefreshSec * 1000, random: deps.random });
  const routers = deps.requireAdmin ? [adminTrustRoutes({ refresher, requireAdmin: deps.requireAdmin })] : [];
  return { refresher, routers };
}
