/**
 * The operating endpoints, for systemd, a monitoring system and the clinic's IT person:
 *
 * - GET /api/health: liveness. 200 while the process serves HTTP at all; nothing else is asked.
 * - GET /api/ready: readiness. 200 when the database takes a write lock and the trust store is
 *   loaded and not stale (and the service is not draining); else 503 naming the failed checks.
 * - GET /metrics: Prometheus text (server/metrics/). Loopback peers only, unless
 *   KIOSK_METRICS_TOKEN is set: then `Authorization: Bearer <token>` from anyone, and nothing
 *   without it. A LAN peer without a configured token gets 404, as if there were no such page
 *   (server/web/metrics-access.ts, shared with the store).
 *
 * None of them carries personal data, so none needs a session.
 */
import { Router } from 'express';
import type { KioskMetrics } from '../../metrics/kiosk-metrics.js';
import { admitMetricsReader } from '../../web/metrics-access.js';

export { isLoopback } from '../../web/metrics-access.js';

/** One readiness check: `ok`, or the code of what is wrong (DATABASE_UNWRITABLE, TRUST_STALE …). */
export type ReadinessCheck = { name: string; check(): Promise<string> | string };

export interface OpsDeps {
  metrics: KioskMetrics;
  metricsToken: string | undefined;
  readiness: readonly ReadinessCheck[];
  /** True once shutdown began: not ready any more (the load balancer stops sending). */
  draining(): boolean;
}

export const OK = 'ok';

export function opsRoutes(deps: OpsDeps): Router {
  const r = Router();
  r.get('/api/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'up' });
  });
  r.get('/api/ready', async (_req, res) => {
    const checks: Record<string, string> = {};
    for (const c of deps.readiness) {
      try {
        checks[c.name] = await c.check();
      } catch {
        checks[c.name] = 'CHECK_FAILED';
      }
    }
    if (deps.draining()) checks.service = 'DRAINING';
    const ready = Object.values(checks).every((v) => v === OK);
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  r.get('/metrics', async (req, res) => {
    // The one rule of both services (server/web/metrics-access.ts).
    if (!admitMetricsReader(req, res, deps.metricsToken)) return;
    const body = await deps.metrics.render();
    res.status(200).set('Cache-Control', 'no-store').type(deps.metrics.contentType).send(body);
  });
  return r;
}
