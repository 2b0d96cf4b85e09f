import { Router, type RequestHandler } from 'express';
import { parseRecentLimit, rejectUnknownParams } from '../../audit/filters.js';
import type { Role } from '../../users/types.js';
import type { VisitQueries } from '../../visits/visit-queries.js';
import { toVisit } from '../../visits/visit-view.js';
import type { RecentVisits } from '../../wire/visit.js';

/** GET /api/visits/recent?limit= (receptionist): this desk's latest visits, newest first. */
export function visitRoutes(deps: {
  visits: VisitQueries;
  facility: string;
  deskId: string;
  requireRole: (...roles: Role[]) => RequestHandler;
}): Router {
  const r = Router();
  r.get('/api/visits/recent', deps.requireRole('receptionist'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    rejectUnknownParams(q, ['limit']);
    const limit = parseRecentLimit(q);
    const rows = await deps.visits.recentAtDesk(deps.facility, deps.deskId, limit);
    res.json({ items: rows.map((row) => toVisit(row, { audit: false })) } satisfies RecentVisits);
  });
  return r;
}
