import { describe, expect, it } from 'vitest';
import { parseLegacyQr, splitLegacyFields } from '../../../server/card/legacy-qr.js';
import { LEGACY_HC, LEGACY_NEW, LEGACY_TE } from '../../helpers/legacy-samples.js';

function card(text: string) {
  const r = parseLegacyQr(text);
  if (!r.ok) throw new Error(`not parsed: ${r.detail}`);
  return r.card;
}

describe('parseLegacyQr', () => {
  it('reads the 15-character sample', () => {
    expect(card(LEGACY_HC)).toEqual({
      cardNumber: 'HC4121201234567',
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '1990-03-20',
      gender: 'male',
      address: 'Số 10 Ngõ 132 Trần Hưng Đạo, Phường Đoàn Kết, Thành phố Lai Châu',
      registeredFacility: '12001',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      issueDate: '2025-12-15',
      managementCode: '12011201234567',
      maSoBhxh: '1201234567',
      fiveYearDate: '2028-01-01',
    });
  });

  it('reads the 10-digit sample with fields 14/15', () => {
    expect(card(LEGACY_NEW)).toEqual({
      cardNumber: '1201234568',
      fullName: 'Lò Thị Mai',
      birthDate: '2001-11-05',
      gender: 'female',
      registeredFacility: '12003',
      validFrom: '2025-07-01',
      issueDate: '2025-06-20',
      managementCode: '12031201234568',
      maSoBhxh: '1201234568',
      fiveYearDate: '2030-07-01',
      benefitLevel: 4,
      issuedBy: 'Huyện Tam Đường, Tỉnh Lai Châu',
    });
  });

  it("reads the child's card with a parent name and no five-year date", () => {
    const c = card(LEGACY_TE);
    expect(c).toMatchObject({
      cardNumber: 'TE1121201234569',
      fullName: 'Vàng A Pó',
      parentName: 'Vàng A Chư',
      registeredFacility: '12002',
      validFrom: '2023-02-14',
      validTo: '2029-02-13',
    });
    expect(c.fiveYearDate).toBeUndefined();
    expect(c.address).toBe('Xã Bản Bo, Huyện Tam Đường, Tỉnh Lai Châu');
  });

  it('accepts #, no terminator, and terminator glued to the last field', () => {
    const base = LEGACY_HC.slice(0, -2); // without "|$"
    for (const t of [`${base}|#`, base, `${base}$`, `${base}|`]) {
      expect(splitLegacyFields(t)).toHaveLength(14);
      expect(card(t).cardNumber).toBe('HC4121201234567');
    }
  });

  it('reads a year-only birth date and area codes', () => {
    const f = splitLegacyFields(LEGACY_HC);
    f[2] = '1990';
    f[11] = '5';
    expect(card(f.join('|'))).toMatchObject({ birthDate: '1990', areaCode: 'K1' });
    f[11] = '7';
    expect(card(f.join('|')).areaCode).toBe('K3');
    f[11] = '4';
    expect(card(f.join('|')).areaCode).toBeUndefined();
  });

  it('normalises a facility with letters', () => {
    const f = splitLegacyFields(LEGACY_HC);
    f[5] = '01 - a12';
    expect(card(f.join('|')).registeredFacility).toBe('01A12');
  });

  it.each<[string, number, string]>([
    ['name not hex', 1, 'Nguyen'],
    ['name odd hex', 1, '4e6'],
    ['name invalid UTF-8', 1, 'c0ff'],
    ['name missing', 1, '-'],
    ['birth date bad', 2, '31/02/1990'],
    ['valid from bad', 6, '2026-01-01'],
    ['facility bad', 5, '12 - 0011'],
    ['management code bad', 9, '1201'],
    ['card number missing', 0, '-'],
  ])('malformed: %s', (_n, index, value) => {
    const f = splitLegacyFields(LEGACY_HC);
    f[index] = value;
    expect(parseLegacyQr(f.join('|')).ok).toBe(false);
  });

  it('refuses too few or too many fields', () => {
    expect(parseLegacyQr('a|b|c').ok).toBe(false);
    expect(parseLegacyQr(`${LEGACY_HC.slice(0, -2)}${'|x'.repeat(10)}`).ok).toBe(false);
  });

  it('refuses a bad benefit field on new cards', () => {
    const f = splitLegacyFields(LEGACY_NEW);
    f[14] = '9';
    expect(parseLegacyQr(f.join('|')).ok).toBe(false);
  });
});
