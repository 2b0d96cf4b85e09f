import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
import { fold } from '../../../server/audit/fold.js';
import { parseFilter, parseRecentLimit, parseTop, rejectUnknownParams, SUMMARY_PARAMS } from '../../../server/audit/filters.js';

function problem(f: () => unknown): { code: string; detail: string | undefined; extra: Record<string, unknown> | undefined } {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    return { code: e.code, detail: e.detail, extra: e.extra };
  }
  throw new Error('expected an AppError');
}

describe('query parameter parsers', () => {
  it('unknown parameters are QUERY_UNKNOWN naming them (field, and param as before)', () => {
    expect(problem(() => rejectUnknownParams({ limit: '1', lmit: '2' }, ['limit']))).toEqual({
      code: 'QUERY_UNKNOWN',
      detail: 'Unknown query parameter "lmit".',
      extra: { field: 'lmit', param: 'lmit' },
    });
    expect(() => rejectUnknownParams({ limit: '1' }, ['limit'])).not.toThrow();
  });

  it('top: 1–50, default 10', () => {
    expect(parseTop({})).toBe(10);
    expect(parseTop({ top: '50' })).toBe(50);
    for (const top of ['0', '51', '', 'x', '007', ['1', '2']]) {
      expect(problem(() => parseTop({ top }))).toEqual({
        code: 'QUERY_INVALID',
        detail: '"top" must be 1–50.',
        extra: { field: 'top', param: 'top' },
      });
    }
  });

  it('limit of a desk’s recent visits: 1–100, default 20', () => {
    expect(parseRecentLimit({})).toBe(20);
    expect(parseRecentLimit({ limit: '100' })).toBe(100);
    for (const limit of ['0', '101', '', '1000', { a: '1' }]) {
      expect(problem(() => parseRecentLimit({ limit })).code).toBe('QUERY_INVALID');
    }
  });

  it('filter values: DATE_INVALID, QUERY_INVALID, DATE_RANGE_INVALID, all naming the parameter', () => {
    expect(problem(() => parseFilter({ from: '2026-02-30' }, SUMMARY_PARAMS))).toMatchObject({
      code: 'DATE_INVALID',
      extra: { field: 'from' },
    });
    expect(problem(() => parseFilter({ verdict: 'maybe' }, SUMMARY_PARAMS))).toMatchObject({
      code: 'QUERY_INVALID',
      extra: { param: 'verdict' },
    });
    expect(problem(() => parseFilter({ from: '2026-02-02', to: '2026-02-01' }, SUMMARY_PARAMS)).code).toBe('DATE_RANGE_INVALID');
  });

  it('forgiving filters (#13): part of a card number, reason codes in any case, operator and patient names folded', () => {
    expect(parseFilter({ cardNumber: 'hs4010' }, SUMMARY_PARAMS).filter).toEqual({ cardNumberPart: 'HS4010' });
    expect(parseFilter({ cardNumber: 'dn4121200000077' }, SUMMARY_PARAMS).filter).toEqual({ cardNumber: 'DN4121200000077' });
    expect(parseFilter({ reasonCode: ' off_route ' }, SUMMARY_PARAMS).filter).toEqual({ reasonCode: 'OFF_ROUTE' });
    const p = parseFilter({ operator: 'Nguyễn Thị  THU', name: 'nguyen duc thien' }, SUMMARY_PARAMS);
    expect(p.operatorText).toBe('nguyen thi thu');
    expect(p.nameText).toBe('nguyen duc thien');
    expect(p.echo).toEqual({ operator: 'Nguyễn Thị  THU', name: 'nguyen duc thien' });
    for (const bad of [
      { cardNumber: 'ab' },
      { cardNumber: 'DN-41' },
      { reasonCode: 'OFF ROUTE' },
      { operator: 'x' },
      { operator: 'a;DROP' },
    ]) {
      expect(problem(() => parseFilter(bad, SUMMARY_PARAMS))).toMatchObject({
        code: 'QUERY_INVALID',
        extra: { field: Object.keys(bad)[0] },
      });
    }
  });

  it('folds Vietnamese: no marks, đ as d, any case, spaces collapsed', () => {
    expect(fold('Nguyễn Đức Thiện')).toBe('nguyen duc thien');
    expect(fold('  TRẦN   văn kiểm ')).toBe('tran van kiem');
    expect(fold('le-tan')).toBe('le-tan');
  });
});
