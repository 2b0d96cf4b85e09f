/**
 * Logins and sessions. A session token is 32 random bytes given to the browser once (cookie);
 * the database keeps only its SHA-256, so a copy of the database file logs nobody in.
 */
import { createHash } from 'node:crypto';
import type { Clock, Random } from '../clock.js';
import { AppError } from '../errors.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import type { User } from './types.js';
import type { UserRepository } from './user-repo.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens are base64url of 32 bytes: exactly 43 characters. Anything else is not looked up. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class AuthService {
  #dummyHash: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly sessionTtlSec: number,
  ) {
    // Compared against when the username does not exist, so an unknown name costs the same
    // scrypt time as a known one (no user enumeration by timing).
    this.#dummyHash = hashPassword(random.bytes(16).toString('hex'), random);
  }

  /**
   * Checks the password and opens a session. Throws LOGIN_THROTTLED (429, retryAfterSec) or
   * LOGIN_FAILED (401): the same failure for an unknown user, a wrong password and a disabled
   * account.
   */
  async login(username: string, password: string, address: string): Promise<{ token: string; user: User; expiresAt: number }> {
    // Counted before the ~50 ms hash, so a concurrent burst cannot all pass the lock test
    // (server/users/login-throttle.ts); the count is given back on success.
    const decision = this.throttle.begin(username, address);
    if (!decision.allowed) {
      const retryAfterSec = Math.ceil(decision.retryAfterMs / 1000);
      throw new AppError('LOGIN_THROTTLED', 'Too many failed sign-ins; wait before trying again.', { retryAfterSec });
    }
    let found: Awaited<ReturnType<UserRepository['findWithHash']>>;
    let ok: boolean;
    try {
      found = await this.users.findWithHash(username);
      ok = await verifyPassword(password, found ? found.passwordHash : await this.#dummyHash);
    } catch (err) {
      decision.attempt.abandoned();
      throw err;
    }
    if (!found || !ok || found.user.disabled) throw new AppError('LOGIN_FAILED', 'Wrong username or password.');
    decision.attempt.succeeded();
    const token = this.random.bytes(32).toString('base64url');
    const expiresAt = this.clock.now() + this.sessionTtlSec * 1000;
    await this.users.createSession(hashToken(token), found.user.id, expiresAt);
    // Housekeeping rides on logins: cheap, and no timer to stop at shutdown.
    await this.users.deleteExpiredSessions();
    return { token, user: found.user, expiresAt };
  }

  async userForToken(token: string | undefined): Promise<User | undefined> {
    if (!token || !TOKEN_RE.test(token)) return undefined;
    return (await this.users.userForSession(hashToken(token)))?.user;
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token || !TOKEN_RE.test(token)) return;
    await this.users.deleteSession(hashToken(token));
  }
}
