/**
 * The check-in table (Decision 130/QĐ-BYT as amended by 4750 and 3176: `CHI_TIEU_TRANG_THAI_KCB`)
 * field by field, in the spec's order (../shared/spec/portal.md, "Check-in record"). The one home
 * of the order, the required fields and the lengths: the XML writer, the record builder and the
 * XSD's test all read this list.
 */

export const CHECKIN_FIELD_NAMES = [
  'MA_LK',
  'STT',
  'MA_BN',
  'HO_TEN',
  'SO_CCCD',
  'NGAY_SINH',
  'GIOI_TINH',
  'MA_THE_BHYT',
  'MA_DKBD',
  'GT_THE_TU',
  'GT_THE_DEN',
  'MA_DOITUONG_KCB',
  'NGAY_VAO',
  'NGAY_VAO_NOI_TRU',
  'LY_DO_VNT',
  'MA_LY_DO_VNT',
  'MA_LOAI_KCB',
  'MA_CSKCB',
  'MA_DICH_VU',
  'TEN_DICH_VU',
  'MA_THUOC',
  'TEN_THUOC',
  'MA_VAT_TU',
  'TEN_VAT_TU',
  'NGAY_YL',
  'DU_PHONG',
] as const;

export type CheckInField = (typeof CHECKIN_FIELD_NAMES)[number];

/** One `TRANG_THAI_KCB`: element name → text (absent optional fields are left out). */
export type CheckInRecord = Partial<Record<CheckInField, string>>;
