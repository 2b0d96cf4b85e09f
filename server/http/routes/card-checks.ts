import { Router, type RequestHandler } from 'express';
import { parseCardCheckBody, parseWaitMs } from '../../card-checks/request.js';
import type { CardCheckService } from '../../card-checks/service.js';
import { proposeForResult } from '../../check-in-record/visit-codes.js';
import type { Role } from '../../users/types.js';
import type { CardCheckView } from '../../wire/card-check.js';
import { currentUser, requireJsonContent } from './session-auth.js';

/**
 * The desk's online card check (receptionist):
 *   POST /api/card-checks?wait=S {qr} | {manual}  → 200 {id, result, portal}
 *   GET  /api/card-checks/{id}?wait=S             → the same check (the caller's own), waiting up to S s
 * The answer comes as soon as the portal answered or the wait passed (`portal.state` pending:
 * ask again). Refusals are CardCheckError problems (server/wire/problem-codes.ts).
 */
export function cardCheckRoutes(deps: {
  cardChecks: CardCheckService;
  requireRole: (...roles: Role[]) => RequestHandler;
  /** This kiosk's facility: with it, answers carry the proposed visit category (`proposedVisitCategory`). */
  facility?: string;
}): Router {
  const r = Router();
  const withProposal = (view: CardCheckView): CardCheckView => {
    const proposed = proposeForResult(view.result, deps.facility);
    return proposed === undefined ? view : { ...view, proposedVisitCategory: proposed };
  };
  const receptionist = deps.requireRole('receptionist');
  r.post('/api/card-checks', receptionist, requireJsonContent, async (req, res) => {
    const input = parseCardCheckBody(req.body);
    const waitMs = parseWaitMs(req.query);
    res.set('Cache-Control', 'no-store').json(withProposal(await deps.cardChecks.start(input, currentUser(res), { waitMs })));
  });
  r.get('/api/card-checks/:id', receptionist, async (req, res) => {
    const waitMs = parseWaitMs(req.query);
    const operator = currentUser(res);
    res.set('Cache-Control', 'no-store').json(withProposal(await deps.cardChecks.get(String(req.params.id), { waitMs, operator })));
  });
  return r;
}
