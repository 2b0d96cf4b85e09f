import { Router } from 'express';
import type { VerifyService } from '../../verification/verify-service.js';
import { rejectUnknownFields, requireJsonObject, requireString } from '../validate.js';

/** Longest `qr` accepted in a request; longer scans are no card (the verifier caps it lower). */
export const MAX_QR_FIELD = 8192;

/**
 * POST /api/verify {"qr": "..."} → 200 with the verification result for any card, good or bad.
 * Only a malformed request is an error. Verifying needs no session: it records nothing and
 * shows only what the patient's own phone already shows.
 */
export function verifyRoutes(verifier: VerifyService): Router {
  const r = Router();
  r.post('/api/verify', async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['qr']);
    const qr = requireString(body, 'qr', { max: MAX_QR_FIELD });
    res.json(await verifier.verifyAsync(qr));
  });
  return r;
}
