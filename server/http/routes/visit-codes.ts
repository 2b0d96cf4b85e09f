import { Router, type RequestHandler } from 'express';
import { rejectUnknownParams } from '../../audit/filters.js';
import { visitCodesOn } from '../../check-in-record/visit-codes.js';
import type { Clock } from '../../clock.js';
import { AppError, queryField } from '../../errors.js';
import { isIsoDate } from '../../lib/iso-date.js';
import { ROLES, type Role } from '../../users/types.js';
import type { VisitCodeTable } from '../../wire/check-in-report.js';

/**
 * GET /api/visit-codes?date=YYYY-MM-DD (any signed-in user): the visit categories
 * (MA_DOITUONG_KCB) and visit types (MA_LOAI_KCB) valid on that Vietnam day (default: today, by
 * the injected clock), and the default visit type. The desk offers them before a check-in.
 */
export function visitCodeRoutes(deps: { clock: Clock; requireRole: (...roles: Role[]) => RequestHandler }): Router {
  const r = Router();
  r.get('/api/visit-codes', deps.requireRole(...ROLES), (req, res) => {
    const q = req.query as Record<string, unknown>;
    rejectUnknownParams(q, ['date']);
    const date = q.date;
    if (date !== undefined && !(typeof date === 'string' && isIsoDate(date))) {
      throw new AppError('QUERY_INVALID', 'Query parameter "date" must be a day written YYYY-MM-DD.', queryField('date'));
    }
    const table: VisitCodeTable = visitCodesOn(date ?? deps.clock.now());
    res.set('Cache-Control', 'no-store').json(table);
  });
  return r;
}
