import { Router, type RequestHandler } from 'express';
import { AppError, queryField } from '../../errors.js';
import type { Role } from '../../users/types.js';
import type { VisitRepository } from '../../visits/visit-repo.js';
import { toVisit } from '../../visits/visit-view.js';

export const RECENT_DEFAULT = 20;
export const RECENT_MAX = 100;

/** GET /api/visits/recent?limit= (receptionist): this desk's latest visits, newest first. */
export function visitRoutes(deps: {
  visits: VisitRepository;
  facility: string;
  deskId: string;
  requireRole: (...roles: Role[]) => RequestHandler;
}): Router {
  const r = Router();
  r.get('/api/visits/recent', deps.requireRole('receptionist'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    for (const k of Object.keys(q))
      if (k !== 'limit') throw new AppError('QUERY_UNKNOWN', `Unknown query parameter "${k.slice(0, 40)}".`, queryField(k.slice(0, 40)));
    let limit = RECENT_DEFAULT;
    if (q.limit !== undefined) {
      if (typeof q.limit !== 'string' || !/^\d{1,3}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > RECENT_MAX) {
        throw new AppError('QUERY_INVALID', `"limit" must be 1–${RECENT_MAX}.`, queryField('limit'));
      }
      limit = Number(q.limit);
    }
    const rows = await deps.visits.recentAtDesk(deps.facility, deps.deskId, limit);
    res.json({ items: rows.map((row) => toVisit(row, { audit: false })) });
  });
  return r;
}
