/**
 * The agency assessment portal's wire (../shared/spec/portal.md): the ONE home of every path,
 * field name, result code and date format the kiosk and the reference portal exchange with it.
 * A change by the agency is a change in one place: this file. It imports nothing.
 *
 * One file on purpose: it is the single home of the agency's wire, so it may pass the ~350-line
 * guide. A reader compares it with the spec in one place and an agency change is one diff;
 * splitting it would scatter one contract across files. It grows only with the agency's wire.
 *
 *   POST /api/token/take                       JSON TokenRequest → TokenReply
 *   POST /api/egw/KQNhanLichSuKCB2024?<auth>   JSON CardCheckRequest → CardCheckReply
 *   POST /api/egw/guiHoSoCheckin?<auth>        form CheckinSubmitForm → CheckinSubmitReply
 *
 * `<auth>` is `token=T&id_token=I&username=U&password=P` (PortalAuthQuery). Every password on the
 * wire (token request and query) is the lowercase hex MD5 of the facility account's password.
 * Field names are the agency's, exactly as hospital systems send them; do not "fix" their case.
 */

/** Paths, relative to the portal's base URL. */
export const PORTAL_PATHS = {
  /** Take an access token (about 50 minutes). */
  token: '/api/token/take',
  /** The online card check (2024 version: needs the checking staff member's name and ID number). */
  cardCheck: '/api/egw/KQNhanLichSuKCB2024',
  /** Check-in record submission (this project's contract; see CheckinSubmitForm). */
  checkinSubmit: '/api/egw/guiHoSoCheckin',
} as const;

// ---------------------------------------------------------------------------------------------
// Date formats
// ---------------------------------------------------------------------------------------------

/** Calendar dates (ngaySinh, gtTheTu, gtTheDen, ngayDu5Nam, gtTheTuMoi, gtTheDenMoi): Vietnam dates. */
export const PORTAL_DATE_FORMAT = 'dd/MM/yyyy';
/** `ngaySinh` when only the birth year is known. */
export const PORTAL_YEAR_FORMAT = 'yyyy';
/** Instants (ngayVao, ngayRa, thoiGianKT, thoiGianTiepNhan): Vietnam local time (UTC+7), minutes. */
export const PORTAL_DATETIME_FORMAT = 'yyyyMMddHHmm';
/** Shape of PORTAL_DATE_FORMAT (the calendar check is the reader's job). */
export const PORTAL_DATE_RE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
/** Shape of a birth date on the wire: PORTAL_DATE_FORMAT or PORTAL_YEAR_FORMAT. */
export const PORTAL_BIRTH_DATE_RE = /^(?:\d{2}\/\d{2}\/\d{4}|\d{4})$/;
/** Shape of PORTAL_DATETIME_FORMAT. */
export const PORTAL_DATETIME_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/;

// ---------------------------------------------------------------------------------------------
// Shapes of the identifiers the card check accepts in `maThe` (and the staff ID in `cccdCb`)
// ---------------------------------------------------------------------------------------------

/** 15-character card number: object code, benefit digit, province, 10-digit mã số BHXH. */
export const CARD_NUMBER_15_RE = /^[A-Z]{2}[0-9][0-9]{2}[0-9]{10}$/;
/** 10-digit mã số BHXH (cards issued from April 2021 print only this). */
export const MA_SO_BHXH_RE = /^[0-9]{10}$/;
/** 12-digit chip ID-card (CCCD) number: `maThe` may carry one; `cccdCb` must be one. */
export const CCCD_RE = /^[0-9]{12}$/;

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** Body of POST PORTAL_PATHS.token. */
export interface TokenRequest {
  username: string;
  /** Lowercase hex MD5 of the account's password. */
  password: string;
}

export interface PortalApiKey {
  access_token: string;
  id_token: string;
  /** "Bearer" on the reference portal; systems ignore it (the token travels in the query). */
  token_type: string;
  username: string;
  /** Seconds the token is valid for (systems keep it about 50 minutes). */
  expires_in: number;
}

/** Result codes of the token call: 200 token issued, 401 wrong credentials, 205 malformed request (reference portal). */
export type TokenResultCode = '200' | '401' | '205';

