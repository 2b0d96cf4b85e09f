import { describe, expect, it } from 'vitest';
import { fixedClock, systemRandom } from '../../../server/clock.js';
import { LoginThrottle } from '../../../server/users/login-throttle.js';
import { hashPassword, passwordProblem, randomPassword, verifyPassword } from '../../../server/users/password.js';

describe('passwords', () => {
  it('scrypt with a per-user salt; verifies only the right password; malformed hashes are false', async () => {
    const a = await hashPassword('correct horse battery', systemRandom);
    const b = await hashPassword('correct horse battery', systemRandom);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    for (const bad of ['', 'plain', 'scrypt$1$1$1$x$y', `scrypt$${2 ** 30}$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAA`])
      expect(await verifyPassword('x', bad)).toBe(false);
  });

  it('policy and random passwords', () => {
    expect(passwordProblem('short')).toBeDefined();
    expect(passwordProblem('long enough pass')).toBeUndefined();
    expect(passwordProblem('x'.repeat(257))).toBeDefined();
    const p = randomPassword(systemRandom);
    expect(p).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);
    expect(randomPassword(systemRandom)).not.toBe(p);
  });
});

describe('LoginThrottle', () => {
  it('locks a username after 5 failures with a doubling lockout; success clears it', () => {
    const clock = fixedClock(0);
    const th = new LoginThrottle(clock);
    for (let i = 0; i < 4; i++) th.recordFailure('u', '1.2.3.4');
    expect(th.retryAfterMs('u', '1.2.3.4')).toBe(0);
    th.recordFailure('u', '1.2.3.4');
    expect(th.retryAfterMs('u', '1.2.3.4')).toBe(30_000);
    clock.advance(30_000);
    th.recordFailure('u', '1.2.3.4');
    expect(th.retryAfterMs('u', '9.9.9.9')).toBe(60_000);
    expect(th.retryAfterMs('other', '9.9.9.9')).toBe(0);
    th.recordSuccess('u');
    expect(th.retryAfterMs('u', '9.9.9.9')).toBe(0);
  });

  it('locks an address after 20 failures across usernames', () => {
    const th = new LoginThrottle(fixedClock(0));
    for (let i = 0; i < 20; i++) th.recordFailure(`user${i}`, '5.6.7.8');
    expect(th.retryAfterMs('fresh-user', '5.6.7.8')).toBeGreaterThan(0);
    expect(th.retryAfterMs('fresh-user', '1.1.1.1')).toBe(0);
  });
});
