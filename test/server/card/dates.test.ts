import { describe, expect, it } from 'vitest';
import { isFhirDate, isoFromDmyCompact, isoFromDmySlash } from '../../../server/card/dates.js';
import { vietnamDay } from '../../../server/wire/vietnam-time.js';

describe('dates', () => {
  it('validates FHIR partial dates', () => {
    for (const ok of ['1990', '1990-03', '1990-03-20']) expect(isFhirDate(ok)).toBe(true);
    for (const bad of ['1990-13', '1990-03-32', '90-03-20', '']) expect(isFhirDate(bad)).toBe(false);
  });

  it('converts legacy and CCCD dates', () => {
    expect(isoFromDmySlash('20/03/1990')).toBe('1990-03-20');
    expect(isoFromDmySlash(' 01/01/2028')).toBe('2028-01-01');
    expect(isoFromDmySlash('1990')).toBeUndefined();
    expect(isoFromDmySlash('1990', true)).toBe('1990');
    expect(isoFromDmySlash('31/02/2026')).toBeUndefined();
    expect(isoFromDmyCompact('20031990')).toBe('1990-03-20');
    expect(isoFromDmyCompact('2003199')).toBeUndefined();
  });

  it('gives the Vietnam calendar day', () => {
    expect(vietnamDay(Date.parse('2026-12-31T16:59:59Z'))).toBe('2026-12-31');
    expect(vietnamDay(Date.parse('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
    expect(vietnamDay(Date.parse('2026-12-31T17:00:00Z') - 1)).toBe('2026-12-31');
  });
});
