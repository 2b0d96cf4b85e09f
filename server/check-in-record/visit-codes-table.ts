/**
 * The visit categories (MA_DOITUONG_KCB) and visit types (MA_LOAI_KCB) the check-in record
 * reports, with their validity and, for categories, the benefit rule periods: the ONE home of
 * these codes (../shared/spec/portal.md: "keep visit categories and their benefit rules in a data
 * table with validity dates, never in code"). visit-codes.ts reads it and checks it at load.
 *
 * Dates are Vietnam calendar days `YYYY-MM-DD`, both ends inclusive; `validTo: null` is open.
 * `benefit[].rate` is the share of the card's benefit (mức hưởng) the fund pays for that period,
 * in percent (100: the card's full benefit; 0: not covered), per care setting when they differ.
 * `propose` marks the codes the kiosk's proposal rule may pick (visit-codes.ts, proposeCategory).
 *
 * Sources (names and meanings learnt from, not copied):
 * - QĐ 3276/QĐ-BYT (17/10/2025), Phụ lục 1 "Danh mục mã đối tượng đến khám bệnh, chữa bệnh"
 *   (27 rows with MUC_HUONG; it repeals Phụ lục 5 of QĐ 2010/QĐ-BYT of 19/06/2025), as
 *   transcribed in a public XML130 validator (Nsnnam/tt12-excel-validator) and cross-checked
 *   against a hospital-side XML1 rule set (1.14 outpatient / 1.15 inpatient, 1.7 newborn). Its
 *   benefit periods start on 1 January 2025 (Law 51/2024/QH15's care-level provisions, applied
 *   with Decision 3176/QĐ-BYT from that day), so these rows are valid from 2025-01-01. NOT
 *   CONFIRMED: that the interim list (QĐ 2010 PL5, 19/06/2025) used the same codes for
 *   January–June 2025; STT 22 of the transcription is missing (probably code 7.1): not listed.
 *   Code 8 ("thu hồi đề nghị thanh toán", withdrawing a payment claim) is no check-in category
 *   and is left out on purpose.
 * - Before 2025: only the codes the project spec names (portal.md: 1.1 on-route at the
 *   registered facility, 1.2 in-province district, 1.3 referral, 2 emergency). The full earlier
 *   list (QĐ 824/QĐ-BYT, 15/02/2023) was not found to confirm, so only those are listed, from
 *   that decision's date; 3.x before 2025 is not listed (its pre-2025 sub-codes are unconfirmed).
 * - Visit types: QĐ 824/QĐ-BYT (15/02/2023) Phụ lục 1, codes 01–10, as several hospital systems
 *   list them. QĐ 1804/QĐ-BYT (19/06/2026, applied by 01/08/2026 at the latest) replaces that
 *   list with 16 codes: its text was not available here, so 01–10 stay open-ended and 11–16 are
 *   NOT listed (add them, and close any code it renames, from the decision itself).
 */

export type CareSetting = 'outpatient' | 'inpatient';

/** Which situation the proposal rule uses a category for (see proposeCategory). */
export type ProposalRole = 'registered' | 'in-province' | 'elsewhere';

export interface BenefitPeriod {
  from: string;
  to: string | null;
  /** Percent of the card's benefit the fund pays. */
  rate: number;
  /** Absent: any setting. */
  setting?: CareSetting;
}

export interface VisitCategoryEntry {
  code: string;
  labelVi: string;
  labelEn: string;
  validFrom: string;
  validTo: string | null;
  /** Empty: depends on the case (the decision gives no single rate). */
  benefit: readonly BenefitPeriod[];
  propose?: ProposalRole;
  source: string;
  note?: string;
}

export interface VisitTypeEntry {
  code: string;
  labelVi: string;
  labelEn: string;
  validFrom: string;
  validTo: string | null;
  source: string;
}

/** The table is data: frozen, entries and their benefit periods too. */
function frozen<T extends object>(rows: T[]): readonly T[] {
  for (const row of rows) {
    for (const v of Object.values(row) as unknown[]) {
      if (!Array.isArray(v)) continue;
      for (const x of v as object[]) Object.freeze(x);
      Object.freeze(v);
    }
    Object.freeze(row);
  }
  return Object.freeze(rows);
}

