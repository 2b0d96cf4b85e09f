import { describe, expect, it } from 'vitest';
import { reason } from '../../../server/card/reasons.js';
import { REASON_CODES } from '../../../server/card/reasons.js';
import { manualEntryResult, mergePortalOutcome, withPortalState } from '../../../server/portal/merge.js';
import type { PortalOutcome } from '../../../server/portal/outcome.js';
import { isoFromPortalDate, msFromPortalDateTime, summaryFromOutcome } from '../../../server/portal/summary.js';
import { PORTAL_REASON_CODES, PORTAL_VERDICTS, portalVerdictRow } from '../../../server/portal/verdicts.js';
import { CARD_CHECK_RESULT_CODES, type CardCheckReply, type CheckHistoryItem, type VisitHistoryItem } from '../../../server/wire/portal.js';
import type { VerifyResult } from '../../../server/wire/verification.js';

const NOW = Date.parse('2026-12-01T03:00:00Z'); // 10:00 in Vietnam

function reply(code: string, over: Partial<CardCheckReply> = {}): CardCheckReply {
  return {
    maKetQua: code,
    ghiChu: null,
    maThe: null,
    hoTen: null,
    ngaySinh: null,
    gioiTinh: null,
    diaChi: null,
    maDKBD: null,
    cqBHXH: null,
    maKV: null,
    ngayDu5Nam: null,
    maSoBHXH: null,
    gtTheTu: null,
    gtTheDen: null,
    maTheCu: null,
    maTheMoi: null,
    gtTheTuMoi: null,
    gtTheDenMoi: null,
    maDKBDMoi: null,
    tenDKBDMoi: null,
    dsLichSuKCB2018: [],
    dsLichSuKT2018: [],
    ...over,
  };
}

const stats = { attempts: 1, renewals: 0, latencyMs: 1200, startedAt: NOW - 1200, checkedAt: NOW };
const answer = (code: string, over: Partial<CardCheckReply> = {}): PortalOutcome => ({
  kind: 'answer',
  code,
  reply: reply(code, over),
  ...stats,
});

