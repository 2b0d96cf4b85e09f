/**
 * POST /api/admin/sync/parked/{visitId}/requeue
 * POST /api/admin/check-in-records/parked/{visitId}/requeue      (admin role)
 *
 * Puts a parked item back in its destination's queue once the cause is fixed (the store's
 * refusal explained, the portal's 205 corrected at the agency): the worker is woken and sends it
 * again, with the same idempotency key (the visit id), so the destination still sees it once.
 * The attempt history is kept; the action is logged with the admin's username. 404 NOT_PARKED
 * when the visit has no parked item there (unknown, pending, or sent already).
 */
import { Router, type RequestHandler } from 'express';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { UUIDV7_RE } from '../../visits/uuidv7.js';
import { currentUser, requireJsonContent } from './session-auth.js';

export interface RequeueTarget {
  requeueParked(visitId: string): Promise<boolean>;
  wake(): void;
}

export function adminOutboxRoutes(deps: {
  /** The destination's path segment: `sync` or `check-in-records`. */
  destination: 'sync' | 'check-in-records';
  target: RequeueTarget;
  requireAdmin: RequestHandler;
  logger: Logger;
}): Router {
  const r = Router();
  r.post(`/api/admin/${deps.destination}/parked/:visitId/requeue`, deps.requireAdmin, requireJsonContent, async (req, res) => {
    const visitId = String(req.params.visitId);
    if (!UUIDV7_RE.test(visitId))
      throw new AppError('FIELD_INVALID', 'The visit id is not one of this kiosk’s (a UUIDv7).', { field: 'visitId' });
    if (!(await deps.target.requeueParked(visitId))) {
      throw new AppError('NOT_PARKED', 'That visit has no parked item here (unknown, waiting, or sent already).');
    }
    deps.target.wake();
    deps.logger.info('parked item requeued by an admin', {
      code: 'OUTBOX_REQUEUED',
      destination: deps.destination,
      visitId,
      admin: currentUser(res).username,
    });
    res.set('Cache-Control', 'no-store').json({ requeued: true, visitId });
  });
  return r;
}
