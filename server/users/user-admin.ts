/**
 * The admin's management of operator accounts, with its rules: what a new account must look
 * like (the same rules as the `user` CLI, from ./types.ts and ./password.ts), that its password
 * is stored only as a scrypt hash, and that an admin never disables their own account. The
 * routes (server/http/routes/admin-users.ts) parse, call one method and render.
 */
import type { Random } from '../clock.js';
import { AppError } from '../errors.js';
import { hashPassword, passwordProblem } from './password.js';
import { cccdProblem, displayNameProblem, isRole, usernameProblem, type User } from './types.js';
import type { UserChange, UserRepository } from './user-repo.js';

export type NewUserField = 'username' | 'displayName' | 'role' | 'cccd' | 'password';
export type NewUserInput = { [K in NewUserField]?: string };

/** The members of a new account, in the order they are checked (the first problem is reported). */
export const NEW_USER_FIELDS: ReadonlyArray<{
  name: NewUserField;
  max: number;
  optional?: boolean;
  problem: (value: string) => string | undefined;
}> = [
  { name: 'username', max: 64, problem: usernameProblem },
  { name: 'displayName', max: 200, problem: displayNameProblem },
  { name: 'role', max: 20, problem: (r) => (isRole(r) ? undefined : 'role must be receptionist, auditor or admin.') },
  { name: 'cccd', max: 20, optional: true, problem: cccdProblem },
  { name: 'password', max: 1024, problem: passwordProblem },
];

/** The members of an account an admin may edit (PATCH /api/admin/users/:username), in the order they are checked. */
export const EDIT_USER_FIELDS = ['displayName', 'cccd', 'role'] as const;
export type EditUserField = (typeof EDIT_USER_FIELDS)[number];
/** An edit as sent: a string to set, null (cccd only) to clear, absent to keep. */
export type EditUserInput = { [K in EditUserField]?: unknown };

export class UserAdmin {
  constructor(
    private readonly users: Pick<UserRepository, 'list' | 'create' | 'find' | 'disable' | 'enable' | 'setPasswordHash' | 'update'>,
    private readonly random: Random,
  ) {}

  list(): Promise<User[]> {
    return this.users.list();
  }

  /**
   * Creates an account: every rule of NEW_USER_FIELDS is checked (FIELD_MISSING / FIELD_INVALID
   * naming the `field`), the password is hashed; USERNAME_TAKEN when the username exists.
   */
  async create(input: NewUserInput): Promise<User> {
    for (const f of NEW_USER_FIELDS) {
      const v = input[f.name];
      if (v === undefined) {
        if (f.optional) continue;
        throw new AppError('FIELD_MISSING', `"${f.name}" is required.`, { field: f.name });
      }
      const problem = f.problem(v);
      if (problem) throw new AppError('FIELD_INVALID', problem, { field: f.name });
    }
    const { username, displayName, role, cccd, password } = input;
    if (!isRole(role)) throw new Error('unreachable: role was checked');
    // Every visit records its receptionist's ID-card number (the agency's lookup and the CSV need it).
    if (role === 'receptionist' && cccd === undefined)
      throw new AppError('FIELD_MISSING', 'A receptionist needs "cccd" (their ID-card number).', { field: 'cccd' });
    return this.users.create({
      username: username!,
      displayName: displayName!,
      role,
      cccd: cccd ?? null,
      passwordHash: await hashPassword(password!, this.random),
    });
  }

  /**
   * Disables `username` on behalf of the admin `actor`: USER_NOT_FOUND for no such (or no
   * valid) username, CANNOT_DISABLE_SELF for the actor's own account. Returns the account after.
   */
  async disable(actor: string, username: string): Promise<User | undefined> {
    if (usernameProblem(username)) throw new AppError('USER_NOT_FOUND', 'No such user.');
    if (username === actor) throw new AppError('CANNOT_DISABLE_SELF', 'An admin cannot disable their own account.');
    if (!(await this.users.disable(username))) throw new AppError('USER_NOT_FOUND', 'No such user.');
    return this.users.find(username);
  }