/** Reply of POST PORTAL_PATHS.token (HTTP 200). `APIKey` is null unless maKetQua is "200". */
export interface TokenReply {
  maKetQua: TokenResultCode | (string & {});
  APIKey: PortalApiKey | null;
  /** The portal's own message (free text; may be absent). */
  thongBao?: string | null;
}

/** Query parameters of every /api/egw/ call. */
export interface PortalAuthQuery {
  /** APIKey.access_token */
  token: string;
  /** APIKey.id_token */
  id_token: string;
  username: string;
  /** Lowercase hex MD5 of the account's password (again). */
  password: string;
}

export const PORTAL_AUTH_QUERY_KEYS = ['token', 'id_token', 'username', 'password'] as const satisfies readonly (keyof PortalAuthQuery)[];

// ---------------------------------------------------------------------------------------------
// The card check
// ---------------------------------------------------------------------------------------------

/** Body of POST PORTAL_PATHS.cardCheck. */
export interface CardCheckRequest {
  /** Card number (15 characters or 10 digits) or a 12-digit chip ID-card number. */
  maThe: string;
  /** Full name as printed on the card. */
  hoTen: string;
  /** PORTAL_DATE_FORMAT, or PORTAL_YEAR_FORMAT when only the year is known. */
  ngaySinh: string;
  /** Name of the staff member doing the check (mandatory since June 2024: else 054/055). */
  hoTenCb: string;
  /** That staff member's 12-digit ID-card number. */
  cccdCb: string;
}

export const CARD_CHECK_REQUEST_FIELDS = [
  'maThe',
  'hoTen',
  'ngaySinh',
  'hoTenCb',
  'cccdCb',
] as const satisfies readonly (keyof CardCheckRequest)[];

/** One recent visit (dsLichSuKCB2018). Unknown values are null. */
export interface VisitHistoryItem {
  /** The facility's episode id. */
  maHoSo: string | null;
  /** Facility code (5 characters). */
  maCSKCB: string | null;
  /** PORTAL_DATETIME_FORMAT */
  ngayVao: string | null;
  /** PORTAL_DATETIME_FORMAT */
  ngayRa: string | null;
  tenBenh: string | null;
  tinhTrang: string | null;
  kqDieuTri: string | null;
  lyDoVV: string | null;
}

/** One recent card check by any facility (dsLichSuKT2018). Unknown values are null. */
export interface CheckHistoryItem {
  /** The account (username) that checked. */
  userKT: string | null;
  /** PORTAL_DATETIME_FORMAT */
  thoiGianKT: string | null;
  /** The message that check answered. */
  thongBao: string | null;
  /** The maKetQua that check answered. */
  maLoi: string | null;
}

/** `gioiTinh` on the wire. */
export type PortalGender = 'Nam' | 'Nữ';

/**
 * Reply of POST PORTAL_PATHS.cardCheck: HTTP 200 in every case the portal understood, every
 * field present, unknown ones null (the arrays are empty when unknown).
 */
export interface CardCheckReply {
  maKetQua: CardCheckResultCode | (string & {});
  /** The portal's own message. */
  ghiChu: string | null;
  maThe: string | null;
  hoTen: string | null;
  /** PORTAL_DATE_FORMAT, or PORTAL_YEAR_FORMAT. */
  ngaySinh: string | null;
  gioiTinh: PortalGender | (string & {}) | null;
  diaChi: string | null;
  /** Registered facility (5 characters). */
  maDKBD: string | null;
  /** Issuing social-insurance office. */
  cqBHXH: string | null;
  /** Area code (e.g. K1/K2/K3). */
  maKV: string | null;
  /** Date of 5 consecutive years, PORTAL_DATE_FORMAT. */
  ngayDu5Nam: string | null;
  /** 10-digit mã số BHXH. */
  maSoBHXH: string | null;
  /** PORTAL_DATE_FORMAT */
  gtTheTu: string | null;
  /** PORTAL_DATE_FORMAT */
  gtTheDen: string | null;
  /** Codes 003/004: the card that was checked. */
  maTheCu: string | null;
  /** Codes 003/004: the newly issued card. */
  maTheMoi: string | null;
  /** PORTAL_DATE_FORMAT */
  gtTheTuMoi: string | null;
  /** PORTAL_DATE_FORMAT */
  gtTheDenMoi: string | null;
  maDKBDMoi: string | null;
  tenDKBDMoi: string | null;
  dsLichSuKCB2018: VisitHistoryItem[];
  dsLichSuKT2018: CheckHistoryItem[];
}