/** A legacy card's local result: UNSIGNED_LEGACY (needs review) and OFF_ROUTE (info). */
function legacyLocal(): VerifyResult {
  return {
    verdict: 'needs_review',
    code: 'UNSIGNED_LEGACY',
    reasons: [reason('UNSIGNED_LEGACY'), reason('OFF_ROUTE')],
    checks: [
      { name: 'qr', ok: true },
      { name: 'card', ok: true },
    ],
    card: { cardNumber: 'HC4121201234567', fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20', registeredFacility: '12002' },
    source: 'legacy-unsigned',
    checkedAt: new Date(NOW).toISOString(),
  };
}

describe('the portal-verdict table', () => {
  it('has one row per result code of the wire, and every reason it names exists', () => {
    expect(Object.keys(PORTAL_VERDICTS).sort()).toEqual([...CARD_CHECK_RESULT_CODES].sort());
    for (const row of Object.values(PORTAL_VERDICTS) as { reason?: string }[]) if (row.reason) expect(REASON_CODES).toContain(row.reason);
    for (const c of PORTAL_REASON_CODES) expect(REASON_CODES).toContain(c);
    expect(portalVerdictRow('999')).toBeUndefined();
    expect(portalVerdictRow('toString')).toBeUndefined();
  });

  // Merged into a legacy card's local result (UNSIGNED_LEGACY + OFF_ROUTE).
  it.each<[string, VerifyResult['verdict'], string, boolean]>([
    ['000', 'accepted', 'OFF_ROUTE', false],
    ['001', 'needs_review', 'SPECIAL_FUND_CARD', true],
    ['002', 'needs_review', 'SPECIAL_FUND_CARD', true],
    ['003', 'rejected', 'CARD_REPLACED', true],
    ['004', 'accepted', 'OFF_ROUTE', false],
    ['010', 'rejected', 'CARD_EXPIRED', true],
    ['050', 'needs_review', 'PORTAL_CARD_NOT_FOUND', true],
    ['051', 'rejected', 'CARD_NUMBER_INVALID', true],
    ['052', 'rejected', 'CARD_NUMBER_INVALID', true],
    ['053', 'rejected', 'CARD_NUMBER_INVALID', true],
    ['054', 'needs_review', 'PORTAL_CONFIG_ERROR', true],
    ['055', 'needs_review', 'PORTAL_CONFIG_ERROR', true],
    ['060', 'needs_review', 'PORTAL_NAME_MISMATCH', true],
    ['061', 'needs_review', 'PORTAL_NAME_MISMATCH', true],
    ['070', 'needs_review', 'PORTAL_BIRTH_DATE_MISMATCH', true],
    ['090', 'needs_review', 'PORTAL_FACILITY_MISMATCH', true],
    ['100', 'needs_review', 'PORTAL_UNAVAILABLE', true],
    ['101', 'needs_review', 'PORTAL_UNAVAILABLE', true],
    ['110', 'rejected', 'REVOKED', true],
    ['120', 'rejected', 'CARD_REDUCED', true],
    ['121', 'rejected', 'CARD_REDUCED', true],
    ['122', 'rejected', 'CARD_REDUCED', true],
    ['123', 'rejected', 'CARD_REDUCED', true],
    ['124', 'rejected', 'CARD_REDUCED', true],
    ['130', 'needs_review', 'CHILD_CARD_NOT_PRESENTED', true],
    ['205', 'needs_review', 'PORTAL_REQUEST_INVALID', true],
    ['401', 'needs_review', 'PORTAL_CONFIG_ERROR', true],
    ['500', 'needs_review', 'PORTAL_UNAVAILABLE', true],
    ['777', 'needs_review', 'PORTAL_CODE_UNKNOWN', true],
  ])('%s → %s %s', (code, verdict, primary, keepsUnsigned) => {
    const local = legacyLocal();
    const merged = mergePortalOutcome(local, answer(code));
    expect(merged.verdict).toBe(verdict);
    expect(merged.code).toBe(primary);
    expect(merged.portalCode).toBe(code);
    expect(merged.reasons.some((r) => r.code === 'UNSIGNED_LEGACY')).toBe(keepsUnsigned);
    // The portal's reason carries the portal's own number.
    if (primary !== 'OFF_ROUTE') expect(merged.reasons[0]).toMatchObject({ code: primary, portalCode: code });
    expect(merged.reasons.some((r) => r.code === 'OFF_ROUTE')).toBe(true);
    expect(local.reasons.map((r) => r.code)).toEqual(['UNSIGNED_LEGACY', 'OFF_ROUTE']); // not modified
  });

  it('001/002: the special-fund reason becomes a warning ("check ID papers")', () => {
    const merged = mergePortalOutcome(
      manualEntryResult({ cardNumber: 'QN5971234567890', name: 'A B', birthDate: '1980' }, NOW),
      answer('002'),
    );
    expect(merged.reasons[0]).toMatchObject({ code: 'SPECIAL_FUND_CARD', severity: 'warning', portalCode: '002' });
    expect(merged.verdict).toBe('needs_review');
  });

  it('004 adds NEW_CARD_ISSUED (info); an accepted signed card stays accepted', () => {
    const signed: VerifyResult = {
      verdict: 'accepted',
      code: 'OK',
      portalCode: '000',
      reasons: [],
      checks: [],
      source: 'signed',
      checkedAt: '',
    };
    const merged = mergePortalOutcome(signed, answer('004'));
    expect(merged).toMatchObject({ verdict: 'accepted', code: 'NEW_CARD_ISSUED', portalCode: '004' });
    expect(mergePortalOutcome(signed, answer('000'))).toMatchObject({ verdict: 'accepted', code: 'OK', portalCode: '000' });
  });

  it('a local error is never cleared by an online pass', () => {
    const local = legacyLocal();
    local.reasons.push(reason('CARD_EXPIRED'));
    expect(mergePortalOutcome(local, answer('000'))).toMatchObject({ verdict: 'rejected', code: 'CARD_EXPIRED', portalCode: '000' });
  });

  it('unavailable and config outcomes: a person decides, nothing is cleared, the patient is not blamed', () => {
    const un = mergePortalOutcome(legacyLocal(), { kind: 'unavailable', cause: 'timeout', ...stats });
    expect(un).toMatchObject({ verdict: 'needs_review', code: 'PORTAL_UNAVAILABLE', portal: { state: 'unavailable', latencyMs: 1200 } });
    expect(un.portalCode).toBeUndefined();
    expect(un.reasons.map((r) => r.code)).toEqual(['PORTAL_UNAVAILABLE', 'UNSIGNED_LEGACY', 'OFF_ROUTE']);
    const cfg = mergePortalOutcome(legacyLocal(), { kind: 'config', code: 'HTTP_404', ...stats });
    expect(cfg).toMatchObject({
      verdict: 'needs_review',
      code: 'PORTAL_CONFIG_ERROR',
      portalCode: 'HTTP_404',
      portal: { state: 'config', code: 'HTTP_404' },
    });
    expect(cfg.reasons.every((r) => r.severity !== 'error')).toBe(true);
  });

  it('pending / not needed / off keep the local result as it is', () => {
    const local = legacyLocal();
    expect(withPortalState(local, 'pending')).toEqual({ ...local, portal: { state: 'pending' } });
    expect(withPortalState(local, 'off').portal).toEqual({ state: 'off' });
  });

  it('a manual entry alone needs review (MANUAL_ENTRY) and is cleared by a pass', () => {
    const m = manualEntryResult({ cccd: '012090001234', name: ' Nguyễn  Đức Thiện', birthDate: '1990-03-20' }, NOW);
    expect(m).toMatchObject({
      verdict: 'needs_review',
      code: 'MANUAL_ENTRY',
      card: { idNumber: '012090001234', fullName: 'Nguyễn Đức Thiện' },
    });
    expect(m.source).toBeUndefined();
    expect(mergePortalOutcome(m, answer('000'))).toMatchObject({ verdict: 'accepted', code: 'OK', reasons: [] });
  });

  it("a pass fills what the card lacks from the agency's record (a chip ID card has no mã số BHXH), never what it says", () => {
    const idCard: VerifyResult = {
      ...legacyLocal(),
      code: 'ID_CARD_PRESENTED',
      reasons: [reason('ID_CARD_PRESENTED')],
      card: { idNumber: '012090001234', fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20' },
      source: 'id-card',
    };
    const record = {
      maThe: 'HC4121201234567',
      maSoBHXH: '1201234567',
      hoTen: 'NGUYEN DUC THIEN',
      maDKBD: '12001',
      gtTheTu: '01/01/2026',
      gtTheDen: '31/12/2026',
      ngayDu5Nam: '01/01/2028',
    };
    expect(mergePortalOutcome(idCard, answer('000', record)).card).toEqual({
      idNumber: '012090001234',
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '1990-03-20',
      maSoBhxh: '1201234567',
      cardNumber: 'HC4121201234567',
      registeredFacility: '12001',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      fiveYearDate: '2028-01-01',
    });
    // A lookup by ID number may echo the ID number as maThe: that is not a card number.
    expect(mergePortalOutcome(idCard, answer('000', { ...record, maThe: '012090001234' })).card?.cardNumber).toBeUndefined();
    // The card's own fields win; a review or reject answer fills nothing.
    expect(mergePortalOutcome(legacyLocal(), answer('000', record)).card?.registeredFacility).toBe('12002');
    expect(mergePortalOutcome(idCard, answer('070', record)).card).toEqual(idCard.card);
  });
});

const visit = (maCSKCB: string, ngayVao: string, ngayRa: string | null = null): VisitHistoryItem => ({
  maHoSo: 'x',
  maCSKCB,
  ngayVao,
  ngayRa,
  tenBenh: null,
  tinhTrang: null,
  kqDieuTri: null,
  lyDoVV: null,
});
const check = (userKT: string, thoiGianKT: string): CheckHistoryItem => ({ userKT, thoiGianKT, thongBao: null, maLoi: '000' });

describe('the portal summary', () => {
  it('portal dates and instants (Vietnam local time)', () => {
    expect(isoFromPortalDate('31/12/2026')).toBe('2026-12-31');
    expect(isoFromPortalDate('1990')).toBe('1990');
    expect(isoFromPortalDate('31/02/2026')).toBeUndefined();
    expect(isoFromPortalDate(null)).toBeUndefined();
    expect(msFromPortalDateTime('202612010810')).toBe(Date.parse('2026-12-01T01:10:00Z'));
    expect(msFromPortalDateTime('202612012460')).toBeUndefined();
  });

  it('card details, new card, last visit, and a visit earlier today', () => {
    const s = summaryFromOutcome(
      answer('004', {
        ghiChu: 'Thẻ cũ còn giá trị, đã được cấp thẻ mới',
        diaChi: 'Lai Châu',
        maDKBD: '12001',
        ngayDu5Nam: '01/01/2028',
        gtTheTu: '01/01/2026',
        gtTheDen: '31/12/2026',
        maTheMoi: 'HC4121200009998',
        gtTheTuMoi: '15/11/2026',
        gtTheDenMoi: null,
        maDKBDMoi: '12002',
        tenDKBDMoi: 'Trung tâm Y tế',
        dsLichSuKCB2018: [visit('12001', '202611031400', '202611031530'), visit('12002', '202612010810'), visit('12009', 'garbage')],
      }),
    );
    expect(s).toEqual({
      state: 'done',
      code: '004',
      message: 'Thẻ cũ còn giá trị, đã được cấp thẻ mới',
      checkedAt: new Date(NOW).toISOString(),
      latencyMs: 1200,
      attempts: 1,
      address: 'Lai Châu',
      registeredFacility: '12001',
      fiveYearDate: '2028-01-01',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      newCard: {
        cardNumber: 'HC4121200009998',
        validFrom: '2026-11-15',
        registeredFacility: '12002',
        registeredFacilityName: 'Trung tâm Y tế',
      },
      lastVisit: { facility: '12002', from: '2026-12-01T08:10+07:00' },
      // Newest first; the unreadable one is left out.
      lastVisits: [
        { facility: '12002', from: '2026-12-01T08:10+07:00' },
        { facility: '12001', from: '2026-11-03T14:00+07:00', to: '2026-11-03T15:30+07:00' },
      ],
      alreadyCheckedInToday: { at: '08:10', facility: '12002', via: 'visit' },
    });
  });

  it('"today" is the Vietnam calendar day: 23:30 UTC yesterday is 06:30 today in Hà Nội', () => {
    const s = summaryFromOutcome(answer('000', { dsLichSuKCB2018: [visit('12003', '202612010630'), visit('12004', '202611302350')] }));
    expect(s.alreadyCheckedInToday).toEqual({ at: '06:30', facility: '12003', via: 'visit' });
    const yesterdayOnly = summaryFromOutcome(answer('000', { dsLichSuKCB2018: [visit('12004', '202611302350')] }));
    expect(yesterdayOnly.alreadyCheckedInToday).toBeUndefined();
    expect(yesterdayOnly.lastVisit).toEqual({ facility: '12004', from: '2026-11-30T23:50+07:00' });
  });

  it('failing a visit, a card check earlier today by another facility (not this very check)', () => {
    const s = summaryFromOutcome(
      answer('000', {
        dsLichSuKT2018: [check('12001_bv', '202612011000'), check('12003_ttyt', '202612010745'), check('tk-khac', '202611300900')],
      }),
    );
    expect(s.alreadyCheckedInToday).toEqual({ at: '07:45', facility: '12003', account: '12003_ttyt', via: 'check' });
    const noFacility = summaryFromOutcome(answer('000', { dsLichSuKT2018: [check('tiepdon', '202612010900')] }));
    expect(noFacility.alreadyCheckedInToday).toEqual({ at: '09:00', account: 'tiepdon', via: 'check' });
  });

  it('the message falls back to the table when the portal sends none; mismatch shows both values', () => {
    const card = { fullName: 'Nguyen Duc Thien', birthDate: '1990-03-20', registeredFacility: '12002' };
    const s = summaryFromOutcome(answer('090', { maDKBD: '12005' }), card);
    expect(s.message).toBe('Nơi đăng ký KCB ban đầu không đúng');
    expect(s.mismatch).toEqual({ field: 'facility', portal: '12005', card: '12002' });
    expect(summaryFromOutcome(answer('060', { hoTen: 'Nguyễn Đức Thiện' }), card).mismatch).toEqual({
      field: 'name',
      portal: 'Nguyễn Đức Thiện',
      card: 'Nguyen Duc Thien',
    });
  });
});
