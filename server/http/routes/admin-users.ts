import { Router, type RequestHandler, type Response } from 'express';
import type { Random } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { Role, User } from '../../users/types.js';
import { EDIT_USER_FIELDS, NEW_USER_FIELDS, UserAdmin } from '../../users/user-admin.js';
import type { UserRepository } from '../../users/user-repo.js';
import { readStringFields, rejectUnknownFields, requireJsonObject } from '../../web/validate.js';
import type { AdminUserView } from '../../wire/admin.js';
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
    lastLoginAt: u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : null,
  } satisfies AdminUserView;
}

/**
 * User management for admins: GET /api/admin/users, POST /api/admin/users,
 * PATCH /api/admin/users/:username `{displayName?, cccd?, role?}` (an edit; a role change ends the
 * user's sessions), POST /api/admin/users/:username/disable, …/enable and …/password `{password}`
 * (a reset: the user's sessions end). Admins manage accounts; they do not check in or
 * read the visit log. The rules live in server/users/user-admin.ts.
 */
export function adminRoutes(deps: {
  users: UserRepository;
  random: Random;
  requireRole: (...roles: Role[]) => RequestHandler;
  /** Each change is logged with the admin's and the account's usernames (never names, ID numbers or passwords). */
  logger?: Logger;
}): Router {
  const r = Router();
  const admin = deps.requireRole('admin');
  const accounts = new UserAdmin(deps.users, deps.random);
  const record = (res: Response, code: string, username: string, extra: Record<string, unknown> = {}) =>
    deps.logger?.info('operator account changed by an admin', { code, username, admin: currentUser(res).username, ...extra });

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
    record(res, 'USER_CREATED', user.username, { role: user.role });
    res.status(201).json({ user: adminView(user) });
  });

  r.post('/api/admin/users/:username/disable', admin, requireJsonContent, async (req, res) => {
    const u = await accounts.disable(currentUser(res).username, String(req.params.username));
    record(res, 'USER_DISABLED', String(req.params.username));
    res.json({ user: u ? adminView(u) : undefined });
  });

  r.patch('/api/admin/users/:username', admin, requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, EDIT_USER_FIELDS);
    const u = await accounts.update(currentUser(res).username, String(req.params.username), body);
    // Which members changed, not their values (a name and an ID-card number are personal data).
    record(res, 'USER_UPDATED', String(req.params.username), {
      fields: EDIT_USER_FIELDS.filter((f) => body[f] !== undefined),
      ...(body.role !== undefined ? { role: u?.role } : {}),
    });
    res.json({ user: u ? adminView(u) : undefined });
  });

  r.post('/api/admin/users/:username/enable', admin, requireJsonContent, async (req, res) => {
    const u = await accounts.enable(String(req.params.username));
    record(res, 'USER_ENABLED', String(req.params.username));
    res.json({ user: u ? adminView(u) : undefined });
  });

  r.post('/api/admin/users/:username/password', admin, requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['password']);
    const { password } = readStringFields(body, [{ name: 'password', max: 1024 }]);
    const u = await accounts.resetPassword(String(req.params.username), password);
    record(res, 'USER_PASSWORD_RESET', String(req.params.username));
    res.json({ user: u ? adminView(u) : undefined });
  });
  return r;
}
