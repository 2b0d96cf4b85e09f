import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../../server/wire/verification.js';
import { REASON_MESSAGES } from '../../../server/wire/reason-messages.js';
import { en } from '../../../kiosk-ui/i18n/en.js';
import { translator } from '../../../kiosk-ui/i18n/index.js';
import { vi } from '../../../kiosk-ui/i18n/vi.js';
import { formatDate } from '../../../kiosk-ui/verdict/format.js';
import { announcement, buildVerdictView } from '../../../kiosk-ui/verdict/view-model.js';

const tVi = translator('vi');
const tEn = translator('en');
const checkedAt = '2026-11-25T02:00:00.000Z';

const accepted: VerifyResult = {
  verdict: 'accepted',
  code: 'OK',
  reasons: [{ code: 'OK', severity: 'info', message_vi: 'Thẻ hợp lệ.', message_en: 'The card is valid.', portalCode: '000' }],
  checks: [],
  source: 'signed',
  issuerName: 'BHXH Việt Nam (thử nghiệm)',
  demo: true,
  card: {
    fullName: 'Nguyễn Đức Thiện',
    birthDate: '1990-03-20',
    gender: 'male',
    cardNumber: 'DN4121201234567',
    maSoBhxh: '1201234567',
    objectCode: 'DN',
    benefitLevel: 4,
    benefitPercent: 80,
    registeredFacility: '12001',
    provinceName: 'Lai Châu',
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    fiveYearDate: '2028-01-01',
    areaCode: 'K1',
    offRoute: false,
  },
  checkedAt,
};

const rejected: VerifyResult = {
  verdict: 'rejected',
  code: 'CARD_EXPIRED',
  portalCode: '010',
  reasons: [
    { code: 'OFF_ROUTE', severity: 'info', message_vi: 'Trái tuyến.', message_en: 'Off-route.' },
    { code: 'CARD_EXPIRED', severity: 'error', message_vi: 'Thẻ BHYT đã hết hạn sử dụng.', message_en: 'Expired.', portalCode: '010' },
  ],
  checks: [],
  card: { fullName: 'Lò Thị Mai', validFrom: '2025-07-01', offRoute: true, registeredFacility: '12003' },
  checkedAt,
};

const legacy: VerifyResult = {
  verdict: 'needs_review',
  code: 'UNSIGNED_LEGACY',
  reasons: [
    { code: 'UNSIGNED_LEGACY', severity: 'warning', message_vi: 'Mã QR trên thẻ giấy không có chữ ký số.', message_en: 'Unsigned.' },
  ],
  checks: [],
  source: 'legacy-unsigned',
  card: { fullName: 'Vàng A Pó', birthDate: '2023' },
  checkedAt,
};

describe('verdict view model', () => {
  it('accepted: green tone, HỢP LỆ, all card fields formatted for reading', () => {
    const v = buildVerdictView(accepted, 'vi', tVi);
    expect(v).toMatchObject({ verdict: 'accepted', code: 'OK', tone: 'ok', title: 'HỢP LỆ', demoCard: true });
    expect(v.reasons).toEqual([]); // "OK" is the verdict itself
    expect(v.unsignedBanner).toBeUndefined();
    const f = Object.fromEntries(v.fields.map((x) => [x.id, x.value]));
    expect(f).toMatchObject({
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '20/03/1990',
      gender: 'Nam',
      cardNumber: 'DN4121201234567',
      maSoBhxh: '1201234567',
      registeredFacility: '12001 (Lai Châu)',
      validity: '01/01/2026 – 31/12/2026',
      benefit: 'Mức 4 — quỹ chi trả 80%',
      fiveYearDate: '01/01/2028',
      areaCode: 'K1',
      offRoute: vi['offRoute.no'],
    });
    expect(v.fields[0]).toMatchObject({ id: 'fullName', emphasis: 'primary' });
  });

  it('rejected: red tone, the deciding error first with its portal number, off-route noted', () => {
    const v = buildVerdictView(rejected, 'vi', tVi);
    expect(v).toMatchObject({ tone: 'stop', title: 'KHÔNG HỢP LỆ', code: 'CARD_EXPIRED' });
    expect(v.reasons.map((r) => r.code)).toEqual(['CARD_EXPIRED', 'OFF_ROUTE']);
    expect(v.reasons[0]).toMatchObject({ portalCode: '010', text: 'Thẻ BHYT đã hết hạn sử dụng.' });
    const f = Object.fromEntries(v.fields.map((x) => [x.id, x]));
    expect(f.validity?.value).toBe('Từ 01/07/2025 (không ghi ngày hết hạn)');
    expect(f.offRoute).toMatchObject({ emphasis: 'notice', value: vi['offRoute.yes'] });
  });

  it('legacy paper card: amber, CẦN KIỂM TRA, the unsigned banner', () => {
    const v = buildVerdictView(legacy, 'vi', tVi);
    expect(v).toMatchObject({ tone: 'review', title: 'CẦN KIỂM TRA', unsignedBanner: 'Thẻ giấy không có chữ ký — cần tra cứu trực tuyến' });
    expect(v.fields.find((x) => x.id === 'birthDate')?.value).toBe('2023');
  });

  it('no card (malformed QR): reasons only, from the catalog when the server sent no message', () => {
    const r: VerifyResult = {
      verdict: 'rejected',
      code: 'QR_MALFORMED',
      reasons: [{ code: 'QR_MALFORMED', severity: 'error', message_vi: '', message_en: '' }],
      checks: [],
      checkedAt,
    };
    const v = buildVerdictView(r, 'vi', tVi);
    expect(v.fields).toEqual([]);
    expect(v.reasons[0]?.text).toBe(REASON_MESSAGES.QR_MALFORMED.message_vi);
  });

  it('English: catalog texts, not the server Vietnamese', () => {
    const v = buildVerdictView(rejected, 'en', tEn);
    expect(v.title).toBe('NOT VALID');
    expect(v.reasons[0]?.text).toBe(REASON_MESSAGES.CARD_EXPIRED.screen_en);
    expect(v.fields.find((x) => x.id === 'validity')?.value).toBe('From 01/07/2025 (no end date)');
  });

  it('an unknown code from a newer server still reads sensibly', () => {
    const r = {
      ...rejected,
      code: 'SOMETHING_NEW',
      reasons: [{ code: 'SOMETHING_NEW', severity: 'error', message_vi: '', message_en: '' }],
    } as unknown as VerifyResult;
    expect(buildVerdictView(r, 'en', tEn).reasons[0]?.text).toBe('Other reason (SOMETHING_NEW).');
  });

  it('announces the verdict and the reason, without the name', () => {
    const a = announcement(rejected, 'vi', tVi);
    expect(a).toContain('KHÔNG HỢP LỆ');
    expect(a).toContain('hết hạn');
    expect(a).not.toContain('Lò Thị Mai');
  });
});

describe('catalogs', () => {
  it('English has exactly the Vietnamese keys, none empty, placeholders matching', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [k, v] of Object.entries(vi)) {
      const e = en[k as keyof typeof vi];
      expect(e.length, k).toBeGreaterThan(0);
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(e), k).toEqual(ph(v));
    }
  });

  it('has a message for every reason code the verifier knows', async () => {
    const { REASON_CODES } = await import('../../../server/card/reasons.js');
    for (const code of REASON_CODES) expect(Object.keys(REASON_MESSAGES), code).toContain(code);
  });

  it('formats dates as on the paper card', () => {
    expect(formatDate('2026-03-05')).toBe('05/03/2026');
    expect(formatDate('1990')).toBe('1990');
    expect(formatDate(undefined)).toBeUndefined();
  });
});
