import type { IncomingMessage, ServerResponse } from 'node:http';
import { proposeForResult } from '../../check-in-record/visit-codes.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { VerifyService } from '../../verification/verify-service.js';
import { BODY_LIMIT_BYTES, readJsonBody } from '../../web/json-body.js';
import { sendError } from '../../web/problem.js';
import { applySecurityHeaders } from '../security-headers.js';
import type { AddressBuckets } from '../verify-limit.js';
import { rejectUnknownFields, requireJsonObject, requireString } from '../../web/validate.js';

/** Longest `qr` accepted in a request; longer scans are no card (the verifier caps it lower). */
export const MAX_QR_FIELD = 8192;

/**
 * POST /api/verify {"qr": "..."} → 200 with the verification result for any card, good or bad.
 * Only a malformed request is an error. Verifying needs no session: it records nothing and
 * shows only what the patient's own phone already shows. On a network listener an anonymous
 * caller is limited per address (429 VERIFY_RATE_LIMITED with Retry-After; see AnonymousVerifyLimit).
 *
 * Why this one endpoint is served before Express: it is the kiosk's hot path (every scan, and
 * integrations batch-checking exports), it is stateless, and profiling showed Express's
 * per-request machinery (router, body-parser, response helpers) costing several times the
 * verification itself on this hardware (docs/performance.md). It uses the same validation,
 * security headers, problem+json rendering and verifier as the rest of the service; only the
 * dispatch differs. Everything else goes to the Express app.
 */
export function withFastVerify(
  verifier: VerifyService,
  logger: Logger,
  app: (req: IncomingMessage, res: ServerResponse) => void,
  limit?: AnonymousVerifyLimit,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'POST' || !isVerifyPath(req.url)) return app(req, res);
    applySecurityHeaders(res, true);
    (limit ? limited(req, res, verifier, limit) : handleVerify(req, res, verifier)).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err, logger, '/api/verify');
    });
  };
}

/**
 * On a network listener (KIOSK_HOST not loopback), anonymous verifies are limited per client
 * address (server/http/verify-limit.ts); a request with a live session is not. Absent on loopback.
 */
export interface AnonymousVerifyLimit {
  buckets: AddressBuckets;
  /** Whether the request carries a live session (any role). */
  signedIn(req: IncomingMessage): Promise<boolean>;
}

async function limited(req: IncomingMessage, res: ServerResponse, verifier: VerifyService, limit: AnonymousVerifyLimit): Promise<void> {
  if (!(await limit.signedIn(req))) {
    const waitMs = limit.buckets.take(req.socket.remoteAddress ?? 'unknown');
    if (waitMs > 0) {
      req.resume();
      const retryAfterSec = Math.max(1, Math.ceil(waitMs / 1000));
      res.setHeader('Retry-After', String(retryAfterSec));
      throw new AppError('VERIFY_RATE_LIMITED', 'Too many card checks from this address; sign in or wait.', { retryAfterSec });
    }
  }
  await handleVerify(req, res, verifier);
}

function isVerifyPath(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith('/api/verify')) return false;
  const rest = url.slice('/api/verify'.length);
  return rest === '' || rest === '/' || rest.startsWith('?');
}

async function handleVerify(req: IncomingMessage, res: ServerResponse, verifier: VerifyService): Promise<void> {
  const body = requireJsonObject(await readJsonBody(req, BODY_LIMIT_BYTES));
  rejectUnknownFields(body, ['qr']);
  const qr = requireString(body, 'qr', { max: MAX_QR_FIELD });
  const result = await verifier.verifyAsync(qr);
  // The desk preselects this visit category (registered here → 1.1); the receptionist confirms it.
  const proposed = proposeForResult(result, verifier.policy.facility);
  const json = JSON.stringify(proposed === undefined ? result : { ...result, proposedVisitCategory: proposed });
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