/** Every field of CardCheckReply, in the order of portal.md's table. */
export const CARD_CHECK_REPLY_FIELDS = [
  'maKetQua',
  'ghiChu',
  'maThe',
  'hoTen',
  'ngaySinh',
  'gioiTinh',
  'diaChi',
  'maDKBD',
  'cqBHXH',
  'maKV',
  'ngayDu5Nam',
  'maSoBHXH',
  'gtTheTu',
  'gtTheDen',
  'maTheCu',
  'maTheMoi',
  'gtTheTuMoi',
  'gtTheDenMoi',
  'maDKBDMoi',
  'tenDKBDMoi',
  'dsLichSuKCB2018',
  'dsLichSuKT2018',
] as const satisfies readonly (keyof CardCheckReply)[];

// ---------------------------------------------------------------------------------------------
// Result codes of the card check (maKetQua)
// ---------------------------------------------------------------------------------------------

/**
 * What a code means for the desk (the kiosk's verdict mapping is built on this):
 * - `pass`    the card is good (000–004 count as a pass; 003 is the exception: see below);
 * - `review`  a person must look (special funds, data that does not match, child without card);
 * - `reject`  the card must not be accepted;
 * - `config`  the facility's setup is wrong (staff member not registered): not the patient's fault;
 * - `retry`   the portal failed: try again later;
 * - `input`   the request was malformed (a bug or bad data on our side);
 * - `auth`    take a new token (once) and retry; if that fails, the account is wrong.
 */
export type PortalResultCategory = 'pass' | 'review' | 'reject' | 'config' | 'retry' | 'input' | 'auth';

export interface PortalResultMeaning {
  category: PortalResultCategory;
  /** Short meaning, English. */
  en: string;
  /** Short meaning, Vietnamese (as receptionists know it). */
  vi: string;
  /** The reply carries a newly issued card (maTheMoi, gtTheTuMoi, gtTheDenMoi, maDKBDMoi, tenDKBDMoi). */
  newCard?: true;
  /** What the data sent differs from what the portal holds (name, birth date, facility). */
  mismatch?: 'name' | 'birthDate' | 'facility';
}

/**
 * The card-check result codes, one row each (portal.md "Online lookup result codes").
 * 003 is listed in the 000–004 pass range but the old card has expired: category `reject`
 * (show the new card). 050 is `reject`; for a defence/police-fund object code (QN, CA, CY) the
 * kiosk may soften it to review, since those cards are often absent from the civilian lookup.
 * 060/061/070/090 are data mismatches: `review` with `mismatch` set.
 */
