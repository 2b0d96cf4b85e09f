/**
 * DNS rebinding and cross-origin writes, refused at the edge, before Express and before the fast
 * /api/verify path: every request, static files, SSE and /metrics included, must name one of the
 * service's own hosts in `Host`; every state-changing request (POST, PUT, PATCH, DELETE) that
 * carries an `Origin` must come from one of the service's own origins. Otherwise 403
 * problem+json HOST_NOT_ALLOWED / ORIGIN_NOT_ALLOWED.
 *
 * Why: a page in the desk PC's browser can rebind its own name to 127.0.0.1 and then call this
 * API as "same origin" (and lock the desk's accounts with failed logins); its requests still say
 * `Host: evil.example`. The session cookie is SameSite=Strict, but "site" ignores the port, so a
 * page served by any other program on localhost is same-site: its writes are refused by Origin.
 *
 * Own hosts: the loopback names (localhost, 127.0.0.1, [::1]) on any port, the listen address
 * when it is a specific one (KIOSK_HOST=10.0.5.20), and KIOSK_PUBLIC_HOSTS (a name alone: any
 * port; name:port: that port). Own origins: http(s)://<own host>, where a host without a port of
 * its own must use the port this service listens on (the loopback names always do).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOPBACK_HOST_NAMES, listenHostName, parseHostName, type HostName } from '../lib/listen-address.js';
import { sendProblem } from '../web/problem.js';
import { applySecurityHeaders } from './security-headers.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Allowed Host values remembered verbatim (only allowed ones: a flood of others cannot fill it). */
const SEEN_MAX = 64;

export interface HostPolicy {
  /** Is this Host header one of ours? */
  hostAllowed(host: string | undefined): boolean;
  /** Is this Origin header one of ours? */
  originAllowed(origin: string): boolean;
}

/**
 * The policy of one service. `port()` is the port it listens on (known once it listens; tests use
 * port 0).
 */
export function hostPolicy(opts: { listenHost: string; publicHosts: readonly string[]; port: () => number }): HostPolicy {
  const anyPort = new Set<string>(LOOPBACK_HOST_NAMES);
  const own = listenHostName(opts.listenHost);
  if (own !== undefined) anyPort.add(own);
  const pinned = new Set<string>();
  const publicAnyPort = new Set<string>();
  for (const entry of opts.publicHosts) {
    const h = parseHostName(entry);
    if (!h) continue; // config refused it already
    if (h.port === undefined) publicAnyPort.add(h.name);
    else pinned.add(`${h.name}:${h.port}`);
  }
  const seen = new Set<string>();
  const hostOk = (h: HostName): boolean =>
    anyPort.has(h.name) || publicAnyPort.has(h.name) || (h.port !== undefined && pinned.has(`${h.name}:${h.port}`));
  return {
    hostAllowed(host) {
      if (host === undefined || host.length > 300) return false;
      // The hot path (/api/verify) sees the same one or two Host values all day: remember them.
      if (seen.has(host)) return true;
      const h = parseHostName(host);
      const ok = h !== undefined && hostOk(h);
      if (ok && seen.size < SEEN_MAX) seen.add(host);
      return ok;
    },
    originAllowed(origin) {
      if (origin.length > 300) return false;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false; // "null" (a sandboxed frame, a file: page) and anything else unparsable
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.username || url.password) return false;
      const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      const name = url.hostname; // lower-cased; IPv6 in brackets
      if (pinned.has(`${name}:${port}`)) return true;
      if (publicAnyPort.has(name)) return true;
      return anyPort.has(name) && port === opts.port();
    },
  };
}

/** Wraps the request listener: refuses a foreign Host (any request) or Origin (state-changing requests). */
export function withHostCheck(
  policy: HostPolicy,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!policy.hostAllowed(req.headers.host))
      return refuse(req, res, 'HOST_NOT_ALLOWED', 'This service does not answer to that host name.');
    const origin = req.headers.origin;
    if (origin !== undefined && UNSAFE_METHODS.has(req.method ?? '') && !policy.originAllowed(origin))
      return refuse(req, res, 'ORIGIN_NOT_ALLOWED', 'Requests from that origin are not accepted.');
    listener(req, res);
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, code: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED', detail: string): void {
  applySecurityHeaders(res, (req.url ?? '').startsWith('/api/'));
  // The body is not read: close the connection instead of draining an unknown upload.
  res.setHeader('Connection', 'close');
  req.resume();
  sendProblem(res, code, detail);
}
