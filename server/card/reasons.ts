import type { Reason, ReasonCode, Severity } from './types.js';

/**
 * The reason catalog: one entry per ReasonCode with its severity, the message a receptionist
 * reads (Vietnamese, plain words) and an English one for logs and integrators, plus the agency
 * portal's number (maKetQua, ../shared/spec/portal.md) where one maps. Data, not code paths:
 * clients match on `code`, so wording may change freely.
 */

interface CatalogEntry {
  severity: Severity;
  message_vi: string;
  message_en: string;
  portalCode?: string;
}

const CATALOG: Readonly<Record<ReasonCode, Readonly<CatalogEntry>>> = Object.freeze({
  OK: {
    severity: 'info',
    message_vi: 'Thẻ hợp lệ.',
    message_en: 'The card is valid.',
    portalCode: '000',
  },
  QR_MALFORMED: {
    severity: 'error',
    message_vi: 'Không đọc được mã QR này. Đây không phải mã QR của thẻ BHYT; hãy quét lại hoặc kiểm tra thẻ.',
    message_en: 'The QR code is not a readable card QR.',
  },
  CHUNKED_QR: {
    severity: 'error',
    message_vi: 'Mã QR bị chia thành nhiều phần (dạng cũ, không còn dùng). Đề nghị người bệnh mở lại thẻ trên ứng dụng.',
    message_en: 'Multi-chunk QR codes are not accepted.',
  },
  JWS_MALFORMED: {
    severity: 'error',
    message_vi: 'Dữ liệu thẻ điện tử bị hỏng hoặc quá dài, không đọc được.',
    message_en: 'The signed card data is malformed or too long.',
  },
  HEADER_INVALID: {
    severity: 'error',
    message_vi: 'Thẻ điện tử dùng định dạng chữ ký không được chấp nhận.',
    message_en: 'The signed card header is not allowed (algorithm, compression, key id or extra parameters).',
  },
  KEY_UNKNOWN: {
    severity: 'error',
    message_vi: 'Thẻ được ký bằng khóa không có trong danh sách tin cậy của máy. Không chấp nhận; tra cứu thẻ trên cổng giám định.',
    message_en: 'The card was signed with a key that is not in the trust store.',
  },
  KEY_INACTIVE: {
    severity: 'error',
    message_vi: 'Khóa ký thẻ đã bị thu hồi hoặc không còn hiệu lực lúc cấp thẻ. Không chấp nhận thẻ này.',
    message_en: 'The signing key was revoked or not active when the card was issued.',
  },
  SIGNATURE_INVALID: {
    severity: 'error',
    message_vi: 'Chữ ký số của thẻ không đúng: thẻ có thể đã bị sửa hoặc làm giả. Không chấp nhận.',
    message_en: 'The card signature does not verify.',
  },
  PAYLOAD_INVALID: {
    severity: 'error',
    message_vi: 'Nội dung thẻ điện tử bị hỏng, không đọc được.',
    message_en: 'The card payload is not valid compressed JSON or exceeds the size limit.',
  },
  ISSUER_MISMATCH: {
    severity: 'error',
    message_vi: 'Đơn vị cấp ghi trên thẻ không khớp với khóa ký. Không chấp nhận.',
    message_en: "The card's issuer differs from the issuer of the signing key.",
  },
  CREDENTIAL_INVALID: {
    severity: 'error',
    message_vi: 'Mã QR có chữ ký hợp lệ nhưng không phải thẻ BHYT (hoặc thiếu thông tin bắt buộc).',
    message_en: 'The signed credential is not a BHYT insurance card with the required content.',
  },
  NOT_YET_VALID: {
    severity: 'error',
    message_vi: 'Thẻ điện tử chưa đến thời điểm có hiệu lực. Kiểm tra đồng hồ của máy hoặc đề nghị người bệnh mở lại thẻ.',
    message_en: 'The credential is not valid yet (nbf in the future).',
  },
  EXPIRED: {
    severity: 'error',
    message_vi: 'Bản thẻ điện tử này đã hết hạn. Đề nghị người bệnh mở lại thẻ trên ứng dụng để lấy bản mới.',
    message_en: 'The credential has expired (exp in the past).',
  },
  REVOKED: {
    severity: 'error',
    message_vi: 'Thẻ đã bị thu hồi. Không chấp nhận.',
    message_en: 'The card has been revoked.',
    portalCode: '110',
  },
  CARD_NUMBER_INVALID: {
    severity: 'error',
    message_vi: 'Mã thẻ BHYT không đúng.',
    message_en: 'The card number is invalid.',
    portalCode: '051',
  },
  CARD_NOT_YET_VALID: {
    severity: 'error',
    message_vi: 'Thẻ BHYT chưa đến ngày có giá trị sử dụng.',
    message_en: 'The coverage period has not started yet.',
  },
  CARD_EXPIRED: {
    severity: 'error',
    message_vi: 'Thẻ BHYT đã hết hạn sử dụng.',
    message_en: 'The coverage period has ended.',
    portalCode: '010',
  },
  OBJECT_CODE_UNKNOWN: {
    severity: 'warning',
    message_vi: 'Mã đối tượng trên thẻ không có trong danh mục của máy. Nhân viên kiểm tra lại.',
    message_en: 'The object code is not in the known table; a person must decide.',
  },
  OFF_ROUTE: {
    severity: 'info',
    message_vi: 'Người bệnh đăng ký khám chữa bệnh ban đầu ở cơ sở khác (trái tuyến / thông tuyến): mức hưởng có thể khác.',
    message_en: 'Registered at another facility (off-route): the benefit may differ.',
  },
  UNSIGNED_LEGACY: {
    severity: 'warning',
    message_vi: 'Mã QR trên thẻ giấy không có chữ ký số. Tra cứu thẻ trên cổng giám định trước khi tiếp nhận.',
    message_en: 'Legacy paper-card QR without a signature: check it with the online lookup.',
  },
  TRUST_STALE: {
    severity: 'warning',
    message_vi: 'Danh sách khóa tin cậy hoặc danh sách thẻ thu hồi của máy đã cũ. Báo bộ phận kỹ thuật cập nhật.',
    message_en: 'The trust store or revocation list is older than policy allows.',
  },
  CLOCK_SUSPECT: {
    severity: 'warning',
    message_vi: 'Đồng hồ của máy có vẻ bị sai (chậm hơn thực tế). Báo bộ phận kỹ thuật.',
    message_en: "This machine's clock appears to be behind.",
  },
  ID_CARD_PRESENTED: {
    severity: 'warning',
    message_vi: 'Đây là căn cước công dân, không phải thẻ BHYT. Tra cứu thẻ BHYT bằng số căn cước trên cổng giám định.',
    message_en: 'A chip ID card was presented: look the insurance card up online.',
  },
  DIGITAL_CARD_NOT_ACCEPTED: {
    severity: 'error',
    message_vi: 'Cơ sở này chưa chấp nhận thẻ BHYT điện tử. Đề nghị xuất trình thẻ giấy hoặc căn cước công dân.',
    message_en: 'This facility does not accept digital cards.',
  },
  SPECIAL_FUND_CARD: {
    severity: 'info',
    message_vi:
      'Thẻ do BHXH Bộ Quốc phòng / Bộ Công an quản lý: kiểm tra thẻ và giấy tờ tùy thân (cổng tra cứu có thể không có thông tin).',
    message_en: 'Card managed by the defence or police fund: check the card and ID papers (often absent from the civilian lookup).',
    portalCode: '001',
  },
} satisfies Record<ReasonCode, CatalogEntry>);

/** Every code the catalog knows (for tests and UIs listing them). */
export const REASON_CODES: readonly ReasonCode[] = Object.freeze(Object.keys(CATALOG) as ReasonCode[]);

/** The catalog entry for a code (shared, frozen). */
export function catalogEntry(code: ReasonCode): Readonly<CatalogEntry> {
  return CATALOG[code];
}

/**
 * A fresh Reason for `code`; `overrides` refine one finding (e.g. a more specific message, or
 * the portal's 052 instead of 051 for a wrong province code). The copy keeps callers from
 * mutating the shared catalog.
 */
export function reason(code: ReasonCode, overrides?: Partial<Omit<Reason, 'code'>>): Reason {
  const e = CATALOG[code];
  const r: Reason = { code, severity: e.severity, message_vi: e.message_vi, message_en: e.message_en };
  if (e.portalCode !== undefined) r.portalCode = e.portalCode;
  if (overrides) Object.assign(r, overrides);
  return r;
}