const Q3276 = (stt: number) => `QĐ 3276/QĐ-BYT (17/10/2025) PL1 STT ${stt}`;
const SPEC = 'portal.md (project spec); QĐ 824/QĐ-BYT list not confirmed';
const FULL_2025: readonly BenefitPeriod[] = [{ from: '2025-01-01', to: null, rate: 100 }];
/** 0 % until 30 June 2026, 50 % from 1 July 2026 (the amended law's phase-in). */
const PHASED_2026: readonly BenefitPeriod[] = [
  { from: '2025-01-01', to: '2026-06-30', rate: 0 },
  { from: '2026-07-01', to: null, rate: 50 },
];
const Y2025 = '2025-01-01';

export const VISIT_CATEGORIES: readonly VisitCategoryEntry[] = frozen([
  // ── Codes running through both periods ───────────────────────────────────────────────
  {
    code: '1.1',
    labelVi: 'Đúng tuyến, nơi đăng ký KCB ban đầu',
    labelEn: 'At the registered primary-care facility',
    validFrom: '2023-02-15',
    validTo: null,
    benefit: [{ from: '2023-02-15', to: null, rate: 100 }],
    propose: 'registered',
    source: `${SPEC}; ${Q3276(1)}`,
    note: 'From 2025 "except code 1.2" (a registered primary-level facility reports 1.2).',
  },
  {
    code: '1.3',
    labelVi: 'Có phiếu chuyển cơ sở KCB',
    labelEn: 'Referred (with a referral form)',
    validFrom: '2023-02-15',
    validTo: null,
    benefit: [{ from: '2023-02-15', to: null, rate: 100 }],
    source: `${SPEC}; ${Q3276(3)}`,
    note: 'Includes one-year referral forms (Circular 01/2025/TT-BYT, Art. 9–10).',
  },
  {
    code: '2',
    labelVi: 'Cấp cứu',
    labelEn: 'Emergency',
    validFrom: '2023-02-15',
    validTo: null,
    benefit: [{ from: '2023-02-15', to: null, rate: 100 }],
    source: `${SPEC}; ${Q3276(16)}`,
  },
  // ── Before the amended law (Law 51/2024/QH15, care levels from 2025) ─────────────────────
  {
    code: '1.2',
    labelVi: 'Thông tuyến huyện trong tỉnh',
    labelEn: 'District-level facility in the same province',
    validFrom: '2023-02-15',
    validTo: '2024-12-31',
    benefit: [{ from: '2023-02-15', to: '2024-12-31', rate: 100 }],
    propose: 'in-province',
    source: SPEC,
    note: 'Label as the spec names it; the 2023 decision text was not available to confirm it.',
  },
  // ── From 1 January 2025 (QĐ 3276/QĐ-BYT's table) ──────────────────────────────────────
  {
    code: '1.2',
    labelVi: 'KCB tại cơ sở cấp ban đầu (trạm y tế, y học gia đình…)',
    labelEn: 'At a primary-level facility (health station, family medicine…)',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(2),
    note: '100 % of the benefit scope whatever the card’s level; registered there or not.',
  },
  {
    code: '1.4',
    labelVi: 'Thay đổi nơi lưu trú, cư trú',
    labelEn: 'Changed place of stay or residence',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(4),
  },
  {
    code: '1.5',
    labelVi: 'Có phiếu hẹn khám lại',
    labelEn: 'Follow-up appointment',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(5),
  },
  {
    code: '1.6',
    labelVi: 'Người hiến bộ phận cơ thể điều trị ngay sau hiến',
    labelEn: 'Organ donor treated right after donating',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(6),
  },
  {
    code: '1.7',
    labelVi: 'Trẻ sơ sinh điều trị ngay sau khi sinh',
    labelEn: 'Newborn treated right after birth',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(7),
  },
  {
    code: '1.11',
    labelVi: 'Tự đến cơ sở cấp ban đầu khác (ngoài mã 1.2)',
    labelEn: 'Self-referred, other primary-level facility (not 1.2)',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(8),
  },
  {
    code: '1.12',
    labelVi: 'Tự đến ngoại trú, cơ sở cấp cơ bản dưới 50 điểm',
    labelEn: 'Self-referred outpatient, basic level scoring under 50',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(9),
    note: 'Not for basic-level facilities that were provincial or central before 2025 (1.14).',
  },
  {
    code: '1.13',
    labelVi: 'Tự đến ngoại trú, cơ sở cấp cơ bản 50–70 điểm',
    labelEn: 'Self-referred outpatient, basic level scoring 50–70',
    validFrom: Y2025,
    validTo: null,
    benefit: PHASED_2026,
    source: Q3276(10),
    note: 'Except diseases of Appendix II, Circular 01/2025/TT-BYT (code 1.16).',
  },
  {
    code: '1.14',
    labelVi: 'Tự đến ngoại trú, cơ sở cấp cơ bản nguyên tuyến tỉnh/TW',
    labelEn: 'Self-referred outpatient, basic level, formerly provincial/central',
    validFrom: Y2025,
    validTo: null,
    benefit: PHASED_2026,
    propose: 'elsewhere',
    source: Q3276(11),
    note:
      'The proposal for a card registered elsewhere: the kiosk does not know its facility’s care level, ' +
      'so it proposes the self-referred outpatient case the spec names; the receptionist confirms or changes it.',
  },
  {
    code: '1.15',
    labelVi: 'Tự đến nội trú, cơ sở cấp cơ bản',
    labelEn: 'Self-referred inpatient, basic level',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(12),
  },
  {
    code: '1.16',
    labelVi: 'Tự đến cơ sở cấp cơ bản, bệnh thuộc Phụ lục II TT 01/2025',
    labelEn: 'Self-referred, basic level, disease in Appendix II (Circ. 01/2025)',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(13),
  },
  {
    code: '1.17',
    labelVi: 'Tự đến cơ sở cấp chuyên sâu, bệnh thuộc Phụ lục I TT 01/2025',
    labelEn: 'Self-referred, specialised level, disease in Appendix I (Circ. 01/2025)',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(14),
  },
  {
    code: '1.18',
    labelVi: 'Tự đến ngoại trú, cơ sở cấp chuyên sâu nguyên tuyến tỉnh',
    labelEn: 'Self-referred outpatient, specialised level, formerly provincial',
    validFrom: Y2025,
    validTo: null,
    benefit: PHASED_2026,
    source: Q3276(15),
  },
  {
    code: '3.1',
    labelVi: 'Tự đến cơ sở cấp chuyên sâu nguyên tuyến trung ương',
    labelEn: 'Self-referred, specialised level, formerly central',
    validFrom: Y2025,
    validTo: null,
    benefit: [
      { from: Y2025, to: null, rate: 40, setting: 'inpatient' },
      { from: Y2025, to: null, rate: 0, setting: 'outpatient' },
    ],
    source: Q3276(17),
  },
  {
    code: '3.2',
    labelVi: 'Tự đến nội trú, cơ sở cấp chuyên sâu nguyên tuyến tỉnh',
    labelEn: 'Self-referred inpatient, specialised level, formerly provincial',
    validFrom: Y2025,
    validTo: null,
    benefit: [{ from: Y2025, to: null, rate: 100, setting: 'inpatient' }],
    source: Q3276(18),
  },
  {
    code: '3.3',
    labelVi: 'Tự đến cơ sở nguyên tuyến huyện',
    labelEn: 'Self-referred, facility formerly district-level',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(19),
  },
  {
    code: '3.6',
    labelVi: 'Dân tộc thiểu số, hộ nghèo vùng khó khăn, xã đảo: nội trú cấp chuyên sâu',
    labelEn: 'Ethnic minority, poor household in a hard area, island: specialised inpatient',
    validFrom: Y2025,
    validTo: null,
    benefit: [{ from: Y2025, to: null, rate: 100, setting: 'inpatient' }],
    source: Q3276(20),
  },
  {
    code: '7',
    labelVi: 'Lĩnh thuốc theo giấy hẹn khi dịch bệnh nhóm A, bất khả kháng',
    labelEn: 'Medicines by appointment (group A epidemic, force majeure)',
    validFrom: Y2025,
    validTo: null,
    benefit: FULL_2025,
    source: Q3276(21),
  },
  {
    code: '7.2',
    labelVi: 'Người được ủy quyền lĩnh thuốc',
    labelEn: 'Medicines collected by an authorised person',
    validFrom: Y2025,
    validTo: null,
    benefit: [],
    source: Q3276(23),
  },
  {
    code: '7.3',
    labelVi: 'Lĩnh thuốc tại cơ sở khác (dịch bệnh nhóm A)',
    labelEn: 'Medicines at another facility (group A epidemic)',
    validFrom: Y2025,
    validTo: null,
    benefit: [],
    source: Q3276(24),
  },
  {
    code: '7.4',
    labelVi: 'Cơ sở chuyển thuốc đến người bệnh (dịch bệnh nhóm A)',
    labelEn: 'Medicines delivered to the patient (group A epidemic)',
    validFrom: Y2025,
    validTo: null,
    benefit: [],
    source: Q3276(25),
  },
  {
    code: '9',
    labelVi: 'Không KCB BHYT',
    labelEn: 'Not using health insurance',
    validFrom: Y2025,
    validTo: null,
    benefit: [{ from: Y2025, to: null, rate: 0 }],
    source: Q3276(27),
  },
  {
    code: '10',
    labelVi: 'Lĩnh thuốc theo giấy hẹn (không khám, ngoài mã 7)',
    labelEn: 'Medicines by appointment (no examination, not code 7)',
    validFrom: Y2025,
    validTo: null,
    benefit: [],
    source: Q3276(28),
  },
]);

