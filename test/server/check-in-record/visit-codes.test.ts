import { describe, expect, it } from 'vitest';
import {
  benefitRateOn,
  DEFAULT_VISIT_TYPE,
  fallbackCategory,
  isValidCategory,
  isValidVisitType,
  proposeCategory,
  proposeForResult,
  tableProblems,
  visitCodesOn,
} from '../../../server/check-in-record/visit-codes.js';
import { VISIT_CATEGORIES, VISIT_TYPES, type VisitCategoryEntry } from '../../../server/check-in-record/visit-codes-table.js';
import type { VerifyResult } from '../../../server/wire/verification.js';

/** Every boundary the table has, the day before and after each, and a few ordinary days. */
function interestingDays(): string[] {
  const days = new Set<string>([
    '2023-06-01',
    '2024-12-31',
    '2025-01-01',
    '2025-06-30',
    '2025-07-01',
    '2026-06-30',
    '2026-07-01',
    '2026-12-01',
    '2030-01-01',
  ]);
  const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  for (const e of [...VISIT_CATEGORIES, ...VISIT_TYPES]) {
    for (const d of [e.validFrom, e.validTo]) if (d) for (const n of [-1, 0, 1]) days.add(shift(d, n));
  }
  return [...days].filter((d) => d >= '2023-02-15').sort();
}

