/**
 * Wires the trust lifecycle: the refresher of issuer keys / revocation lists on its schedule,
 * and POST /api/admin/trust/refresh for admins (docs/trust-lifecycle.md).
 */
import type { RequestHandler } from 'express';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import { adminTrustRoutes } from '../http/routes/admin-trust.js';
import type { Logger } from '../logger.js';
import { trustCachePath, type StartupTrust } from '../trust/refresh/cache-file.js';
import { TrustRefresher } from '../trust/refresh/refresher.js';
import type { TrustHolder } from '../trust/trust-holder.js';
import type { FeatureParts } from './feature.js';

export function startTrustRefresh(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  trust: TrustHolder;
  startup: StartupTrust;
  /** requireRole('admin'). */
  requireAdmin: RequestHandler;
}): FeatureParts {
  const refresher = new TrustRefresher({
    holder: deps.trust,
    clock: deps.clock,
    logger: deps.logger,
    cacheFile: trustCachePath(deps.config.dataDir),
    baseDigests: deps.startup.baseDigests,
    etags: deps.startup.etags,
  });
  refresher.start({ intervalMs: deps.config.trustRefreshSec * 1000, random: deps.random });
  return { routers: [adminTrustRoutes({ refresher, requireAdmin: deps.requireAdmin })], closables: [refresher] };
}
