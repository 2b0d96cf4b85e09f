/**
 * One log line and one count per HTTP request, around the whole request listener (so the fast
 * /api/verify path, served before Express, is seen too). The observation itself (method, route
 * *template* such as `/api/card-checks/:id`, never the raw URL: no ids, no query strings; status;
 * duration; never a header, a body, a query or a peer's address) is shared with the store
 * (server/web/request-observer.ts); here: the kiosk's names for what no route matched, its
 * polled endpoints and its metrics.
 *
 * Polling endpoints (/api/health, /api/ready, /metrics, /api/status) are logged at debug level
 * so a monitor scraping every few seconds does not bury the day's log; they are counted all the
 * same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { KioskMetrics } from '../metrics/kiosk-metrics.js';
import { matchedRoute, observeRequests as observeWith } from '../web/request-observer.js';

const VERIFY_ROUTE = '/api/verify';
const POLLED = new Set(['/api/health', '/api/ready', '/metrics', '/api/status']);

/** The matched Express route's template, or a closed label for what no route matched. */
export function routeTemplate(req: IncomingMessage, status: number): string {
  const matched = matchedRoute(req);
  if (matched !== undefined) return matched;
  const path = (req.url ?? '').split('?')[0]!;
  if (req.method === 'POST' && (path === VERIFY_ROUTE || path === VERIFY_ROUTE + '/')) return VERIFY_ROUTE;
  if (path.startsWith('/api/')) return '(unmatched api)';
  return status < 400 ? '(ui)' : '(unmatched)';
}

export function observeRequests(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { logger: Logger; metrics: KioskMetrics; monotonic?: () => number },
): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics } = deps;
  return observeWith(listener, {
    logger: deps.logger,
    route: routeTemplate,
    polled: POLLED,
    ...(deps.monotonic ? { monotonic: deps.monotonic } : {}),
    onObserved({ method, route, status, seconds }) {
      metrics.httpRequests.inc({ method, route, status: String(status) });
      metrics.httpDuration.observe({ method, route }, seconds);
      if (route === VERIFY_ROUTE) metrics.verifyDuration.observe({ status: String(status) }, seconds);
    },
  });
}