describe('the visit-code table', () => {
  it('is consistent: codes well-formed, labels in both languages, sources, no overlapping validity', () => {
    expect(tableProblems(VISIT_CATEGORIES, VISIT_TYPES)).toEqual([]);
    for (const e of [...VISIT_CATEGORIES, ...VISIT_TYPES]) {
      expect(e.labelVi.trim(), e.code).not.toBe('');
      expect(e.labelEn.trim(), e.code).not.toBe('');
      expect(e.source.trim(), e.code).not.toBe('');
    }
  });

  it('is frozen data', () => {
    expect(Object.isFrozen(VISIT_CATEGORIES)).toBe(true);
    expect(Object.isFrozen(VISIT_CATEGORIES[0])).toBe(true);
    expect(Object.isFrozen(VISIT_CATEGORIES[0]!.benefit)).toBe(true);
    expect(Object.isFrozen(VISIT_TYPES)).toBe(true);
  });

  it('notices what an inconsistent table gets wrong', () => {
    const base: VisitCategoryEntry = {
      code: '1.1',
      labelVi: 'x',
      labelEn: 'x',
      validFrom: '2025-01-01',
      validTo: null,
      benefit: [],
      source: 's',
    };
    const problems = tableProblems(
      [
        base,
        { ...base, validFrom: '2025-06-01' },
        { ...base, code: '1.99999', labelEn: ' ' },
        { ...base, code: '3.1', benefit: [{ from: '2024-01-01', to: null, rate: 120 }] },
      ],
      [],
    );
    expect(problems.join('\n')).toMatch(/1\.1: validity .* overlaps/);
    expect(problems.join('\n')).toMatch(/1\.99999 .*code is not of the form/);
    expect(problems.join('\n')).toMatch(/a label is empty/);
    expect(problems.join('\n')).toMatch(/rate outside 0–100/);
    expect(problems.join('\n')).toMatch(/outside the code's validity/);
    expect(problems.join('\n')).toMatch(/default visit type/);
  });

  it('proposes, on every day of the table, only codes valid on that day', () => {
    const cases = [
      { registeredFacility: '12001', facility: '12001' },
      { registeredFacility: '12099', facility: '12001' },
      { registeredFacility: '01001', facility: '12001' },
    ];
    for (const day of interestingDays()) {
      for (const c of cases) {
        const code = proposeCategory({ ...c, at: day });
        if (code !== undefined) expect(isValidCategory(code, day), `${code} on ${day}`).toBe(true);
      }
      expect(proposeCategory({ ...cases[0]!, at: day }), day).toBe('1.1');
      if (day >= '2025-01-01') {
        expect(proposeCategory({ ...cases[1]!, at: day })).toBeDefined();
        expect(proposeCategory({ ...cases[2]!, at: day })).toBeDefined();
      }
      expect(isValidVisitType(DEFAULT_VISIT_TYPE, day), day).toBe(true);
    }
  });
});

describe('visitCodesOn', () => {
  it('lists the codes of a Vietnam day, with the default type', () => {
    const t = visitCodesOn('2026-12-01');
    expect(t.date).toBe('2026-12-01');
    expect(t.defaultType).toBe('01');
    expect(t.categories.map((c) => c.code)).toEqual(
      expect.arrayContaining(['1.1', '1.2', '1.3', '1.13', '1.14', '1.18', '2', '3.1', '3.2']),
    );
    expect(t.categories.find((c) => c.code === '1.1')).toMatchObject({ labelVi: 'Đúng tuyến, nơi đăng ký KCB ban đầu', validTo: null });
    expect(t.types.map((x) => x.code)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10']);
    expect(t.types[0]).toMatchObject({ code: '01', labelVi: 'Khám bệnh', labelEn: 'Examination' });
  });

  it('takes an instant in Vietnam time: 17:00Z on 31 December 2024 is already 2025 in Hà Nội', () => {
    const before = visitCodesOn(Date.parse('2024-12-31T16:59:59Z'));
    const after = visitCodesOn(Date.parse('2024-12-31T17:00:00Z'));
    expect(before.date).toBe('2024-12-31');
    expect(after.date).toBe('2025-01-01');
    expect(before.categories.find((c) => c.code === '1.2')?.labelEn).toMatch(/District-level/);
    expect(after.categories.find((c) => c.code === '1.2')?.labelEn).toMatch(/primary-level/);
    expect(before.categories.some((c) => c.code === '1.14')).toBe(false);
    expect(after.categories.some((c) => c.code === '1.14')).toBe(true);
  });

  it('refuses a day that is not YYYY-MM-DD', () => {
    expect(() => visitCodesOn('2026-02-30')).toThrow(TypeError);
    expect(() => visitCodesOn(Number.NaN)).toThrow(TypeError);
  });
});

describe('validity checks', () => {
  it('accepts a code only on the days it holds', () => {
    expect(isValidCategory('1.14', '2026-12-01')).toBe(true);
    expect(isValidCategory('1.14', '2024-12-31')).toBe(false);
    expect(isValidCategory('8', '2026-12-01')).toBe(false); // withdrawing a claim: no check-in category
    expect(isValidCategory('1.1 ', '2026-12-01')).toBe(false);
    expect(isValidCategory(1.1, '2026-12-01')).toBe(false);
    expect(isValidVisitType('01', '2026-12-01')).toBe(true);
    expect(isValidVisitType('11', '2026-12-01')).toBe(false);
    expect(isValidVisitType('1', '2026-12-01')).toBe(false);
  });
});

describe('benefit rules', () => {
  it('phase in 1.13 / 1.14 / 1.18 on 1 July 2026', () => {
    for (const code of ['1.13', '1.14', '1.18']) {
      expect(benefitRateOn(code, '2026-06-30'), code).toBe(0);
      expect(benefitRateOn(code, '2026-07-01'), code).toBe(50);
    }
  });

  it('tell inpatient from outpatient where the decision does (3.1)', () => {
    expect(benefitRateOn('3.1', '2026-12-01', 'inpatient')).toBe(40);
    expect(benefitRateOn('3.1', '2026-12-01', 'outpatient')).toBe(0);
    expect(benefitRateOn('1.1', '2026-12-01')).toBe(100);
    expect(benefitRateOn('7.2', '2026-12-01')).toBeUndefined();
  });
});

describe('proposeCategory', () => {
  const at = '2026-12-01';
  it('registered here → 1.1 (case and spaces do not matter)', () => {
    expect(proposeCategory({ registeredFacility: '12001', facility: '12001', at })).toBe('1.1');
    expect(proposeCategory({ registeredFacility: ' 12a01', facility: '12A01', at })).toBe('1.1');
  });

  it('elsewhere in the province → the in-province code of the day, else the self-referred one', () => {
    expect(proposeCategory({ registeredFacility: '12002', facility: '12001', at: '2024-11-01' })).toBe('1.2');
    expect(proposeCategory({ registeredFacility: '12002', facility: '12001', at })).toBe('1.14');
  });

  it('another province → the self-referred code of the day; none before 2025 (not in the table)', () => {
    expect(proposeCategory({ registeredFacility: '01001', facility: '12001', at })).toBe('1.14');
    expect(proposeCategory({ registeredFacility: '01001', facility: '12001', at: '2024-11-01' })).toBeUndefined();
  });

  it("proposes nothing when the card names no registered facility; the fallback is the day's code that assumes nothing", () => {
    expect(proposeCategory({ registeredFacility: undefined, facility: '12001', at })).toBeUndefined();
    expect(fallbackCategory(at)).toBe(proposeCategory({ registeredFacility: '79001', facility: '12001', at }));
    expect(proposeCategory({ registeredFacility: '', facility: '12001', at })).toBeUndefined();
  });

  it('proposes for a result shown at the desk, never for a rejected card', () => {
    const result = {
      verdict: 'accepted',
      code: 'OK',
      reasons: [],
      checks: [],
      card: { registeredFacility: '12001' },
      checkedAt: '2026-12-01T02:00:00.000Z',
    } satisfies VerifyResult;
    expect(proposeForResult(result, '12001')).toBe('1.1');
    expect(proposeForResult(result, undefined)).toBeUndefined();
    expect(proposeForResult({ ...result, verdict: 'rejected' }, '12001')).toBeUndefined();
    expect(proposeForResult({ ...result, verdict: 'needs_review', card: { registeredFacility: '79001' } }, '12001')).toBe('1.14');
  });
});
