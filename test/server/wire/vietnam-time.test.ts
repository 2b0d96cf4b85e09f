import { describe, expect, it } from 'vitest';
import {
  VN_OFFSET_MS,
  vietnamDay,
  vietnamDayStart,
  vietnamTimestamp,
  vietnamWallClock,
  vietnamYear,
} from '../../../server/wire/vietnam-time.js';

describe('Vietnam time (UTC+7, no daylight saving)', () => {
  it('puts 17:00Z on the next Vietnam day, month and year', () => {
    expect(VN_OFFSET_MS).toBe(7 * 3600 * 1000);
    expect(vietnamDay(Date.parse('2026-12-31T16:59:59.999Z'))).toBe('2026-12-31');
    expect(vietnamDay(Date.parse('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
    expect(vietnamYear(Date.parse('2026-12-31T17:00:00Z'))).toBe(2027);
    expect(vietnamTimestamp(Date.parse('2026-11-25T02:00:00Z'))).toBe('2026-11-25T09:00:00.000+07:00');
    expect(vietnamWallClock(Date.parse('2026-11-25T02:05:00Z')).getUTCHours()).toBe(9);
  });

  it('gives the start of a real Vietnam day, and nothing for a day that does not exist', () => {
    expect(vietnamDayStart('2027-01-01')).toBe(Date.parse('2026-12-31T17:00:00Z'));
    expect(vietnamDayStart('2024-02-29')).toBe(Date.parse('2024-02-28T17:00:00Z'));
    for (const bad of ['2027-02-29', '2026-04-31', '2026-13-01', '2026-1-01', '0099-01-01', 'today']) {
      expect(vietnamDayStart(bad), bad).toBeUndefined();
    }
  });
});
