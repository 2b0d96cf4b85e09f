import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
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
});
