import { describe, expect, it } from 'vitest';
import { FACILITY_CODE, isFacilityCode } from '../../../server/lib/facility-code.js';

describe('facility code', () => {
  it('is a 2-digit province and 3 digits or capital letters', () => {
    for (const ok of ['12001', '48ABC', '01Z9Z']) expect(isFacilityCode(ok), ok).toBe(true);
    for (const bad of ['1200', '120011', 'A2001', '12abc', ' 12001', 12001, undefined])
      expect(isFacilityCode(bad), String(bad)).toBe(false);
    expect(FACILITY_CODE.test('12001')).toBe(true);
  });
});
