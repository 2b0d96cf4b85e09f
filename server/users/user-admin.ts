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
import type { UserRepository } from './user-repo.js';

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

export class UserAdmin {
  constructor(
    private readonly users: Pick<UserRepository, 'list' | 'create' | 'find' | 'disable' | 'enable' | 'setPasswordHash'>,
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