  /**
   * Edits `username` on behalf of the admin `actor`: the display name, the ID-card number (12
   * digits; null or "" clears it, not for a receptionist) and the role, each checked like a new
   * account's (FIELD_INVALID / FIELD_MISSING naming the `field`, FIELD_TOO_LONG); at least one
   * member (BODY_INVALID). An admin cannot change their own role (CANNOT_CHANGE_OWN_ROLE: the last
   * admin must not lock everyone out). USER_NOT_FOUND for no such user. A role change ends the
   * user's sessions. Returns the account after.
   */
  async update(actor: string, username: string, input: EditUserInput): Promise<User | undefined> {
    if (usernameProblem(username)) throw new AppError('USER_NOT_FOUND', 'No such user.');
    const change: UserChange = {};
    const text = (field: EditUserField, max: number): string | undefined => {
      const v = input[field];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw new AppError('FIELD_INVALID', `"${field}" must be a string.`, { field });
      if (v.length > max) throw new AppError('FIELD_TOO_LONG', `"${field}" is longer than ${max} characters.`, { field });
      return v;
    };
    const displayName = text('displayName', 200);
    if (displayName !== undefined) {
      const problem = displayNameProblem(displayName);
      if (problem) throw new AppError('FIELD_INVALID', problem, { field: 'displayName' });
      change.displayName = displayName.trim();
    }
    if (input.cccd === null || input.cccd === '') change.cccd = null;
    else {
      const cccd = text('cccd', 20)?.trim();
      if (cccd !== undefined) {
        const problem = cccdProblem(cccd);
        if (problem) throw new AppError('FIELD_INVALID', problem, { field: 'cccd' });
        change.cccd = cccd;
      }
    }
    const role = text('role', 20);
    if (role !== undefined) {
      if (!isRole(role)) throw new AppError('FIELD_INVALID', 'role must be receptionist, auditor or admin.', { field: 'role' });
      change.role = role;
    }
    if (Object.keys(change).length === 0)
      throw new AppError('BODY_INVALID', `Send at least one of ${EDIT_USER_FIELDS.map((f) => `"${f}"`).join(', ')}.`);
    const before = await this.users.find(username);
    if (!before) throw new AppError('USER_NOT_FOUND', 'No such user.');
    if (username === actor && change.role !== undefined && change.role !== before.role)
      throw new AppError('CANNOT_CHANGE_OWN_ROLE', 'An admin cannot change their own role.', { field: 'role' });
    const roleAfter = change.role ?? before.role;
    const cccdAfter = change.cccd !== undefined ? change.cccd : before.cccd;
    if (roleAfter === 'receptionist' && cccdAfter === null)
      throw new AppError('FIELD_MISSING', 'A receptionist needs "cccd" (their ID-card number).', { field: 'cccd' });
    if (!(await this.users.update(username, change))) throw new AppError('USER_NOT_FOUND', 'No such user.');
    return this.users.find(username);
  }

  /** Enables `username` again: USER_NOT_FOUND for no such user. Returns the account after. */
  async enable(username: string): Promise<User | undefined> {
    if (usernameProblem(username) || !(await this.users.enable(username))) throw new AppError('USER_NOT_FOUND', 'No such user.');
    return this.users.find(username);
  }

  /**
   * Sets a new password for `username` (the same rules as a new account's: FIELD_INVALID naming
   * `password`) and ends their sessions; USER_NOT_FOUND for no such user.
   */
  async resetPassword(username: string, password: string | undefined): Promise<User | undefined> {
    if (usernameProblem(username) || !(await this.users.find(username))) throw new AppError('USER_NOT_FOUND', 'No such user.');
    if (password === undefined) throw new AppError('FIELD_MISSING', '"password" is required.', { field: 'password' });
    const problem = passwordProblem(password);
    if (problem) throw new AppError('FIELD_INVALID', problem, { field: 'password' });
    await this.users.setPasswordHash(username, await hashPassword(password, this.random));
    return this.users.find(username);
  }
}
