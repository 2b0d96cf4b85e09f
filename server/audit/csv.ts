/**
 * CSV for auditors, in two forms: Vietnamese (the default: Vietnamese column headers with the
 * stable English key beside each, and Vietnamese values) and `?lang=en` (the stable English keys
 * and raw values, for scripts). Neither carries `qr_text`: the complete signed card is a
 * still-usable credential, kept in the database as evidence but never exported.
 * RFC 4180 quoting, UTF-8 with a byte-order mark (so Excel reads Vietnamese
 * correctly), and spreadsheet-formula injection defused: a cell starting with = + - @ (or a tab
 * / carriage return, which some spreadsheets strip first) gets a leading apostrophe.
 */
import type { VisitRow } from '../visits/chain.js';
import type { CardFields } from '../wire/verification.js';
import { REASON_MESSAGES } from '../wire/reason-messages.js';
import { vietnamTimestamp, vietnamWallClock } from '../wire/vietnam-time.js';
import { categoryOn, visitTypeOn } from '../check-in-record/visit-codes.js';

export const BOM = '\uFEFF';

/** What a CSV cell holds: text, a number, a flag, or nothing (an empty cell). */
export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

const CSV_HEADER = [
  'seq',
  'id',
  'recorded_at_vn',
  'facility',
  'desk',
  'operator',
  'operator_name',
  'operator_cccd',
  'visit_type',
  'verdict',
  'code',
  'reason_codes',
  'review_note',
  'source',
  'card_number',
  'ma_so_bhxh',
  'full_name',
  'birth_date',
  'gender',
  'registered_facility',
  'valid_from',
  'valid_to',
  'issuer',
  'key_id',
  'rid',
  'demo',
  'hash',
  // Appended with the online card check (never reorder the columns above).
  'card_check_id',
  'portal_state',
  'portal_code',
  'portal_message',
  'portal_checked_at_vn',
  'portal_latency_ms',
];

/** The export's language: `vi` (default) or `en`. */
export type CsvLang = 'vi' | 'en';

/** The Vietnamese column headers, in CSV_HEADER's order, each with its stable key in brackets. */
const VI_HEADERS: Record<string, string> = {
  seq: 'STT',
  id: 'Mã lượt',
  recorded_at_vn: 'Thời gian (giờ Việt Nam)',
  facility: 'Cơ sở KCB',
  desk: 'Quầy',
  operator: 'Tài khoản nhân viên',
  operator_name: 'Họ tên nhân viên',
  operator_cccd: 'Số CCCD nhân viên',
  visit_type: 'Loại KCB',
  verdict: 'Kết quả',
  code: 'Mã kết quả',
  reason_codes: 'Lý do',
  review_note: 'Ghi chú kiểm tra',
  source: 'Nguồn thẻ',
  card_number: 'Mã thẻ BHYT',
  ma_so_bhxh: 'Mã số BHXH',
  full_name: 'Họ tên',
  birth_date: 'Ngày sinh',
  gender: 'Giới tính',
  registered_facility: 'Nơi đăng ký KCB ban đầu',
  valid_from: 'Giá trị từ ngày',
  valid_to: 'Giá trị đến ngày',
  issuer: 'Đơn vị phát hành',
  key_id: 'Mã khoá ký',
  rid: 'Mã thu hồi',
  demo: 'Thẻ thử nghiệm (DEMO)',
  hash: 'Mã băm chuỗi',
  card_check_id: 'Mã lượt tra cứu cổng',
  portal_state: 'Tra cứu cổng giám định',
  portal_code: 'Mã kết quả của cổng',
  portal_message: 'Thông báo của cổng',
  portal_checked_at_vn: 'Thời gian tra cứu cổng',
  portal_latency_ms: 'Thời gian chờ cổng (ms)',
  visit_category: 'Đối tượng KCB',
};

export function csvHeader(lang: CsvLang): string[] {
  const keys = lang === 'vi' ? [...CSV_HEADER, 'visit_category'] : CSV_HEADER;
  return lang === 'en' ? keys : keys.map((k) => `${VI_HEADERS[k] ?? k} (${k})`);
}