export const CARD_CHECK_RESULTS = {
  '000': { category: 'pass', en: 'Card information correct', vi: 'Thông tin thẻ chính xác' },
  '001': {
    category: 'review',
    en: 'Card managed by the defence fund: check card and ID papers',
    vi: 'Thẻ do BHXH Bộ Quốc phòng quản lý: kiểm tra thẻ và giấy tờ tùy thân',
  },
  '002': {
    category: 'review',
    en: 'Card managed by the police fund: check card and ID papers',
    vi: 'Thẻ do BHXH Bộ Công an quản lý: kiểm tra thẻ và giấy tờ tùy thân',
  },
  '003': {
    category: 'reject',
    en: 'Old card expired, a new card was issued',
    vi: 'Thẻ cũ hết giá trị, đã được cấp thẻ mới',
    newCard: true,
  },
  '004': {
    category: 'pass',
    en: 'Old card still valid, a new card was issued',
    vi: 'Thẻ cũ còn giá trị, đã được cấp thẻ mới',
    newCard: true,
  },
  '010': { category: 'reject', en: 'Card expired', vi: 'Thẻ hết giá trị sử dụng' },
  '050': { category: 'reject', en: 'No card information', vi: 'Không có thông tin thẻ' },
  '051': { category: 'reject', en: 'Card number wrong', vi: 'Mã thẻ không đúng' },
  '052': { category: 'reject', en: 'Province code (characters 4–5) wrong', vi: 'Mã tỉnh cấp thẻ (ký tự 4–5) không đúng' },
  '053': { category: 'reject', en: 'Benefit code (character 3) wrong', vi: 'Mã quyền lợi (ký tự 3) không đúng' },
  '054': {
    category: 'config',
    en: "Checking staff member's ID not registered",
    vi: 'Số CCCD của cán bộ tra cứu chưa được đăng ký',
  },
  '055': {
    category: 'config',
    en: "Checking staff member's name does not match the ID",
    vi: 'Họ tên cán bộ tra cứu không khớp với số CCCD',
  },
  '060': { category: 'review', en: 'Wrong name', vi: 'Họ tên không đúng', mismatch: 'name' },
  '061': { category: 'review', en: 'Wrong name, right first letter', vi: 'Họ tên không đúng (đúng ký tự đầu)', mismatch: 'name' },
  '070': { category: 'review', en: 'Wrong date of birth', vi: 'Ngày sinh không đúng', mismatch: 'birthDate' },
  '090': { category: 'review', en: 'Wrong registered facility', vi: 'Nơi đăng ký KCB ban đầu không đúng', mismatch: 'facility' },
  '100': { category: 'retry', en: 'Data error at the portal', vi: 'Lỗi dữ liệu tại cổng giám định' },
  '101': { category: 'retry', en: 'Portal server error', vi: 'Lỗi máy chủ cổng giám định' },
  '110': { category: 'reject', en: 'Card withdrawn', vi: 'Thẻ đã bị thu hồi' },
  '120': { category: 'reject', en: 'Card reported reduced', vi: 'Thẻ đã báo giảm' },
  '121': { category: 'reject', en: 'Card reduced: moved out of the province', vi: 'Thẻ đã báo giảm: chuyển ngoại tỉnh' },
  '122': { category: 'reject', en: 'Card reduced: moved within the province', vi: 'Thẻ đã báo giảm: chuyển nội tỉnh' },
  '123': { category: 'reject', en: 'Card reduced: re-enrolled (increase again)', vi: 'Thẻ đã báo giảm: do tăng lại cùng đơn vị' },
  '124': { category: 'reject', en: 'Card reduced: stopped', vi: 'Thẻ đã báo giảm: ngừng tham gia' },
  '130': { category: 'review', en: 'Child did not present a card', vi: 'Trẻ em không xuất trình thẻ' },
  '205': { category: 'input', en: 'Bad parameter format', vi: 'Lỗi định dạng tham số' },
  '401': { category: 'auth', en: 'Authentication failed', vi: 'Lỗi xác thực tài khoản' },
  '500': { category: 'retry', en: 'Portal server error', vi: 'Lỗi máy chủ cổng giám định' },
} as const satisfies Record<string, PortalResultMeaning>;

/** Every maKetQua the card check may answer. */
export type CardCheckResultCode = keyof typeof CARD_CHECK_RESULTS;

export const CARD_CHECK_RESULT_CODES = Object.keys(CARD_CHECK_RESULTS) as CardCheckResultCode[];

/** The row of a code as received (any string), or undefined for a code this table does not know. */
export function cardCheckResult(code: string): PortalResultMeaning | undefined {
  return Object.prototype.hasOwnProperty.call(CARD_CHECK_RESULTS, code)
    ? (CARD_CHECK_RESULTS as Record<string, PortalResultMeaning>)[code]
    : undefined;
}

/** Codes 120–124: the card was reported reduced; which kind. */
export type ReducedCode = '120' | '121' | '122' | '123' | '124';

// ---------------------------------------------------------------------------------------------
// Check-in record submission (this project's contract; portal.md "Check-in record submission")
// ---------------------------------------------------------------------------------------------

/**
 * Form fields (application/x-www-form-urlencoded) of POST PORTAL_PATHS.checkinSubmit, in the
 * order CHECKIN_SUBMIT_FORM_FIELDS lists them.
 */
export interface CheckinSubmitForm {
  /** "0": check-in record (CHI_TIEU_TRANG_THAI_KCB). */
  loaiHoSo: '0';
  /** This facility's code (5 characters). */
  maCSKCB: string;
  /** Base64 of the UTF-8 XML (root CHI_TIEU_TRANG_THAI_KCB). */
  fileHSB64: string;
}

