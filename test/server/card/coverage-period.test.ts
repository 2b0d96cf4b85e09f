import { describe, expect, it } from 'vitest';
import { checkCoveragePeriod } from '../../../server/card/coverage-period.js';

const at = (iso: string) => Date.parse(iso);
const codes = (card: { validFrom?: string; validTo?: string }, iso: string) => checkCoveragePeriod(card, at(iso)).map((r) => r.code);

describe('checkCoveragePeriod (Vietnam calendar day, UTC+7)', () => {
  const card = { validFrom: '2026-01-01', validTo: '2026-12-31' };

  it('keeps the end date valid through 23:59:59 local', () => {
    expect(codes(card, '2026-12-31T16:59:59Z')).toEqual([]);
    expect(codes(card, '2026-12-31T16:59:59.999Z')).toEqual([]);
  });

  it('is expired from local midnight', () => {
    expect(codes(card, '2026-12-31T17:00:00Z')).toEqual(['CARD_EXPIRED']);
    expect(checkCoveragePeriod(card, at('2027-06-01T00:00:00Z'))[0]?.portalCode).toBe('010');
  });

  it('starts at local midnight of the start day', () => {
    expect(codes(card, '2025-12-31T16:59:59Z')).toEqual(['CARD_NOT_YET_VALID']);
    expect(codes(card, '2025-12-31T17:00:00Z')).toEqual([]);
  });

  it('accepts an absent end date or period', () => {
    expect(codes({ validFrom: '2026-01-01' }, '2040-01-01T00:00:00Z')).toEqual([]);
    expect(codes({}, '2040-01-01T00:00:00Z')).toEqual([]);
  });

  it('accepts a one-day period on that day only', () => {
    const one = { validFrom: '2026-11-25', validTo: '2026-11-25' };
    expect(codes(one, '2026-11-24T17:00:00Z')).toEqual([]);
    expect(codes(one, '2026-11-25T16:59:59Z')).toEqual([]);
    expect(codes(one, '2026-11-25T17:00:00Z')).toEqual(['CARD_EXPIRED']);
  });
});