const VERDICT_VI: Record<string, string> = { accepted: 'Hợp lệ', needs_review: 'Cần kiểm tra', rejected: 'Từ chối' };
const GENDER_VI: Record<string, string> = { male: 'Nam', female: 'Nữ', other: 'Khác' };
const SOURCE_VI: Record<string, string> = {
  signed: 'Thẻ điện tử có chữ ký',
  'legacy-unsigned': 'Mã QR không có chữ ký (thẻ giấy, VssID)',
  'id-card': 'Căn cước gắn chip',
  manual: 'Nhập tay',
};
const PORTAL_VI: Record<string, string> = {
  pending: 'Đang chờ cổng',
  done: 'Đã tra cứu',
  unavailable: 'Cổng không trả lời',
  config: 'Lỗi cấu hình cổng',
  not_needed: 'Không cần tra cứu',
  off: 'Không tra cứu',
};
/** What the desk ticked (review notes store `CODE: words`): the words, without the codes. */
const REVIEW_NOTE_CODE = /\b[A-Z][A-Z_]{2,}: /g;

/** dd/mm/yyyy hh:mm:ss, Vietnam time. */
function vnDateTime(ms: number): string {
  const d = vietnamWallClock(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** YYYY-MM-DD (or YYYY, YYYY-MM for a partial birth date) → dd/mm/yyyy (mm/yyyy, yyyy). */
function vnDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(iso);
  if (!m) return iso;
  return [m[3], m[2], m[1]].filter((x) => x !== undefined).join('/');
}

function withCode(label: string | undefined, code: string | null): string | null {
  if (code === null || code === '') return null;
  return label ? `${label} (${code})` : code;
}

export function visitCsvLine(r: VisitRow, lang: CsvLang = 'en'): string {
  let card: CardFields;
  try {
    card = r.card_json ? (JSON.parse(r.card_json) as CardFields) : {};
  } catch {
    card = {};
  }
  let codes: string[];
  try {
    codes = JSON.parse(r.reason_codes) as string[];
  } catch {
    codes = [];
  }
  if (lang === 'vi') {
    return csvLine([
      r.seq,
      r.id,
      vnDateTime(r.recorded_at),
      r.facility,
      r.desk_id,
      r.operator,
      r.operator_name,
      r.operator_cccd,
      withCode(visitTypeOn(r.visit_type, r.recorded_at)?.labelVi, r.visit_type),
      VERDICT_VI[r.verdict] ?? r.verdict,
      r.code,
      codes.map((c) => withCode(reasonVi(c), c)).join('; '),
      r.review_note === null ? null : r.review_note.replace(REVIEW_NOTE_CODE, ''),
      r.source === null ? null : (SOURCE_VI[r.source] ?? r.source),
      r.card_number,
      r.ma_so_bhxh,
      card.fullName,
      vnDate(card.birthDate),
      card.gender === undefined ? undefined : (GENDER_VI[card.gender] ?? card.gender),
      card.registeredFacility,
      vnDate(card.validFrom),
      vnDate(card.validTo),
      r.issuer,
      r.key_id,
      r.rid,
      r.demo ? 'Có' : 'Không',
      r.hash,
      r.card_check_id,
      r.portal_state === null ? null : (PORTAL_VI[r.portal_state] ?? r.portal_state),
      r.portal_code,
      r.portal_message,
      r.portal_checked_at === null ? null : vnDateTime(r.portal_checked_at),
      r.portal_latency_ms,
      withCode(r.visit_category === null ? undefined : categoryOn(r.visit_category, r.recorded_at)?.labelVi, r.visit_category),
    ]);
  }
  return csvLine([
    r.seq,
    r.id,
    vietnamTimestamp(r.recorded_at),
    r.facility,
    r.desk_id,
    r.operator,
    r.operator_name,
    r.operator_cccd,
    r.visit_type,
    r.verdict,
    r.code,
    codes.join(';'),
    r.review_note,
    r.source,
    r.card_number,
    r.ma_so_bhxh,
    card.fullName,
    card.birthDate,
    card.gender,
    card.registeredFacility,
    card.validFrom,
    card.validTo,
    r.issuer,
    r.key_id,
    r.rid,
    r.demo ? 'yes' : 'no',
    r.hash,
    r.card_check_id,
    r.portal_state,
    r.portal_code,
    r.portal_message,
    r.portal_checked_at === null ? null : vietnamTimestamp(r.portal_checked_at),
    r.portal_latency_ms,
  ]);
}

/** A reason's Vietnamese words: the first sentence of what the desk read. */
function reasonVi(code: string): string | undefined {
  const m = (REASON_MESSAGES as Record<string, { message_vi: string } | undefined>)[code];
  return m?.message_vi.split(/(?<=\.)\s/)[0]?.replace(/\.$/, '');
}
