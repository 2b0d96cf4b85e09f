import { Router, type RequestHandler } from 'express';
import type { Random } from '../../clock.js';
import { AppError } from '../../errors.js';
import { hashPassword, passwordProblem } from '../../users/password.js';
import { cccdProblem, displayNameProblem, isRole, usernameProblem, type Role, type User } from '../../users/types.js';
import type { UserRepository } from '../../users/user-repo.js';
import { optionalString, rejectUnknownFields, requireJsonObject, requireString } from '../../web/validate.js';
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

function invalid(field: string, problem: string | undefined): void {
  if (problem) throw new AppError('FIELD_INVALID', problem, { field });
}

/**
 * User management for admins: GET /api/admin/users, POST /api/admin/users,
 * POST /api/admin/users/:username/disable. Admins manage accounts; they do not check in or
 * read the visit log.
 */
export function adminRoutes(deps: { users: UserRepository; random: Random; requireRole: (...roles: Role[]) => RequestHandler }): Router {
  const r = Router();
  const admin = deps.requireRole('admin');

  r.get('/api/admin/users', admin, async (_req, res) => {
    res.json({ items: (await deps.users.list()).map(adminView) });
  });

  r.post('/api/admin/users', admin, requireJsonContent, async (req, res) => {
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['username', 'displayName', 'role', 'cccd', 'password']);
    const username = requireString(body, 'username', { max: 64 });
    invalid('username', usernameProblem(username));
    const displayName = requireString(body, 'displayName', { max: 200 });
    invalid('displayName', displayNameProblem(displayName));
    const role = requireString(body, 'role', { max: 20 });
    if (!isRole(role)) throw new AppError('FIELD_INVALID', 'role must be receptionist, auditor or admin.', { field: 'role' });
    const cccd = optionalString(body, 'cccd', { max: 20 });
    if (cccd !== undefined) invalid('cccd', cccdProblem(cccd));
    const password = requireString(body, 'password', { max: 1024 });
    invalid('password', passwordProblem(password));
    const user = await deps.users.create({
      username,
      displayName,
      role,
      cccd: cccd ?? null,
      passwordHash: await hashPassword(password, deps.random),
    });
    res.status(201).json({ user: adminView(user) });
  });

  r.post('/api/admin/users/:username/disable', admin, requireJsonContent, async (req, res) => {
    const username = String(req.params.username);
    if (usernameProblem(username)) throw new AppError('USER_NOT_FOUND', 'No such user.');
    if (username === currentUser(res).username) throw new AppError('CANNOT_DISABLE_SELF', 'An admin cannot disable their own account.');
    if (!(await deps.users.disable(username))) throw new AppError('USER_NOT_FOUND', 'No such user.');
    const u = await deps.users.find(username);
    res.json({ user: u ? adminView(u) : undefined });
  });
  return r;
}
