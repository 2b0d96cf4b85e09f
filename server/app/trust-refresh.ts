/**
 * Wires the trust lifecycle: the refresher of issuer keys / revocation lists on its schedule,
 * the trust file's watcher (a changed file is reloaded while the service runs; a refresh request
 * reads it again first), the demo trust's daily renewal (only on the data folder's demo trust),
 * and POST /api/admin/trust/refresh for admins (docs/trust-lifecycle.md).
 */
import type { RequestHandler } from 'express';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import { adminTrustRoutes } from '../http/routes/admin-trust.js';
import type { Logger } from '../logger.js';
import { trustCachePath, type StartupTrust } from '../trust/refresh/cache-file.js';
import { TrustRefresher } from '../trust/refresh/refresher.js';
import { isDemoTrustFile, renewDemoTrust } from '../issuer/demo-state.js';
import { DemoTrustRenewer } from '../trust/demo-trust-renewer.js';
import { TrustFileWatcher } from '../trust/trust-file-watcher.js';
import type { TrustHolder } from '../trust/trust-holder.js';
import type { Closable, FeatureParts } from './feature.js';

export function startTrustRefresh(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  trust: TrustHolder;
  startup: StartupTrust;
  /** The trust file in use, when not the configured one (the demo trust in the data folder). */
  trustFile?: string;
  /** requireRole('admin'). */
  requireAdmin: RequestHandler;
}): FeatureParts {
  const watcher = new TrustFileWatcher({
    trustFile: deps.trustFile ?? deps.config.trustFile,
    cacheFile: trustCachePath(deps.config.dataDir),
    holder: deps.trust,
    clock: deps.clock,
    logger: deps.logger,
    baseDigests: deps.startup.baseDigests,
  });
  watcher.start();
  const closables: Closable[] = [watcher];
  const trustFile = deps.trustFile ?? deps.config.trustFile;
  if (isDemoTrustFile(trustFile, deps.config.dataDir)) {
    // The demo trust is ours to keep current while the service runs (never a real trust file).
    const renewer = new DemoTrustRenewer({
      clock: deps.clock,
      logger: deps.logger,
      confirmedAt: () => deps.trust.current.crlCheckedAt,
      renew: (now) => renewDemoTrust(deps.config.dataDir, now),
      reload: () => watcher.reload(),
    });
    renewer.start();
    closables.push(renewer);
  }
  const refresher = new TrustRefresher({
    reloadFile: () => watcher.reload(),
    holder: deps.trust,
    clock: deps.clock,
    logger: deps.logger,
    cacheFile: trustCachePath(deps.config.dataDir),
    baseDigests: deps.startup.baseDigests,
    etags: deps.startup.etags,
  });
  refresher.start({ intervalMs: deps.config.trustRefreshSec * 1000, random: deps.random });
  closables.push(refresher);
  return { routers: [adminTrustRoutes({ refresher, requireAdmin: deps.requireAdmin })], closables };
}
