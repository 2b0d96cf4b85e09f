import { describe, expect, it } from 'vitest';
import { buildCoverage, buildPatient, normaliseIssueInput, type IssueCardInput } from '../../../server/card/fhir-build.js';
import { readCard } from '../../../server/card/fhir-read.js';
import { parseIdCardQr } from '../../../server/card/id-card-qr.js';
import { parseLegacyQr } from '../../../server/card/legacy-qr.js';
import { checkInBirthDate, checkInRecordFromVisit, checkInTime, facilityCode5 } from '../../../server/check-in-record/record.js';
import { manualEntryResult, mergePortalOutcome } from '../../../server/portal/merge.js';
import { NO_LATER_COLUMNS, type VisitRow } from '../../../server/visits/visit-record.js';
import type { CardCheckReply } from '../../../server/wire/portal.js';
import type { CardFields } from '../../../server/wire/verification.js';
import { CCCD, LEGACY_HC, LEGACY_NEW } from '../../helpers/legacy-samples.js';
import { visitContent } from '../../helpers/visit-content.js';

// 2026-11-25 09:30 in Hà Nội.
const RECORDED = Date.parse('2026-11-25T02:30:00Z');
const CTX = { patientIdSource: 'ma-so-bhxh' } as const;

/** A stored visit of `card` (as check-in-service.ts writes it), category 1.1, type 01. */
function visitOf(card: CardFields | undefined, overrides: Partial<VisitRow> = {}): VisitRow {
  return {
    ...visitContent(1, {
      id: '019ac0de-0000-7000-8000-000000000001',
      recorded_at: RECORDED,
      card_number: card?.cardNumber?.toUpperCase() ?? null,
      ma_so_bhxh: card?.maSoBhxh ?? null,
      card_json: card ? JSON.stringify(card) : null,
    }),
    ...NO_LATER_COLUMNS,
    visit_category: '1.1',
    seq: 1,
    prev_hash: '0'.repeat(64),
    hash: '1'.repeat(64),
    ...overrides,
  };
}

/** A signed card's fields as the verifier reads them from its FHIR resources (server/card/fhir-read.ts). */
function signedCard(input: IssueCardInput): CardFields {
  const normalised = normaliseIssueInput(input);
  // readCard takes parsed JSON (it distrusts its input), hence the casts from the built resources.
  const json = (v: object) => v as Record<string, unknown>;
  return readCard(json(buildPatient(normalised)), json(buildCoverage(normalised))).card;
}

function legacyCard(qr: string): CardFields {
  const r = parseLegacyQr(qr);
  if (!r.ok) throw new Error(r.detail);
  return r.card;
}

function idCard(): CardFields {
  const r = parseIdCardQr(CCCD);
  if (!r.ok) throw new Error(r.detail);
  return r.card;
}