/** Result codes of the submission. */
export const CHECKIN_SUBMIT_RESULTS = {
  '200': { category: 'pass', en: 'Received (keep maGiaoDich)', vi: 'Đã tiếp nhận' },
  '201': { category: 'pass', en: 'Already received (same MA_LK): a resend is harmless', vi: 'Hồ sơ đã được tiếp nhận trước đó' },
  '205': { category: 'input', en: 'Invalid file (thongDiep names the field)', vi: 'Hồ sơ không hợp lệ' },
  '401': { category: 'auth', en: 'Authentication failed', vi: 'Lỗi xác thực tài khoản' },
  '500': { category: 'retry', en: 'Server error: retry later', vi: 'Lỗi máy chủ, gửi lại sau' },
} as const satisfies Record<string, PortalResultMeaning>;

export type CheckinSubmitResultCode = keyof typeof CHECKIN_SUBMIT_RESULTS;

/** Reply of POST PORTAL_PATHS.checkinSubmit (HTTP 200 whenever the portal understood the request). */
export interface CheckinSubmitReply {
  maKetQua: CheckinSubmitResultCode | (string & {});
  thongDiep: string | null;
  /** Transaction id, kept for reconciliation (code 200). */
  maGiaoDich: string | null;
  /** PORTAL_DATETIME_FORMAT (the reference portal's choice; the agency does not document it). */
  thoiGianTiepNhan: string | null;
}

export const CHECKIN_SUBMIT_FORM_FIELDS = ['loaiHoSo', 'maCSKCB', 'fileHSB64'] as const satisfies readonly (keyof CheckinSubmitForm)[];

/** `loaiHoSo` of a check-in record (the only kind this contract knows). */
export const CHECKIN_LOAI_HO_SO = '0';

export const CHECKIN_SUBMIT_REPLY_FIELDS = [
  'maKetQua',
  'thongDiep',
  'maGiaoDich',
  'thoiGianTiepNhan',
] as const satisfies readonly (keyof CheckinSubmitReply)[];

/**
 * What the sender does with each result code (the outbox's vocabulary):
 * - `received`  the portal holds the record: keep maGiaoDich and thoiGianTiepNhan, never resend;
 * - `park`      the file itself is wrong: resending it cannot help, a person must look (thongDiep);
 * - `renew`     take a new token once and resend; a second 401 is the account, retried later;
 * - `retry`     the portal failed: resend later, with backoff.
 */
export type CheckinSubmitAction = 'received' | 'park' | 'renew' | 'retry';

/** CHECKIN_SUBMIT_RESULTS' codes → the sender's action (a code not listed here is `retry`: never drop, never park on a guess). */
export const CHECKIN_SUBMIT_ACTIONS = {
  '200': 'received',
  '201': 'received',
  '205': 'park',
  '401': 'renew',
  '500': 'retry',
} as const satisfies Record<CheckinSubmitResultCode, CheckinSubmitAction>;

/** The action for a code as received (any string); unknown codes are `retry`. */
export function checkinSubmitAction(code: string): CheckinSubmitAction {
  return Object.prototype.hasOwnProperty.call(CHECKIN_SUBMIT_ACTIONS, code)
    ? (CHECKIN_SUBMIT_ACTIONS as Record<string, CheckinSubmitAction>)[code]!
    : 'retry';
}

/**
 * Size limits of one submission. A kiosk sends one record per call (a few KiB signed); the limit
 * leaves room for a day's file of several hundred records, and bounds what the portal decodes,
 * parses and validates. The form limit is the file's base64 plus room for the other fields.
 */
export const CHECKIN_MAX_FILE_BYTES = 2 * 1024 * 1024;
export const CHECKIN_MAX_FORM_BYTES = Math.ceil(CHECKIN_MAX_FILE_BYTES / 3) * 4 + 4096;
/** Records (TRANG_THAI_KCB) in one file. */
export const CHECKIN_MAX_RECORDS = 1000;
/** Bounds of the reply's text fields (a longer one is not the wire's shape). */
export const CHECKIN_MAX_MESSAGE_CHARS = 1000;
export const CHECKIN_MAX_MA_GIAO_DICH_CHARS = 100;
