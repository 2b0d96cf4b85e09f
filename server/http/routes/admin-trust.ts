import { Router, type RequestHandler } from 'express';
import type { RefreshOutcome } from '../../trust/refresh/refresher.js';
import { requireJsonContent } from './session-auth.js';

/**
 * POST /api/admin/trust/refresh (admin role): refresh issuer keys and revocation lists now,
 * e.g. right after the agency announces a revocation. Answers with the outcome; a refused
 * update is a normal outcome (`ok: false`, `refusedBecause`), not an HTTP error: the request
 * itself was fine, the issuer's answer was not. Concurrent calls join the run in progress.
 *
 * The role check is passed in (`requireAdmin`, e.g. requireRole('admin')) so this module does
 * not depend on how sessions are implemented.
 */
export function adminTrustRoutes(deps: { refresher: { refreshNow(): Promise<RefreshOutcome> }; requireAdmin: RequestHandler }): Router {
  const r = Router();
  // JSON content type like every mutating endpoint (the CSRF rule in session-auth.ts).
  r.post('/api/admin/trust/refresh', deps.requireAdmin, requireJsonContent, async (_req, res) => {
    const outcome = await deps.refresher.refreshNow();
    res.set('Cache-Control', 'no-store').status(200).json(outcome);
  });
  return r;
}
