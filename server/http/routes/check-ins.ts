import { Router, type RequestHandler } from 'express';
import { AppError } from '../../errors.js';
import type { Role } from '../../users/types.js';
import {
  IDEMPOTENCY_KEY_RE,
  REVIEW_NOTE_MAX,
  VISIT_CATEGORY_RE,
  VISIT_TYPE_RE,
  type CheckInService,
} from '../../visits/check-in-service.js';
import { optionalBoolean, optionalString, rejectUnknownFields, requireJsonObject, requireString } from '../../web/validate.js';
import { MAX_QR_FIELD } from './verify.js';
import { currentUser, requireJsonContent } from './session-auth.js';

/**
 * POST /api/check-ins {qr | cardCheckId, visitType?, visitCategory?, reviewNote?, giveUpOnPortal?} (receptionist; header
 * Idempotency-Key optional). With `qr` the server re-verifies the card (the browser's verdict is
 * never trusted); with `cardCheckId` it takes the server's own card check (POST /api/card-checks).
 */
export function checkInRoutes(deps: { checkIns: CheckInService; requireRole: (...roles: Role[]) => RequestHandler }): Router {
  const r = Router();
  r.post('/api/check-ins', deps.requireRole('receptionist'), requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['qr', 'cardCheckId', 'visitType', 'visitCategory', 'reviewNote', 'giveUpOnPortal']);
    const byCheck = body.cardCheckId !== undefined;
    if (byCheck && body.qr !== undefined) {
      throw new AppError('FIELD_INVALID', 'Send exactly one of "qr" and "cardCheckId".', { field: 'cardCheckId' });
    }
    const qr = byCheck ? undefined : requireString(body, 'qr', { max: MAX_QR_FIELD, min: 1 });
    const cardCheckId = byCheck ? requireString(body, 'cardCheckId', { max: 64, min: 1 }) : undefined;
    const visitType = optionalString(body, 'visitType', { max: 2 });
    if (visitType !== undefined && !VISIT_TYPE_RE.test(visitType)) {
      throw new AppError('FIELD_INVALID', '"visitType" must be a portal visit-type code such as "01".', { field: 'visitType' });
    }
    // Shape here; whether the code is valid on the day is the service's (the table has validity dates).
    const visitCategory = optionalString(body, 'visitCategory', { max: 5 });
    if (visitCategory !== undefined && !VISIT_CATEGORY_RE.test(visitCategory)) {
      throw new AppError('FIELD_INVALID', '"visitCategory" must be a visit-category code such as "1.1".', { field: 'visitCategory' });
    }
    const reviewNote = optionalString(body, 'reviewNote', { max: REVIEW_NOTE_MAX });
    const giveUpOnPortal = optionalBoolean(body, 'giveUpOnPortal');
    if (giveUpOnPortal !== undefined && !byCheck) {
      throw new AppError('FIELD_INVALID', '"giveUpOnPortal" goes with "cardCheckId".', { field: 'giveUpOnPortal' });
    }
    const keyHeader = req.get('Idempotency-Key');
    if (keyHeader !== undefined && !IDEMPOTENCY_KEY_RE.test(keyHeader)) {
      throw new AppError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1–128 visible ASCII characters.');
    }
    const out = await deps.checkIns.checkIn(currentUser(res), {
      ...(qr !== undefined ? { qr } : {}),
      ...(cardCheckId !== undefined ? { cardCheckId } : {}),
      ...(visitType !== undefined ? { visitType } : {}),
      ...(visitCategory !== undefined ? { visitCategory } : {}),
      ...(reviewNote !== undefined ? { reviewNote } : {}),
      ...(giveUpOnPortal !== undefined ? { giveUpOnPortal } : {}),
      ...(keyHeader !== undefined ? { idempotencyKey: keyHeader } : {}),
    });
    if (out.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(out.status).json(out.body);
  });
  return r;
}
