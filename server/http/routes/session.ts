import { Router } from 'express';
import { AppError } from '../../errors.js';
import type { AuthService } from '../../users/auth-service.js';
import type { SessionResponse } from '../../wire/session.js';
import { rejectUnknownFields, requireJsonObject, requireString } from '../../web/validate.js';
import { clearSessionCookie, publicUser, readCookie, requireJsonContent, SESSION_COOKIE, setSessionCookie } from './session-auth.js';

/**
 * POST /api/session (sign in), GET /api/session (who am I), DELETE /api/session (sign out).
 * A failed sign-in says only LOGIN_FAILED: never whether the username exists.
 */
export function sessionRoutes(deps: { auth: AuthService; deskId: string; sessionTtlSec: number }): Router {
  const r = Router();
  r.post('/api/session', requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['username', 'password']);
    const username = requireString(body, 'username', { max: 64, min: 1 }).trim().toLowerCase();
    const password = requireString(body, 'password', { max: 1024, min: 1 });
    try {
      const { token, user } = await deps.auth.login(username, password, req.socket.remoteAddress ?? 'unknown');
      setSessionCookie(req, res, token, deps.sessionTtlSec);
      res.json({ user: publicUser(user, deps.deskId) } satisfies SessionResponse);
    } catch (err) {
      if (err instanceof AppError && err.code === 'LOGIN_THROTTLED') {
        const retryAfterSec = err.extra?.retryAfterSec;
        res.set('Retry-After', String(typeof retryAfterSec === 'number' ? retryAfterSec : 60));
      }
      throw err;
    }
  });
  r.get('/api/session', async (req, res) => {
    const user = await deps.auth.userForToken(readCookie(req, SESSION_COOKIE));
    if (!user) throw new AppError('SESSION_REQUIRED', 'Sign in first.');
    res.json({ user: publicUser(user, deps.deskId) } satisfies SessionResponse);
  });
  // Signing out is always allowed and always succeeds (idempotent), session or not.
  r.delete('/api/session', async (req, res) => {
    await deps.auth.logout(readCookie(req, SESSION_COOKIE));
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return r;
}
