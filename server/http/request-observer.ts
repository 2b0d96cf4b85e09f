/**
 * One log line and one count per HTTP request, around the whole request listener (so the fast
 * /api/verify path, served before Express, is seen too). What is recorded: the method, the
 * route *template* (`/api/card-checks/:id`, never the raw URL: no ids, no query strings), the
 * status and the duration. Never a header, a body, a query or a peer's address.
 *
 * Polling endpoints (/api/health, /api/ready, /metrics, /api/status) are logged at debug level
 * so a monitor scraping every few seconds does not bury the day's log; they are counted all the
 * same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { boundedMethod, type KioskMetrics } from '../metrics/kiosk-metrics.js';

const VERIFY_ROUTE = '/api/verify';
const POLLED = new Set(['/api/health', '/api/ready', '/metrics', '/api/status']);

/** The matched Express route's template, or a closed label for what no route matched. */
export function routeTemplate(req: IncomingMessage, status: number): string {
  const matched = (req as { route?: { path?: unknown } }).route?.path;
  const base = (req as { baseUrl?: unknown }).baseUrl;
  if (typeof matched === 'string') return (typeof base === 'string' ? base : '') + matched;
  const path = (req.url ?? '').split('?')[0]!;
  if (req.method === 'POST' && (path === VERIFY_ROUTE || path === VERIFY_ROUTE + '/')) return VERIFY_ROUTE;
  if (path.startsWith('/api/')) return '(unmatched api)';
  return status < 400 ? '(ui)' : '(unmatched)';
}

export function observeRequests(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { logger: Logger; metrics: KioskMetrics; monotonic?: () => number },
): (req: IncomingMessage, res: ServerResponse) => void {
  const monotonic = deps.monotonic ?? (() => performance.now());
  return (req, res) => {
    const start = monotonic();
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = (monotonic() - start) / 1000;
      const status = aborted && !res.writableFinished ? 499 : res.statusCode;
      const route = routeTemplate(req, status);
      const method = boundedMethod(req.method);
      deps.metrics.httpRequests.inc({ method, route, status: String(status) });
      deps.metrics.httpDuration.observe({ method, route }, seconds);
      if (route === VERIFY_ROUTE) deps.metrics.verifyDuration.observe({ status: String(status) }, seconds);
      const fields = { code: 'HTTP_REQUEST', method, route, status, ms: Math.round(seconds * 10_000) / 10 };
      if (POLLED.has(route)) deps.logger.debug('request', fields);
      else if (status >= 500) deps.logger.warn('request', fields);
      else deps.logger.info('request', fields);
    };
    res.once('finish', () => finish(false));
    res.once('close', () => finish(true));
    listener(req, res);
  };
}