/** The agency's record of the CCCD sample's person (what a portal pass answers). */
function portalReply(over: Partial<CardCheckReply>): CardCheckReply {
  return {
    maKetQua: '000',
    ghiChu: 'Thông tin thẻ chính xác',
    maThe: 'HC4121201234567',
    hoTen: 'Nguyễn Đức Thiện',
    ngaySinh: '20/03/1990',
    gioiTinh: 'Nam',
    diaChi: null,
    maDKBD: '12001',
    cqBHXH: null,
    maKV: null,
    ngayDu5Nam: null,
    maSoBHXH: '1201234567',
    gtTheTu: '01/01/2026',
    gtTheDen: '31/12/2026',
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

function passed(local: ReturnType<typeof manualEntryResult>, reply: CardCheckReply): CardFields {
  const stats = { attempts: 1, renewals: 0, latencyMs: 10, startedAt: RECORDED, checkedAt: RECORDED };
  return mergePortalOutcome(local, { kind: 'answer', code: '000', reply, ...stats }).card!;
}

function recordOf(
  card: CardFields | undefined,
  overrides: Partial<VisitRow> = {},
  ctx: Parameters<typeof checkInRecordFromVisit>[1] = CTX,
) {
  const r = checkInRecordFromVisit(visitOf(card, overrides), ctx);
  if (!r.ok) throw new Error(`missing ${r.missing.join(',')}`);
  return r.record;
}

describe('checkInRecordFromVisit: each card source', () => {
  it('a signed digital card (as the verifier reads its FHIR): every field it carries, the visit fields, STT 1, NGAY_YL = NGAY_VAO', () => {
    const card = signedCard({
      fullName: 'Lò Thị Mai',
      birthDate: '2001-11-05',
      gender: 'female',
      cardNumber: 'HS4121201234568',
      registeredFacility: '12003',
      validFrom: '2026-07-01',
      validTo: '2027-06-30',
    });
    expect(recordOf(card)).toStrictEqual({
      MA_LK: '019ac0de-0000-7000-8000-000000000001',
      STT: '1',
      MA_BN: '1201234568',
      HO_TEN: 'Lò Thị Mai',
      NGAY_SINH: '200111050000',
      GIOI_TINH: '2',
      MA_THE_BHYT: 'HS4121201234568',
      MA_DKBD: '12003',
      GT_THE_TU: '20260701',
      GT_THE_DEN: '20270630',
      MA_DOITUONG_KCB: '1.1',
      NGAY_VAO: '202611250930',
      MA_LOAI_KCB: '01',
      MA_CSKCB: '12001',
      NGAY_YL: '202611250930',
    });
  });

  it('a legacy paper-card QR (15-character number, "12 - 001" facility → 12001)', () => {
    expect(recordOf(legacyCard(LEGACY_HC))).toStrictEqual({
      MA_LK: '019ac0de-0000-7000-8000-000000000001',
      STT: '1',
      MA_BN: '1201234567',
      HO_TEN: 'Nguyễn Đức Thiện',
      NGAY_SINH: '199003200000',
      GIOI_TINH: '1',
      MA_THE_BHYT: 'HC4121201234567',
      MA_DKBD: '12001',
      GT_THE_TU: '20260101',
      GT_THE_DEN: '20261231',
      MA_DOITUONG_KCB: '1.1',
      NGAY_VAO: '202611250930',
      MA_LOAI_KCB: '01',
      MA_CSKCB: '12001',
      NGAY_YL: '202611250930',
    });
  });

  it('a new 10-digit paper card without an end date: GT_THE_DEN left out', () => {
    const r = recordOf(legacyCard(LEGACY_NEW));
    expect(r.MA_THE_BHYT).toBe('1201234568');
    expect(r.MA_DKBD).toBe('12003');
    expect(r.GT_THE_TU).toBe('20250701');
    expect(r).not.toHaveProperty('GT_THE_DEN');
  });

  it('a chip ID card completed by a portal pass: SO_CCCD, and the card fields from the agency', () => {
    const local = {
      verdict: 'needs_review' as const,
      code: 'ID_CARD_PRESENTED' as const,
      reasons: [],
      checks: [],
      card: idCard(),
      checkedAt: '',
    };
    const card = passed(local, portalReply({}));
    expect(recordOf(card, { source: 'id-card' })).toStrictEqual({
      MA_LK: '019ac0de-0000-7000-8000-000000000001',
      STT: '1',
      MA_BN: '1201234567',
      HO_TEN: 'Nguyễn Đức Thiện',
      SO_CCCD: '012090001234',
      NGAY_SINH: '199003200000',
      GIOI_TINH: '1',
      MA_THE_BHYT: 'HC4121201234567',
      MA_DKBD: '12001',
      GT_THE_TU: '20260101',
      GT_THE_DEN: '20261231',
      MA_DOITUONG_KCB: '1.1',
      NGAY_VAO: '202611250930',
      MA_LOAI_KCB: '01',
      MA_CSKCB: '12001',
      NGAY_YL: '202611250930',
    });
  });

  it('a chip ID card alone (no portal pass): MA_BN falls back to the ID number, no card fields', () => {
    const r = recordOf(idCard(), { source: 'id-card' });
    expect(r.MA_BN).toBe('012090001234');
    expect(r.SO_CCCD).toBe('012090001234');
    expect(r).not.toHaveProperty('MA_THE_BHYT');
    expect(r).not.toHaveProperty('MA_DKBD');
  });

  it('a manual entry with the portal data: year-only birth, gender undetermined (3), the portal facility normalised', () => {
    const local = manualEntryResult({ cardNumber: 'hc4121201234567', name: '  Nguyễn   Văn An ', birthDate: '1990' }, RECORDED);
    const card = passed(local, portalReply({ hoTen: 'Nguyễn Văn An', maDKBD: '12 - 001', ngaySinh: '1990' }));
    const r = recordOf(card, { source: null });
    expect(r).toMatchObject({
      MA_BN: '1201234567',
      HO_TEN: 'Nguyễn Văn An',
      NGAY_SINH: '199000000000',
      GIOI_TINH: '3',
      MA_THE_BHYT: 'HC4121201234567',
      MA_DKBD: '12001',
      GT_THE_TU: '20260101',
      GT_THE_DEN: '20261231',
    });
    expect(r).not.toHaveProperty('SO_CCCD');
  });
});

describe('checkInRecordFromVisit: formats', () => {
  it('birth dates: year only → yyyy00000000, year and month → yyyyMM000000, a full date → yyyyMMdd0000', () => {
    expect(checkInBirthDate('1990')).toBe('199000000000');
    expect(checkInBirthDate('1990-03')).toBe('199003000000');
    expect(checkInBirthDate('1990-03-20')).toBe('199003200000');
    expect(checkInBirthDate('20/03/1990')).toBeUndefined();
    expect(recordOf({ ...legacyCard(LEGACY_HC), birthDate: '1990' }).NGAY_SINH).toBe('199000000000');
  });

  it('gender: male 1, female 2, other 3, absent 3 (undetermined)', () => {
    const base = legacyCard(LEGACY_HC);
    expect(recordOf({ ...base, gender: 'male' }).GIOI_TINH).toBe('1');
    expect(recordOf({ ...base, gender: 'female' }).GIOI_TINH).toBe('2');
    expect(recordOf({ ...base, gender: 'other' }).GIOI_TINH).toBe('3');
    const { gender: _g, ...noGender } = base;
    expect(recordOf(noGender).GIOI_TINH).toBe('3');
  });

  it('MA_DKBD: separators dropped and upper-cased; a value that is not 5 characters is left out (optional), never sent', () => {
    expect(facilityCode5('12 - 001')).toBe('12001');
    expect(facilityCode5(' 12-00a ')).toBe('1200A');
    const base = legacyCard(LEGACY_HC);
    expect(recordOf({ ...base, registeredFacility: '12 - 00b' }).MA_DKBD).toBe('1200B');
    expect(recordOf({ ...base, registeredFacility: '1200' })).not.toHaveProperty('MA_DKBD');
    // Too long is not cut into another facility's code.
    expect(recordOf({ ...base, registeredFacility: '120010' })).not.toHaveProperty('MA_DKBD');
  });

  it('Vietnam time across the new year: 16:59Z on 31 Dec is 23:59 there, 17:01Z is 00:01 on 1 Jan', () => {
    const card = legacyCard(LEGACY_HC);
    const before = recordOf(card, { recorded_at: Date.parse('2026-12-31T16:59:00Z') });
    const after = recordOf(card, { recorded_at: Date.parse('2026-12-31T17:01:00Z') });
    expect([before.NGAY_VAO, before.NGAY_YL]).toStrictEqual(['202612312359', '202612312359']);
    expect([after.NGAY_VAO, after.NGAY_YL]).toStrictEqual(['202701010001', '202701010001']);
    expect(checkInTime(Date.parse('2026-12-31T17:00:59.999Z'))).toBe('202701010000');
  });

  it('codes are never cut: a 3-digit visit type is refused, not shortened', () => {
    expect(checkInRecordFromVisit(visitOf(legacyCard(LEGACY_HC), { visit_type: '011' }), CTX)).toStrictEqual({
      ok: false,
      missing: ['MA_LOAI_KCB'],
    });
  });

  it('text is trimmed, stripped of characters XML cannot carry, and cut to the field length', () => {
    const long = 'Nguyễn ' + 'A'.repeat(300);
    const r = recordOf({ ...legacyCard(LEGACY_HC), fullName: `  Lò\u0007 Thị Mai  ` });
    expect(r.HO_TEN).toBe('Lò Thị Mai');
    const cut = recordOf({ ...legacyCard(LEGACY_HC), fullName: long }).HO_TEN!;
    expect([...cut].length).toBe(255);
    expect(cut.startsWith('Nguyễn AAA')).toBe(true);
  });
});

describe('checkInRecordFromVisit: MA_BN source and fallback', () => {
  const card = { ...legacyCard(LEGACY_HC), idNumber: '012090001234' };

  it('each configured source is used when the visit has it', () => {
    expect(recordOf(card, {}, { patientIdSource: 'ma-so-bhxh' }).MA_BN).toBe('1201234567');
    expect(recordOf(card, {}, { patientIdSource: 'card-number' }).MA_BN).toBe('HC4121201234567');
    expect(recordOf(card, {}, { patientIdSource: 'cccd' }).MA_BN).toBe('012090001234');
  });

  it('fallback order when the configured value is absent: mã số BHXH, card number, ID number', () => {
    const { idNumber: _i, ...noId } = card;
    expect(recordOf(noId, {}, { patientIdSource: 'cccd' }).MA_BN).toBe('1201234567');
    const { maSoBhxh: _m, ...noBhxh } = noId;
    expect(recordOf(noBhxh, { ma_so_bhxh: null }, { patientIdSource: 'ma-so-bhxh' }).MA_BN).toBe('HC4121201234567');
    expect(recordOf(idCard(), {}, { patientIdSource: 'card-number' }).MA_BN).toBe('012090001234');
  });

  it('the visit columns stand in for card_json values (card_number, ma_so_bhxh)', () => {
    const r = recordOf({ fullName: 'Lò Thị Mai', birthDate: '2001' }, { ma_so_bhxh: '1201234568', card_number: 'HS4121201234568' });
    expect([r.MA_BN, r.MA_THE_BHYT]).toStrictEqual(['1201234568', 'HS4121201234568']);
  });
});

describe('checkInRecordFromVisit: missing required fields', () => {
  it('no card at all: the exact list, in table order', () => {
    expect(checkInRecordFromVisit(visitOf(undefined), CTX)).toStrictEqual({ ok: false, missing: ['MA_BN', 'HO_TEN', 'NGAY_SINH'] });
  });

  it('no visit category, an unusable visit type and facility are reported too (never an invalid record)', () => {
    const r = checkInRecordFromVisit(visitOf(legacyCard(LEGACY_HC), { visit_category: null, visit_type: '1', facility: '1200' }), CTX);
    expect(r).toStrictEqual({ ok: false, missing: ['MA_DOITUONG_KCB', 'MA_LOAI_KCB', 'MA_CSKCB'] });
  });

  it('an unreadable card_json is an empty card', () => {
    const r = checkInRecordFromVisit(visitOf(undefined, { card_json: '{not json' }), CTX);
    expect(r).toStrictEqual({ ok: false, missing: ['MA_BN', 'HO_TEN', 'NGAY_SINH'] });
  });
});
