/**
 * The visit-log feature as the service wires it: opens the database (migrations, demo accounts
 * on a fresh start), builds the repositories and services, and returns its routers and a
 * close() that drains the database queue.
 */
import { listParked, syncStatesFor } from '../sync/outbox-repo.js';
import type { Router } from 'express';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { openKioskDatabase } from '../db/open-kiosk-db.js';
import type { Logger } from '../logger.js';
import { adminRoutes } from '../http/routes/admin-users.js';
import { auditRoutes } from '../http/routes/audit.js';
import { checkInRoutes } from '../http/routes/check-ins.js';
import { sessionRoutes } from '../http/routes/session.js';
import { makeRoleGate } from '../http/routes/session-auth.js';
import { visitRoutes } from '../http/routes/visits.js';
import { AuthService } from '../users/auth-service.js';
import { createDemoAccounts, demoAccountsNotice } from '../users/demo-accounts.js';
import { LoginThrottle } from '../users/login-throttle.js';
import { UserRepository } from '../users/user-repo.js';
import type { VerifyService } from '../verification/verify-service.js';
import { CheckInService } from './check-in-service.js';
import { VisitRepository } from './visit-repo.js';

export interface VisitLogDeps {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  verifier: VerifyService;
  /** Where the one-time demo-account notice goes (default: stdout, never the JSON log). */
  print?: (text: string) => void;
}

export interface VisitLogFeature {
  db: Database;
  users: UserRepository;
  visits: VisitRepository;
  auth: AuthService;
  checkIns: CheckInService;
  routers: Router[];
  close(): Promise<void>;
}

export async function startVisitLog(deps: VisitLogDeps): Promise<VisitLogFeature> {
  const { config, clock, random, logger } = deps;
  const { db, fresh } = await openKioskDatabase(config.dataDir, clock.now());
  try {
    const users = new UserRepository(db, clock);
    const visits = new VisitRepository(db, { duplicateWindowMs: config.duplicateWindowSec * 1000 });
    await visits.init();
    if (fresh && config.demoAccounts && (await users.count()) === 0) {
      const created = await createDemoAccounts(users, random);
      (deps.print ?? ((t: string) => process.stdout.write(t + '\n')))(demoAccountsNotice(created));
      logger.warn('demo accounts created; their passwords were printed once to the console', {
        code: 'DEMO_ACCOUNTS',
        count: created.length,
      });
    }
    const auth = new AuthService(users, new LoginThrottle(clock), clock, random, config.sessionTtlSec);
    const checkIns = new CheckInService({
      db,
      visits,
      verifier: deps.verifier,
      clock,
      random,
      facility: config.facility,
      deskId: config.deskId,
      duplicateWindowSec: config.duplicateWindowSec,
    });
    const requireRole = makeRoleGate(auth);
    const routers = [
      sessionRoutes({ auth, deskId: config.deskId, sessionTtlSec: config.sessionTtlSec }),
      checkInRoutes({ checkIns, requireRole }),
      visitRoutes({ visits, facility: config.facility, deskId: config.deskId, requireRole }),
      auditRoutes({
        visits,
        clock,
        requireRole,
        sync: { statesFor: (ids) => syncStatesFor(db, ids), parked: (o) => listParked(db, o) },
      }),
      adminRoutes({ users, random, requireRole }),
    ];
    logger.info('visit log open', { visits: visits.head.seq });
    return { db, users, visits, auth, checkIns, routers, close: () => db.close() };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
