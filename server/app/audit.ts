/**
 * Wires the auditor's API (/api/audit/*): the visit log's reads and integrity check, each
 * visit's sync state from the outbox and its re-check, and the card checks' reads.
 */
import type { RequestHandler } from 'express';
import type { CardCheckQueries } from '../card-checks/card-check-queries.js';
import type { RecheckRepository } from '../card-checks/recheck-repo.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { auditRoutes } from '../http/routes/audit.js';
import { listParked, syncStatesFor } from '../sync/outbox-repo.js';
import type { Role } from '../users/types.js';
import { verifyChain } from '../visits/chain-verifier.js';
import { anchorIntegrity } from '../anchor/integrity.js';
import type { VisitQueries } from '../visits/visit-queries.js';
import type { FeatureParts } from './feature.js';

export function startAudit(deps: {
  clock: Clock;
  db: Database;
  visits: VisitQueries;
  requireRole: (...roles: Role[]) => RequestHandler;
  /** Sync is on, so the logs are anchored at the store (the integrity view says when it is not). */
  anchored: boolean;
  /** The card checks: their auditor reads and each visit's re-check. */
  cardChecks?: { queries: CardCheckQueries; rechecks: RecheckRepository };
}): FeatureParts {
  const { db } = deps;
  return {
    routers: [
      auditRoutes({
        visits: deps.visits,
        verifyChain: () => verifyChain(db),
        anchorIntegrity: () => anchorIntegrity(db, deps.anchored),
        clock: deps.clock,
        requireRole: deps.requireRole,
        sync: { statesFor: (ids) => syncStatesFor(db, ids), parked: (o) => listParked(db, o) },
        ...(deps.cardChecks ? { cardChecks: deps.cardChecks } : {}),
      }),
    ],
  };
}
