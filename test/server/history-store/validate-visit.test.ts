import { describe, expect, it } from 'vitest';
import { validateItem } from '../../../server/history-store/validate-visit.js';
import { vietnamDay, vietnamDayStart, vietnamYear } from '../../../server/wire/vietnam-time.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const base = {
  id: '0190A000-0000-7000-8000-000000000001',
  facility: '12001',
  maSoBhxh: '0123456789',
  visitType: '03',
  checkedInAt: '2026-11-24T10:00:00.123456+07:00',
  verdict: 'needs_review',
  source: 'legacy-unsigned',
};

describe('validateItem', () => {
  it('normalises id case and the instant; card number is optional', () => {
    const r = validateItem(base, '12001', NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.visit.id).toBe('0190a000-0000-7000-8000-000000000001');
    expect(r.visit.checkedInAt).toBe('2026-11-24T03:00:00.123Z');
    expect(r.visit.cardNumber).toBeUndefined();
    const same = validateItem({ ...base, checkedInAt: '2026-11-24T03:00:00.123Z' }, '12001', NOW);
    expect(same.ok && same.contentHash).toBe(r.contentHash);
    const other = validateItem({ ...base, visitType: '01' }, '12001', NOW);
    expect(other.ok && other.contentHash).not.toBe(r.contentHash);
    expect(validateItem({ ...base, cardNumber: '0123456789' }, '12001', NOW).ok).toBe(true);
  });

  it('accepts a clock up to a day ahead, not more; refuses implausibly old times', () => {
    expect(validateItem({ ...base, checkedInAt: '2026-11-26T01:59:00Z' }, '12001', NOW).ok).toBe(true);
    expect(validateItem({ ...base, checkedInAt: '2026-11-26T02:01:00Z' }, '12001', NOW)).toMatchObject({
      ok: false,
      code: 'CHECKED_IN_AT_FUTURE',
    });
    expect(validateItem({ ...base, checkedInAt: '1999-12-31T00:00:00Z' }, '12001', NOW)).toMatchObject({
      ok: false,
      code: 'CHECKED_IN_AT_INVALID',
    });
    expect(validateItem({ ...base, checkedInAt: '2026-13-45T00:00:00Z' }, '12001', NOW)).toMatchObject({
      ok: false,
      code: 'CHECKED_IN_AT_INVALID',
    });
  });
});

describe('Vietnam time', () => {
  it('puts 17:00Z on 31 December into the next year', () => {
    expect(vietnamYear(Date.parse('2026-12-31T16:59:59.999Z'))).toBe(2026);
    expect(vietnamYear(Date.parse('2026-12-31T17:00:00Z'))).toBe(2027);
    expect(vietnamYear(Date.parse('2026-12-31T17:30:00Z'))).toBe(2027);
    expect(vietnamDay(Date.parse('2026-12-31T17:30:00Z'))).toBe('2027-01-01');
    expect(vietnamDayStart('2027-01-01')).toBe(Date.parse('2026-12-31T17:00:00Z'));
    expect(vietnamDayStart('2027-02-29')).toBeUndefined();
  });
});
