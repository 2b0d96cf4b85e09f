/**
 * Who may read GET /metrics, the one rule of both services (the kiosk's KIOSK_METRICS_TOKEN, the
 * store's HISTORY_STORE_METRICS_TOKEN):
 *
 * - no token configured: loopback peers only (127.0.0.0/8, ::1, their IPv4-mapped forms); any
 *   other peer gets 404 NOT_FOUND, as if there were no such page;
 * - a token configured: `Authorization: Bearer <token>` from anyone, loopback included, and
 *   nothing without it (401 AUTH_REQUIRED, or AUTH_INVALID for a wrong token, with
 *   `WWW-Authenticate: Bearer realm="metrics"`). The token is compared in constant time and
 *   never echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendProblem } from './problem.js';

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of a bearer token (digests: equal lengths whatever was sent). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = authorization === undefined ? null : /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/** True when this request may read the metrics; otherwise its refusal has been sent. */
export function admitMetricsReader(req: IncomingMessage, res: ServerResponse, token: string | undefined): boolean {
  if (token === undefined) {
    if (isLoopback(req.socket.remoteAddress)) return true;
    sendProblem(res, 'NOT_FOUND', 'No such endpoint.');
    return false;
  }
  if (bearerMatches(req.headers.authorization, token)) return true;
  res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
  sendProblem(res, req.headers.authorization === undefined ? 'AUTH_REQUIRED' : 'AUTH_INVALID');
  return false;
}
