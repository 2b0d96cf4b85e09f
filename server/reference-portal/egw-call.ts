/**
 * What every call of the reference portal's API shares, whichever endpoint it is (the token, the
 * card check, the check-in submission): the injected latency and failure (faults.ts), the
 * account and token check of the `/api/egw/` query, and the wire's time format. One home, so the
 * endpoints answer a bad token, a hang or a drop the same way.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { vietnamWallClock } from '../wire/vietnam-time.js';
import type { PortalAuthQuery } from '../wire/portal.js';
import type { DataSource } from './data-source.js';
import type { PortalAccount } from './dataset-schema.js';
import { accountPasswordMd5 } from './dataset.js';
import type { FailMode, PortalFaults } from './faults.js';
import type { TokenStore } from './tokens.js';

/** An injected hang gives up after this long (the socket is destroyed), so nothing waits forever. */
export const HANG_MAX_MS = 10 * 60_000;

export interface CallDeps {
  data: DataSource;
  tokens: TokenStore;
  faults: PortalFaults;
  clock: Clock;
  logger: Logger;
}

/** PORTAL_DATETIME_FORMAT (`yyyyMMddHHmm`) in Vietnam time. */
export function portalDateTime(ms: number): string {
  return vietnamWallClock(ms).toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function findAccount(deps: Pick<CallDeps, 'data'>, username: string, passwordMd5: string): PortalAccount | undefined {
  const account = deps.data.get().accounts.find((a) => a.username === username);
  // Compare even when the user is unknown, so timing does not tell which usernames exist.
  const expected = account ? accountPasswordMd5(account) : '00000000000000000000000000000000';
  return sameText(expected, passwordMd5) && account ? account : undefined;
}

export function authQuery(req: Request): PortalAuthQuery | undefined {
  const q = req.query as Record<string, unknown>;
  const v = (k: keyof PortalAuthQuery) => (typeof q[k] === 'string' && q[k].length <= 512 ? q[k] : undefined);
  const token = v('token');
  const idToken = v('id_token');
  const username = v('username');
  const password = v('password');
  return token && idToken && username && password ? { token, id_token: idToken, username, password } : undefined;
}

/**
 * The account of an `/api/egw/` call: the query's user and MD5 password, and a live token issued
 * to that user. Undefined answers "401" (HTTP status per `authFailureAs`: see authFailureStatus).
 */
export function authenticate(deps: CallDeps, req: Request): PortalAccount | undefined {
  const q = authQuery(req);
  const account = q ? findAccount(deps, q.username, q.password) : undefined;
  return q && account && deps.tokens.valid(q.token, q.id_token, account.username) ? account : undefined;
}

/** The HTTP status of a "401" answer: 200 (the default) or 401 (`authFailureAs: "http"`). */
export function authFailureStatus(deps: CallDeps): number {
  return deps.faults.current.authFailureAs === 'http' ? 401 : 200;
}

function fail(mode: FailMode, req: Request, res: Response): void {
  if (mode === 'http500') {
    res.status(500).json({ maKetQua: '500', ghiChu: 'Injected failure (test fault).' });
  } else if (mode === 'drop') {
    req.socket.destroy();
  } else {
    // hang: answer nothing; the client times out, or the portal's close drops the socket.
    const t = setTimeout(() => req.socket.destroy(), HANG_MAX_MS);
    t.unref();
    req.socket.once('close', () => clearTimeout(t));
  }
}

/** Waits the injected latency, then applies an injected failure. `go: false` when the call is already answered (or never will be). */
export async function applyFaults(deps: CallDeps, req: Request, res: Response): Promise<{ go: boolean; code?: '100' | '101' | '500' }> {
  const plan = deps.faults.plan();
  if (plan.delayMs > 0) await deps.faults.sleep(plan.delayMs);
  if (plan.failure) {
    deps.logger.info('injected failure', { path: req.path, mode: plan.failure });
    fail(plan.failure, req, res);
    return { go: false };
  }
  return plan.code ? { go: true, code: plan.code } : { go: true };
}
