import { describe, expect, it } from 'vitest';
import { BENEFIT_PERCENT, LEGACY_AREA_CODES, OBJECT_CODES, PROVINCES } from '../../../server/card/tables.js';

describe('BHYT tables', () => {
  it('lists provinces including the defence and police funds', () => {
    expect(PROVINCES.get('12')).toBe('Lai Châu');
    expect(PROVINCES.get('79')).toBe('TP Hồ Chí Minh');
    expect(PROVINCES.has('97')).toBe(true);
    expect(PROVINCES.has('98')).toBe(true);
    expect(PROVINCES.has('03')).toBe(false);
    expect(PROVINCES.size).toBe(65);
  });

  it('knows the object codes from the domain table, including TV', () => {
    for (const c of ['DN', 'HC', 'TE', 'TV', 'QN', 'CA', 'CY', 'GD', 'SV', 'CN']) expect(OBJECT_CODES.has(c)).toBe(true);
    expect(OBJECT_CODES.has('AK')).toBe(false); // reported addition: unknown → warning
  });

  it('maps benefit levels to percentages', () => {
    expect([1, 2, 3, 4, 5].map((d) => BENEFIT_PERCENT.get(d))).toEqual([100, 100, 95, 80, 100]);
  });

  it('maps legacy area codes', () => {
    expect(LEGACY_AREA_CODES.get('5')).toBe('K1');
    expect(LEGACY_AREA_CODES.get('7')).toBe('K3');
    expect(LEGACY_AREA_CODES.get('4')).toBeUndefined();
  });
});
