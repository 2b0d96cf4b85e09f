import { Router, type RequestHandler } from 'express';
import type { Random } from '../../clock.js';
import type { Role, User } from '../../users/types.js';
import { NEW_USER_FIELDS, UserAdmin } from '../../users/user-admin.js';
import type { UserRepository } from '../../users/user-repo.js';
import { readStringFields, rejectUnknownFields, requireJsonObject } from '../../web/validate.js';
import { currentUser, requireJsonContent } from './session-auth.js';

function adminView(u: User) {
  return {
    username: u.username,
    displayName: u.displayName,
    cccd: u.cccd,
    role: u.role,
    disabled: u.disabled,
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: new Date(u.updatedAt).toISOString(),
  };
}

/**
 * User management for admins: GET /api/admin/users, POST /api/admin/users,
 * POST /api/admin/users/:username/disable. Admins manage accounts; they do not check in or
 * read the visit log. The rules live in server/users/user-admin.ts.
 */
export function adminRoutes(deps: { users: UserRepository; random: Random; requireRole: (...roles: Role[]) => RequestHandler }): Router {
  const r = Router();
  const admin = deps.requireRole('admin');
  const accounts = new UserAdmin(deps.users, deps.random);

  r.get('/api/admin/users', admin, async (_req, res) => {
    res.json({ items: (await accounts.list()).map(adminView) });
  });

  r.post('/api/admin/users', admin, requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(
      body,
      NEW_USER_FIELDS.map((f) => f.name),
    );
    const user = await accounts.create(readStringFields(body, NEW_USER_FIELDS));
    res.status(201).json({ user: adminView(user) });
  });

  r.post('/api/admin/users/:username/disable', admin, requireJsonContent, async (req, res) => {
    const u = await accounts.disable(currentUser(res).username, String(req.params.username));
    res.json({ user: u ? adminView(u) : undefined });
  });
  return r;
}
