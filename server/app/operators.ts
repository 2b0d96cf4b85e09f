/**
 * Wires the operators: the user repository, demo accounts on a database without operators, sign-in and
 * sessions (POST/GET/DELETE /api/session), the one role gate every protected route uses, and
 * the admin's user management (/api/admin/users).
 */
import type { RequestHandler } from 'express';
import type { Clock, Random } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { adminRoutes } from '../http/routes/admin-users.js';
import { sessionRoutes } from '../http/routes/session.js';
import { makeRoleGate } from '../http/routes/session-auth.js';
import type { Logger } from '../logger.js';
import { AuthService } from '../users/auth-service.js';
import { createDemoAccounts, demoAccountsNotice } from '../users/demo-accounts.js';
import { LoginThrottle } from '../users/login-throttle.js';
import type { Role } from '../users/types.js';
import { UserRepository } from '../users/user-repo.js';
import type { FeatureParts } from './feature.js';

export interface Operators extends FeatureParts {
  users: UserRepository;
  auth: AuthService;
  /** requireRole('auditor') etc.: 401 without a session, 403 for another role. */
  requireRole: (...roles: Role[]) => RequestHandler;
  /** Run once the service listens: creates the demo accounts when due. */
  afterListen: () => Promise<void>;
}

export function startOperators(deps: {
  config: KioskConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  db: Database;
  /** Whether the database was just created (demo accounts: see createDemoAccountsIfDue). */
  fresh: boolean;
  /** Where the one-time demo-account notice goes (default: stdout, never the JSON log). */
  print?: (text: string) => void;
}): Promise<Operators> {
  const { config, clock, random, logger } = deps;
  const users = new UserRepository(deps.db, clock);
  /**
   * Demo accounts go into a database without any operator, once the service is listening: a
   * start that dies before (port in use, a bad option) creates none, so the next start creates
   * and prints them, and no printed password is ever lost with the process that printed it.
   */
  const createDemoAccountsIfDue = async (): Promise<void> => {
    if (!config.demoAccounts || (await users.count()) !== 0) return;
    const created = await createDemoAccounts(users, random);
    (deps.print ?? ((t: string) => process.stdout.write(t + '\n')))(demoAccountsNotice(created));
    logger.warn('demo accounts created; their passwords were printed once to the console', {
      code: 'DEMO_ACCOUNTS',
      count: created.length,
    });
  };
  const auth = new AuthService(users, new LoginThrottle(clock), clock, random, config.sessionTtlSec);
  const requireRole = makeRoleGate(auth);
  return Promise.resolve({
    users,
    auth,
    requireRole,
    afterListen: createDemoAccountsIfDue,
    routers: [
      sessionRoutes({ auth, deskId: config.deskId, sessionTtlSec: config.sessionTtlSec }),
      adminRoutes({ users, random, requireRole, logger }),
    ],
  });
}
