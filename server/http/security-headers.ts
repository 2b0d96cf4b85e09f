import type { ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';

/**
 * Headers for a kiosk that shows personal data: nothing cached, nothing framed, no referrer, and
 * a CSP that allows only our own scripts plus WebAssembly (the QR decoder is ZXing compiled to
 * wasm and served from this server, never a CDN).
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(self), microphone=(), geolocation=()'],
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  ],
]);

/**
 * Over HTTPS (KIOSK_TLS_CERT_FILE): browsers that saw this once use HTTPS only for a year, so a
 * desk is not talked down to plain HTTP on the hospital network. Never sent over plain HTTP
 * (RFC 6797: ignored there, and it would be a lie).
 */
export const HSTS = 'max-age=31536000';

/** Sets the security headers; API responses are also never cached. */
export function applySecurityHeaders(res: ServerResponse, isApi: boolean): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  if ((res.req?.socket as TLSSocket | undefined)?.encrypted === true) res.setHeader('Strict-Transport-Security', HSTS);
  if (isApi) res.setHeader('Cache-Control', 'no-store');
}

export const securityHeaders: RequestHandler = (req, res, next) => {
  applySecurityHeaders(res, req.path.startsWith('/api/'));
  next();
};
