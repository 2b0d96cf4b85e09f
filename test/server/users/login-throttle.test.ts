import { describe, expect, it } from 'vitest';
import { fixedClock, systemRandom } from '../../../server/clock.js';
import { AuthService } from '../../../server/users/auth-service.js';
import { LoginThrottle, type LoginAttempt } from '../../../server/users/login-throttle.js';
import { hashPassword } from '../../../server/users/password.js';
import type { User } from '../../../server/users/types.js';
import type { UserRepository } from '../../../server/users/user-repo.js';

function allowed(th: LoginThrottle, user: string, address: string): LoginAttempt | undefined {
  const d = th.begin(user, address);
  return d.allowed ? d.attempt : undefined;
}

describe('LoginThrottle.begin: an attempt is counted before its password is checked', () => {
  it('a burst of 200 attempts still in flight gets exactly the 5 the sequential policy allows', () => {
    const th = new LoginThrottle(fixedClock(0));
    const attempts = Array.from({ length: 200 }, () => th.begin('u', '10.0.0.1'));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(5);
    const refused = attempts.filter((a) => !a.allowed);
    expect(refused).toHaveLength(195);
    for (const r of refused) expect(r).toEqual({ allowed: false, retryAfterMs: 30_000 });
    // Failures need no report: the five are failures already, and the lock stands.
    expect(th.retryAfterMs('u', '10.0.0.1')).toBe(30_000);
  });

  it('the same limit as record-after for sequential attempts, with the doubling lock', () => {
    const clock = fixedClock(0);
    const th = new LoginThrottle(clock);
    for (let i = 0; i < 4; i++) expect(allowed(th, 'u', 'a')).toBeDefined();
    expect(th.retryAfterMs('u', 'a')).toBe(0);
    expect(allowed(th, 'u', 'a')).toBeDefined();
    expect(th.begin('u', 'a')).toEqual({ allowed: false, retryAfterMs: 30_000 });
    clock.advance(30_000);
    expect(allowed(th, 'u', 'a')).toBeDefined();
    expect(th.retryAfterMs('u', 'b')).toBe(60_000);
  });

  it('a success clears the username and gives the address its count back', () => {
    const th = new LoginThrottle(fixedClock(0));
    for (let i = 0; i < 4; i++) allowed(th, 'u', 'a');
    allowed(th, 'u', 'a')!.succeeded();
    expect(th.retryAfterMs('u', 'a')).toBe(0);
    // Four failures from the address remain; 16 more lock it (20), not 15.
    for (let i = 0; i < 15; i++) allowed(th, `other${i}`, 'a');
    expect(th.retryAfterMs('fresh', 'a')).toBe(0);
    allowed(th, 'other-last', 'a');
    expect(th.retryAfterMs('fresh', 'a')).toBe(30_000);
  });

  it('the 5th attempt of a burst succeeding lifts the lock it set; an abandoned attempt gives both counts back', () => {
    const th = new LoginThrottle(fixedClock(0));
    for (let i = 0; i < 4; i++) allowed(th, 'u', 'a');
    const fifth = allowed(th, 'u', 'a')!;
    expect(th.retryAfterMs('u', 'a')).toBe(30_000);
    fifth.succeeded();
    fifth.succeeded(); // idempotent
    expect(th.retryAfterMs('u', 'a')).toBe(0);

    const th2 = new LoginThrottle(fixedClock(0));
    for (let i = 0; i < 4; i++) allowed(th2, 'v', 'a');
    const broken = allowed(th2, 'v', 'a')!;
    expect(th2.retryAfterMs('v', 'a')).toBe(30_000);
    broken.abandoned();
    expect(th2.retryAfterMs('v', 'a')).toBe(0);
    expect(allowed(th2, 'v', 'a')).toBeDefined(); // the 5th again, which locks
    expect(th2.retryAfterMs('v', 'a')).toBe(30_000);
  });

  it('locks an address after 20 attempts across usernames', () => {
    const th = new LoginThrottle(fixedClock(0));
    const burst = Array.from({ length: 100 }, (_, i) => th.begin(`user${i}`, '5.6.7.8'));
    expect(burst.filter((a) => a.allowed)).toHaveLength(20);
    expect(th.retryAfterMs('fresh-user', '5.6.7.8')).toBeGreaterThan(0);
    expect(th.retryAfterMs('fresh-user', '1.1.1.1')).toBe(0);
  });
});

describe('AuthService.login under a concurrent burst', () => {
  const user: User = {
    id: 1,
    username: 'u',
    displayName: 'U',
    cccd: null,
    role: 'receptionist',
    disabled: false,
    createdAt: 0,
    updatedAt: 0,
  };

  async function service() {
    const clock = fixedClock(0);
    const hash = await hashPassword('the right password', systemRandom);
    let evaluated = 0;
    const users = {
      findWithHash: async () => {
        evaluated++;
        return { user, passwordHash: hash };
      },
      createSession: async () => undefined,
      deleteExpiredSessions: async () => undefined,
    } as unknown as UserRepository;
    const auth = new AuthService(users, new LoginThrottle(clock), clock, systemRandom, 3600);
    return { auth, clock, evaluated: () => evaluated };
  }

  it('200 concurrent wrong passwords evaluate 5; the right one is then refused while locked', async () => {
    const { auth, clock, evaluated } = await service();
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => auth.login('u', `wrong ${i}`, '10.0.0.1')));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'OK'));
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(195);
    expect(evaluated()).toBe(5);
    await expect(auth.login('u', 'the right password', '10.0.0.1')).rejects.toMatchObject({ code: 'LOGIN_THROTTLED' });
    clock.advance(30_000);
    await expect(auth.login('u', 'the right password', '10.0.0.1')).resolves.toMatchObject({ user });
  });

  it('a database error while checking gives the attempt back', async () => {
    const clock = fixedClock(0);
    const users = {
      findWithHash: async () => {
        throw new Error('disk I/O error');
      },
    } as unknown as UserRepository;
    const auth = new AuthService(users, new LoginThrottle(clock), clock, systemRandom, 3600);
    for (let i = 0; i < 10; i++) await expect(auth.login('u', 'x', 'a')).rejects.toThrow('disk I/O error');
  });
});
