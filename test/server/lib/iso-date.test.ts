import { describe, expect, it } from 'vitest';
import { isIsoDate, isRealDay, parseIsoInstant } from '../../../server/lib/iso-date.js';

describe('iso-date', () => {
  it('validates calendar days', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate(20260101)).toBe(false);
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(isRealDay(2026, 12, 31)).toBe(true);
    expect(isRealDay(2026, 13, 1)).toBe(false);
  });

  it('parses ISO-8601 dates and date-times only', () => {
    expect(parseIsoInstant('2026-11-25T09:00:00+07:00')).toBe(Date.parse('2026-11-25T02:00:00Z'));
    expect(parseIsoInstant('2026-11-25T02:00Z')).toBe(Date.parse('2026-11-25T02:00:00Z'));
    expect(parseIsoInstant('2026-11-25')).toBe(Date.parse('2026-11-25T00:00:00Z'));
    expect(parseIsoInstant('2026-11-25T09:00:00.123+0700')).toBe(Date.parse('2026-11-25T02:00:00.123Z'));
    for (const bad of ['yesterday', '25/11/2026', '2026-11-25 09:00', '2026-13-01', 'Tue Dec 01 2026', '']) {
      expect(parseIsoInstant(bad), bad).toBeUndefined();
    }
  });
});
