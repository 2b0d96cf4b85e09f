/**
 * Session cookie handling and the one role gate every protected endpoint uses.
 *
 * CSRF: the session cookie is SameSite=Strict, so a browser never sends it on a request started
 * by another site; and every mutating endpoint requires Content-Type: application/json, which a
 * cross-site HTML form cannot send without a CORS preflight (which this server never grants).
 * Together that is enough; no CSRF token is needed.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../errors.js';
import type { AuthService } from '../../users/auth-service.js';
import type { Role, User } from '../../users/types.js';
import type { SessionUser } from '../../wire/session.js';

export const SESSION_COOKIE = 'kiosk_session';

/** The value of one cookie from the Cookie header (no dependency needed for one name). */
export function readCookie(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeSec: number): void {
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(maxAgeSec)}${secure}`);
}

export function clearSessionCookie(req: Request, res: Response): void {
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure}`);
}

/** The signed-in user set by requireRole / optionalUser. */
export function currentUser(res: Response): User {
  const u = res.locals.user as User | undefined;
  if (!u) throw new AppError('SESSION_REQUIRED', 'Sign in first.');
  return u;
}

export function makeRoleGate(auth: AuthService): (...roles: Role[]) => RequestHandler {
  return (...roles) =>
    async (req, res, next) => {
      const user = await auth.userForToken(readCookie(req, SESSION_COOKIE));
      if (!user) throw new AppError('SESSION_REQUIRED', 'Sign in first.');
      if (!roles.includes(user.role)) throw new AppError('FORBIDDEN_ROLE', 'Your role may not use this.', { role: user.role });
      res.locals.user = user;
      next();
    };
}

/** Mutating endpoints take JSON only (see the CSRF note above). */
export const requireJsonContent: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new AppError('CONTENT_TYPE_NOT_JSON', 'Send the request as application/json.');
  next();
};

/** The user as clients see it. */
export function publicUser(u: User, deskId: string): SessionUser {
  return { username: u.username, displayName: u.displayName, role: u.role, deskId };
}
