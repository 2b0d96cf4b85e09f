import { describe, expect, it } from 'vitest';
import { parseIdCardQr, sameHolder } from '../../../server/card/id-card-qr.js';
import { parseLegacyQr } from '../../../server/card/legacy-qr.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';

describe('parseIdCardQr', () => {
  it('reads the CCCD sample', () => {
    expect(parseIdCardQr(CCCD)).toEqual({
      ok: true,
      card: { idNumber: '012090001234', fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20', gender: 'male' },
    });
  });

  it('reads Nữ in either Unicode form and an empty old ID', () => {
    const nfd = '012090001235||Lò Thị Mai|05112001|' + 'Nữ'.normalize('NFD') + '|Lai Châu|15082021';
    expect(parseIdCardQr(nfd)).toMatchObject({ ok: true, card: { gender: 'female', birthDate: '2001-11-05' } });
  });

  it.each([
    ['6 fields', '012090001234|1|A|20031990|Nam|x'],
    ['11-digit id', '01209000123|1|A|20031990|Nam|x|15082021'],
    ['bad date', '012090001234|1|A|32031990|Nam|x|15082021'],
    ['no name', '012090001234|1| |20031990|Nam|x|15082021'],
  ])('refuses %s', (_n, text) => {
    expect(parseIdCardQr(text).ok).toBe(false);
  });
});

describe('sameHolder', () => {
  const id = { fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20' };

  it('matches the legacy sample holder', () => {
    const legacy = parseLegacyQr(LEGACY_HC);
    const cccd = parseIdCardQr(CCCD);
    if (!legacy.ok || !cccd.ok) throw new Error('fixture');
    expect(sameHolder(legacy.card, cccd.card)).toBe(true);
  });

  it('ignores case, extra spaces and composition', () => {
    expect(sameHolder({ fullName: '  NGUYỄN  ĐỨC thiện ', birthDate: '1990-03-20' }, id)).toBe(true);
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiện'.normalize('NFD'), birthDate: '1990-03-20' }, id)).toBe(true);
  });

  it('accepts a year-only birth date on the card', () => {
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiện', birthDate: '1990' }, id)).toBe(true);
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiện', birthDate: '1991' }, id)).toBe(false);
  });

  it('refuses different names, dates or missing fields', () => {
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiên', birthDate: '1990-03-20' }, id)).toBe(false);
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-21' }, id)).toBe(false);
    expect(sameHolder({ fullName: 'Nguyễn Đức Thiện' }, id)).toBe(false);
    expect(sameHolder({}, {})).toBe(false);
  });
});
