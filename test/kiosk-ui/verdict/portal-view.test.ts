import { describe, expect, it } from 'vitest';
import type { PortalSummary } from '../../../kiosk-ui/card-check/types.js';
import { translator } from '../../../kiosk-ui/i18n/index.js';
import { buildPortalView, formatInstant } from '../../../kiosk-ui/verdict/portal-view.js';

const tVi = translator('vi');
const tEn = translator('en');
const field = (v: ReturnType<typeof buildPortalView>, id: string) => v.fields.find((f) => f.id === id)?.value;

describe('portal view', () => {
  it('pending: being asked', () => {
    const v = buildPortalView({ state: 'pending' }, 'vi', tVi);
    expect(v).toMatchObject({ tone: 'pending', title: 'Đang tra cứu cổng giám định…' });
    expect(v.code).toBeUndefined();
  });

  it('000 with the portal’s details: address, facility, 5-year date, last visit, already today', () => {
    const p: PortalSummary = {
      state: 'done',
      code: '000',
      message: 'Thông tin thẻ chính xác',
      latencyMs: 3240,
      address: 'Số 1 Phố Huế, Hà Nội',
      registeredFacility: '12001',
      fiveYearDate: '2028-01-01',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      lastVisit: { facility: '79002', from: '2026-11-25T07:45+07:00', to: '2026-11-25T08:10+07:00' },
      alreadyCheckedInToday: { at: '07:45', facility: '79002', via: 'visit' },
    };
    const v = buildPortalView(p, 'vi', tVi);
    expect(v).toMatchObject({ tone: 'ok', code: '000', message: 'Thông tin thẻ chính xác', latency: 'Trả lời sau 3,2 giây' });
    expect(v.today).toBe('Đã tiếp nhận hôm nay lúc 07:45 tại cơ sở 79002');
    expect(field(v, 'portalAddress')).toBe('Số 1 Phố Huế, Hà Nội');
    expect(field(v, 'portalFacility')).toBe('12001');
    expect(field(v, 'portalFiveYear')).toBe('01/01/2028');
    expect(field(v, 'portalValidity')).toBe('01/01/2026 – 31/12/2026');
    expect(field(v, 'portalLastVisit')).toBe('25/11/2026 07:45 – 25/11/2026 08:10 tại 79002');
    expect(buildPortalView(p, 'en', tEn).today).toBe('Already checked in today at 07:45 at facility 79002');
  });

  it('003: the new card number and dates, tone stop', () => {
    const v = buildPortalView(
      {
        state: 'done',
        code: '003',
        newCard: {
          cardNumber: 'DN4010100000099',
          validFrom: '2026-07-01',
          validTo: '2027-06-30',
          registeredFacility: '12001',
          registeredFacilityName: 'BV A',
        },
      },
      'vi',
      tVi,
    );
    expect(v.tone).toBe('stop');
    expect(field(v, 'newCardNumber')).toBe('DN4010100000099');
    expect(field(v, 'newCardValidity')).toBe('01/07/2026 – 30/06/2027');
    expect(field(v, 'newCardFacility')).toBe('12001 — BV A');
  });

  it('a mismatch shows the portal’s value beside the card’s', () => {
    const v = buildPortalView(
      { state: 'done', code: '070', mismatch: { field: 'birthDate', portal: '1990-03-21', card: '1990-03-20' } },
      'vi',
      tVi,
    );
    expect(v.mismatch).toEqual({ field: 'birthDate', label: 'Ngày sinh', portal: '21/03/1990', card: '20/03/1990' });
    expect(v.tone).toBe('review');
  });

  it('config is the facility’s problem, never the patient’s; unavailable asks the receptionist', () => {
    const c = buildPortalView({ state: 'config', code: '054', message: 'Số CCCD của cán bộ tra cứu chưa được đăng ký' }, 'vi', tVi);
    expect(c.tone).toBe('config');
    expect(c.title).toBe('Lỗi cấu hình của cơ sở, không phải lỗi của người bệnh');
    expect(c.hint).toContain('Báo bộ phận kỹ thuật');
    const u = buildPortalView({ state: 'unavailable' }, 'vi', tVi);
    expect(u.title).toBe('Cổng giám định không trả lời kịp');
  });

  it('formats Vietnam instants as written', () => {
    expect(formatInstant('2026-11-25T08:10+07:00')).toBe('25/11/2026 08:10');
    expect(formatInstant(undefined)).toBeUndefined();
  });
});