const Q824 = 'QĐ 824/QĐ-BYT (15/02/2023) PL1, as hospital systems list it; QĐ 1804/QĐ-BYT (2026) not confirmed';
const T_FROM = '2023-02-15';

export const VISIT_TYPES: readonly VisitTypeEntry[] = frozen([
  { code: '01', labelVi: 'Khám bệnh', labelEn: 'Examination', validFrom: T_FROM, validTo: null, source: Q824 },
  { code: '02', labelVi: 'Điều trị ngoại trú', labelEn: 'Outpatient treatment', validFrom: T_FROM, validTo: null, source: Q824 },
  { code: '03', labelVi: 'Điều trị nội trú', labelEn: 'Inpatient treatment', validFrom: T_FROM, validTo: null, source: Q824 },
  { code: '04', labelVi: 'Điều trị nội trú ban ngày', labelEn: 'Day inpatient treatment', validFrom: T_FROM, validTo: null, source: Q824 },
  {
    code: '05',
    labelVi: 'Ngoại trú bệnh mạn tính dài ngày (khám, lĩnh thuốc)',
    labelEn: 'Long-term chronic outpatient (examination, medicines)',
    validFrom: T_FROM,
    validTo: null,
    source: Q824,
  },
  {
    code: '06',
    labelVi: 'Điều trị lưu tại trạm y tế xã, phòng khám đa khoa khu vực',
    labelEn: 'Observation stay at a commune station or regional polyclinic',
    validFrom: T_FROM,
    validTo: null,
    source: Q824,
  },
  {
    code: '07',
    labelVi: 'Nhận thuốc theo hẹn (không khám bệnh)',
    labelEn: 'Medicines by appointment (no examination)',
    validFrom: T_FROM,
    validTo: null,
    source: Q824,
  },
  {
    code: '08',
    labelVi: 'Ngoại trú bệnh mạn tính dài ngày (có dịch vụ kỹ thuật, thuốc)',
    labelEn: 'Long-term chronic outpatient (with procedures or medicines)',
    validFrom: T_FROM,
    validTo: null,
    source: Q824,
  },
  {
    code: '09',
    labelVi: 'Điều trị nội trú dưới 4 giờ',
    labelEn: 'Inpatient treatment under 4 hours',
    validFrom: T_FROM,
    validTo: null,
    source: Q824,
  },
  { code: '10', labelVi: 'Các trường hợp khác', labelEn: 'Other cases', validFrom: T_FROM, validTo: null, source: Q824 },
]);

/** The visit type a check-in gets when the receptionist does not choose one. */
export const DEFAULT_VISIT_TYPE_CODE = '01';
