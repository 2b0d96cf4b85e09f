/** All SQL about users and sessions. */
import type { Clock } from '../clock.js';
import { isConstraintError, type Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { SessionCache } from './session-cache.js';
import type { Role, User } from './types.js';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  cccd: string | null;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at?: number | null;
}

function toUser(r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    cccd: r.cccd,
    role: r.role,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at ?? null,
  };
}

const USER_COLS = 'id, username, display_name, cccd, role, password_hash, disabled, created_at, updated_at, last_login_at';

export interface NewUser {
  username: string;
  displayName: string;
  cccd?: string | null;
  role: Role;
  passwordHash: string;
}

/** What an admin may change on an account (members absent: unchanged; cccd null: none on file). */
export interface UserChange {
  displayName?: string;
  cccd?: string | null;
  role?: Role;
}

export class UserRepository {
  /** Session lookups served from memory; every session-ending or user-changing write here invalidates it. */
  readonly sessions: SessionCache;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    opts: { sessionCacheTtlMs?: number } = {},
  ) {
    this.sessions = new SessionCache(clock, opts.sessionCacheTtlMs);
  }

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0;
  }

  /** Throws AppError USERNAME_TAKEN (409) when the username exists (disabled users included). */
  async create(u: NewUser): Promise<User> {
    const now = this.clock.now();
    try {
      const r = await this.db.run(
        'INSERT INTO users (username, display_name, cccd, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
        [u.username, u.displayName.trim(), u.cccd ?? null, u.role, u.passwordHash, now, now],
      );
      return {
        id: r.lastID,
        username: u.username,
        displayName: u.displayName.trim(),
        cccd: u.cccd ?? null,
        role: u.role,
        disabled: false,
        createdAt: now,
        updatedAt: now,
      };
    } catch (err) {
      if (isConstraintError(err)) throw new AppError('USERNAME_TAKEN', 'That username is already in use.');
      throw err;
    }
  }

  async list(): Promise<User[]> {
    return (await this.db.all<UserRow>(`SELECT ${USER_COLS} FROM users ORDER BY username`)).map(toUser);
  }

  async find(username: string): Promise<User | undefined> {
    const r = await this.db.get<UserRow>(`SELECT ${USER_COLS} FROM users WHERE username = ?`, [username]);
    return r ? toUser(r) : undefined;
  }

  /** For login only: the user with the hash. */
  async findWithHash(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const r = await this.db.get<UserRow>(`SELECT ${USER_COLS} FROM users WHERE username = ?`, [username]);
    return r ? { user: toUser(r), passwordHash: r.password_hash } : undefined;
  }

  /** Disables the user and ends their sessions at once. False when no such user. */
  async disable(username: string): Promise<boolean> {
    const now = this.clock.now();
    this.sessions.forgetUser(username);
    return this.db.transaction(async (tx) => {
      // Forgotten again once committed: a lookup that ran between the first forget and the
      // commit may have cached the old state.
      tx.afterCommit(() => this.sessions.forgetUser(username));
      const r = await tx.run('UPDATE users SET disabled = 1, updated_at = ? WHERE username = ?', [now, username]);
      if (r.changes === 0) return false;
      await tx.run('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)', [username]);
      return true;
    });
  }

  /** Enables a disabled user again (they sign in anew). False when no such user. */
  async enable(username: string): Promise<boolean> {
    const r = await this.db.run('UPDATE users SET disabled = 0, updated_at = ? WHERE username = ?', [this.clock.now(), username]);
    this.sessions.forgetUser(username);
    return r.changes > 0;
  }

  /**
   * Changes an account's name, ID-card number and / or role (only the members given). A role
   * change ends the user's sessions (they sign in anew with what they may do now); any change
   * drops the cached session lookups. False when no such user.
   */
  async update(username: string, change: UserChange): Promise<boolean> {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    const set = (column: string, value: string | null) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (change.displayName !== undefined) set('display_name', change.displayName.trim());
    if (change.cccd !== undefined) set('cccd', change.cccd);
    if (change.role !== undefined) set('role', change.role);
    const now = this.clock.now();
    this.sessions.forgetUser(username);
    return this.db.transaction(async (tx) => {
      tx.afterCommit(() => this.sessions.forgetUser(username));
      const before = await tx.get<{ role: Role }>('SELECT role FROM users WHERE username = ?', [username]);
      if (!before) return false;
      await tx.run(`UPDATE users SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE username = ?`, [...params, now, username]);
      if (change.role !== undefined && change.role !== before.role)
        await tx.run('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)', [username]);
      return true;
    });
  }

  /** Sets a new password hash and ends the user's sessions. False when no such user. */
  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    const now = this.clock.now();
    this.sessions.forgetUser(username);
    return this.db.transaction(async (tx) => {
      tx.afterCommit(() => this.sessions.forgetUser(username));
      const r = await tx.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?', [passwordHash, now, username]);
      if (r.changes === 0) return false;
      await tx.run('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)', [username]);
      return true;
    });
  }

  // ── sessions ──

  async createSession(tokenHash: string, userId: number, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
        tokenHash,
        userId,
        now,
        expiresAt,
      ]);
      // The sign-in, for the admin page (sessions themselves are deleted when they end).
      await tx.run('UPDATE users SET last_login_at = ? WHERE id = ?', [now, userId]);
    });
  }

  /**
   * The enabled user owning an unexpired session, else undefined. Served from the session cache
   * when it can be (see session-cache.ts for how stale an answer may be: at most its TTL, and only
   * for changes made by another process).
   */
  async userForSession(tokenHash: string): Promise<{ user: User; expiresAt: number } | undefined> {
    const cached = this.sessions.get(tokenHash);
    if (cached) return cached;
    const generation = this.sessions.generation;
    const r = await this.db.get<UserRow & { expires_at: number }>(
      `SELECT u.id, u.username, u.display_name, u.cccd, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
      [tokenHash, this.clock.now()],
    );
    if (!r) return undefined;
    const found = { user: toUser(r), expiresAt: r.expires_at };
    this.sessions.set(tokenHash, found, generation);
    return found;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.sessions.forgetSession(tokenHash);
    await this.db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]);
    this.sessions.forgetSession(tokenHash);
  }

  async deleteExpiredSessions(): Promise<number> {
    return (await this.db.run('DELETE FROM sessions WHERE expires_at <= ?', [this.clock.now()])).changes;
  }
}
