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

/**
 * What the table says about one field. `maxLength` counts characters (the XSD's `maxLength`, the
 * agency's VARCHAR(n)); undefined where the table gives none. `pattern` is the whole value's shape
 * (anchored when tested), written so that the same text is the XSD's `xs:pattern`.
 */
export interface CheckInFieldSpec {
  required: boolean;
  maxLength?: number;
  pattern?: string;
  /**
   * Free text (a name, a reason): cut to maxLength when longer. Every other field is a code or
   * an id, which a cut would turn into another value: one that does not fit is refused instead.
   */
  text?: true;
}

const TIME = '[0-9]{12}';
const DAY = '[0-9]{8}';
/** A facility code (mã cơ sở KCB): 2-digit province + 3 digits or capitals (server/lib/facility-code.ts). */
const FACILITY = '[0-9]{2}[0-9A-Z]{3}';

/**
 * Every field's rule, from the spec table (portal.md, "Check-in record"). The table gives no
 * length for the first-service / drug / supply columns (19–24); the lengths below are the ones the
 * same decision uses for those columns in its other tables (codes 50–255, names 1024), an
 * assumption to revisit when the agency publishes this table's own.
 */
export const CHECKIN_FIELDS: Readonly<Record<CheckInField, CheckInFieldSpec>> = {
  MA_LK: { required: true, maxLength: 100 },
  // NUMERIC(10), 1..n within one file.
  STT: { required: true, maxLength: 10, pattern: '[1-9][0-9]{0,9}' },
  MA_BN: { required: true, maxLength: 100 },
  HO_TEN: { required: true, maxLength: 255, text: true },
  // 12-digit chip ID card; 9-digit old ID cards still exist.
  SO_CCCD: { required: false, maxLength: 15, pattern: '[0-9]{9,15}' },
  NGAY_SINH: { required: true, maxLength: 12, pattern: TIME },
  GIOI_TINH: { required: true, maxLength: 1, pattern: '[123]' },
  MA_THE_BHYT: { required: false, maxLength: 50 },
  // VARCHAR(50) in the table, but always the 5-character facility code.
  MA_DKBD: { required: false, maxLength: 5, pattern: FACILITY },
  GT_THE_TU: { required: false, maxLength: 8, pattern: DAY },
  GT_THE_DEN: { required: false, maxLength: 8, pattern: DAY },
  // 1, 1.1, 3.2, 1.13 …: the codes themselves live in the visit-code table (visit-codes.ts).
  MA_DOITUONG_KCB: { required: true, maxLength: 4, pattern: '[0-9](\\.[0-9]{1,2})?' },
  NGAY_VAO: { required: true, maxLength: 12, pattern: TIME },
  NGAY_VAO_NOI_TRU: { required: false, maxLength: 12, pattern: TIME },
  LY_DO_VNT: { required: false, text: true },
  MA_LY_DO_VNT: { required: false, maxLength: 5 },
  MA_LOAI_KCB: { required: true, maxLength: 2, pattern: '[0-9]{2}' },
  MA_CSKCB: { required: true, maxLength: 5, pattern: FACILITY },
  MA_DICH_VU: { required: false, maxLength: 50 },
  TEN_DICH_VU: { required: false, maxLength: 1024, text: true },
  MA_THUOC: { required: false, maxLength: 255 },
  TEN_THUOC: { required: false, maxLength: 1024, text: true },
  MA_VAT_TU: { required: false, maxLength: 255 },
  TEN_VAT_TU: { required: false, maxLength: 1024, text: true },
  NGAY_YL: { required: true, maxLength: 12, pattern: TIME },
  DU_PHONG: { required: false, text: true },
};

const compiled = new Map<CheckInField, RegExp>();

/** Whether `value` fits the field (length in characters and shape). Empty text never fits. */
export function fitsCheckInField(field: CheckInField, value: string): boolean {
  const spec = CHECKIN_FIELDS[field];
  const length = [...value].length;
  if (length === 0 || (spec.maxLength !== undefined && length > spec.maxLength)) return false;
  if (spec.pattern === undefined) return true;
  let re = compiled.get(field);
  if (re === undefined) {
    re = new RegExp(`^(?:${spec.pattern})$`, 'u');
    compiled.set(field, re);
  }
  return re.test(value);
}
