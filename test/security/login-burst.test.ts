/**
 * Issue #14 item 1, over real HTTP against the started service: a concurrent burst of wrong
 * passwords for one user gets no more guesses evaluated than the sequential policy allows
 * (5 before the first lock), and the right password sent after it is refused while locked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';

let k: LogKiosk | undefined;
afterEach(async () => {
  await k?.close();
  k = undefined;
});

describe('login burst (issue #14 item 1)', () => {
  it('200 concurrent wrong passwords: at most 5 evaluated (401), the rest 429; then the right one is refused while locked', async () => {
    k = await startLogKiosk();
    const user = ACCOUNTS.receptionist.username;
    const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => k!.login(user, `wrong password ${i}`)));
    const evaluated = burst.filter((r) => r.status === 401);
    const throttled = burst.filter((r) => r.status === 429);
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(evaluated.length + throttled.length).toBe(200);
    for (const r of evaluated) expect(r.json.code).toBe('LOGIN_FAILED');
    for (const r of throttled) {
      expect(r.json.code).toBe('LOGIN_THROTTLED');
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const right = await k.login(user);
    expect([right.status, right.json.code]).toEqual([429, 'LOGIN_THROTTLED']);
    expect(right.cookie).toBeUndefined();
    // Once the lock has passed (frozen clock moved on), the right password opens a session.
    k.clock.advance(31_000);
    const later = await k.login(user);
    expect(later.status).toBe(200);
    expect(later.cookie).toBeDefined();
  });
});
