import { describe, expect, it } from 'vitest';
import { trustAgeLevel } from '../../../kiosk-ui/status/trust-level.js';

const DAY = 86_400;

describe('trust age level in the status bar', () => {
  it('is fresh up to half the allowed age, amber after, red once stale', () => {
    expect(trustAgeLevel(3600, 7 * DAY, false)).toBe('fresh');
    expect(trustAgeLevel(3.5 * DAY, 7 * DAY, false)).toBe('fresh');
    expect(trustAgeLevel(3.5 * DAY + 1, 7 * DAY, false)).toBe('ageing');
    expect(trustAgeLevel(7 * DAY + 1, 7 * DAY, false)).toBe('stale');
  });

  it('trusts the service when it says stale', () => {
    expect(trustAgeLevel(10, 7 * DAY, true)).toBe('stale');
  });

  it('stays fresh when the service gives no limit', () => {
    expect(trustAgeLevel(100 * DAY, undefined, false)).toBe('fresh');
  });
});
