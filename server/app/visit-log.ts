/**
 * Wires the visit log: its repositories (built here, in one place), the check-in service (which
 * may take a card check from the card-check module), and the receptionist's routes
 * (POST /api/check-ins, GET /api/visits/recent, GET /api/visit-codes).
 */
import type { RequestHandler } from 'express';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { checkInRoutes } from '../http/routes/check-ins.js';
import { visitCodeRoutes } from '../http/routes/visit-codes.js';
import { visitRoutes } from '../http/routes/visits.js';
import type { Logger } from '../logger.js';
import type { Role } from '../users/types.js';
import type { VerifyService } from '../verification/verify-service.js';
import { CheckInService, type CardCheckSource } from '../visits/check-in-service.js';
import { VisitQueries } from '../visits/visit-queries.js';
import { VisitWriter } from '../visits/visit-writer.js';
import { checkInReportOn } from './check-in-report.js';
import type { FeatureParts } from './feature.js';

export interface VisitLog extends FeatureParts {
  writer: VisitWriter;
  queries: VisitQueries;
  checkIns: CheckInService;
}

export async function startVisitLog(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  db: Database;
  verifier: VerifyService;
  requireRole: (...roles: Role[]) => RequestHandler;
  /** The card checks a check-in may take (`cardCheckId`). */
  cardChecks?: CardCheckSource;
}): Promise<VisitLog> {
  const { config, db, requireRole } = deps;
  // ── Repositories ──
  // While the check-in report is on, each recorded visit also gets its check-in outbox row.
  const writer = new VisitWriter(db, { duplicateWindowMs: config.duplicateWindowSec * 1000, checkInOutbox: checkInReportOn(config) });
  await writer.init();
  const queries = new VisitQueries(db);
  // ── Services ──
  const checkIns = new CheckInService({
    db,
    writer,
    verifier: deps.verifier,
    clock: deps.clock,
    random: deps.random,
    facility: config.facility,
    deskId: config.deskId,
    duplicateWindowSec: config.duplicateWindowSec,
    ...(deps.cardChecks ? { cardChecks: deps.cardChecks } : {}),
  });
  deps.logger.info('visit log open', { visits: writer.head.seq });
  return {
    writer,
    queries,
    checkIns,
    routers: [
      checkInRoutes({ checkIns, requireRole }),
      // The visit categories and types the desk offers (and the proposal rule's table).
      visitCodeRoutes({ clock: deps.clock, requireRole }),
      visitRoutes({ visits: queries, facility: config.facility, deskId: config.deskId, requireRole }),
    ],
  };
}
