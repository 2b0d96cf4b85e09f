/**
 * One log line and one observation per HTTP request, for both services. What is recorded: the
 * method (a closed set), the route *template* (`/v1/patients/:maSoBhxh/visits`, never the raw
 * URL: no ids, no mã số BHXH, no query strings), the status and the duration. Never a header, a
 * body, a query or a peer's address.
 *
 * Each service says how a request is named (`route`: the matched Express route, else its own
 * closed labels), which routes are polled (health, readiness, metrics: logged at debug so a
 * monitor scraping every few seconds does not bury the day's log; observed all the same) and
 * what it counts (`onObserved`: its metrics).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The request method as a metric label: one of the usual methods, else `OTHER`. */
export const boundedMethod = (m: string | undefined) => (m !== undefined && METHODS.has(m) ? m : 'OTHER');

/** The template of the Express route that answered (with its router's mount path), if one did. */
export function matchedRoute(req: IncomingMessage): string | undefined {
  const matched = (req as { route?: { path?: unknown } }).route?.path;
  const base = (req as { baseUrl?: unknown }).baseUrl;
  return typeof matched === 'string' ? (typeof base === 'string' ? base : '') + matched : undefined;
}

/** The request's path without its query string. */
export const pathOf = (req: IncomingMessage): string =>
  (((req as { originalUrl?: unknown }).originalUrl as string | undefined) ?? req.url ?? '').split('?')[0]!;

export interface ObservedRequest {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface RequestObserverDeps {
  logger: Logger;
  /** The route template of an answered request (a closed label for what no route matched). */
  route(req: IncomingMessage, status: number): string;
  /** Route templates logged at debug. */
  polled: ReadonlySet<string>;
  onObserved(o: ObservedRequest): void;
  monotonic?: () => number;
}

/** Starts observing one request: logged and counted once, when answered or abandoned (status 499). */
export function observeRequest(req: IncomingMessage, res: ServerResponse, deps: RequestObserverDeps): void {
  const monotonic = deps.monotonic ?? (() => performance.now());
  const start = monotonic();
  let done = false;
  const finish = (aborted: boolean) => {
    if (done) return;
    done = true;
    const seconds = (monotonic() - start) / 1000;
    const status = aborted && !res.writableFinished ? 499 : res.statusCode;
    const route = deps.route(req, status);
    const method = boundedMethod(req.method);
    deps.onObserved({ method, route, status, seconds });
    const fields = { code: 'HTTP_REQUEST', method, route, status, ms: Math.round(seconds * 10_000) / 10 };
    if (deps.polled.has(route)) deps.logger.debug('request', fields);
    else if (status >= 500) deps.logger.warn('request', fields);
    else deps.logger.info('request', fields);
  };
  res.once('finish', () => finish(false));
  res.once('close', () => finish(true));
}

/** A request listener that observes every request it serves. */
export function observeRequests(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  deps: RequestObserverDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    observeRequest(req, res, deps);
    listener(req, res);
  };
}
