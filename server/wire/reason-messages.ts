/**
 * Every reason's words, one entry per reason code: the only home of these texts. Pure data that
 * imports nothing, shared by the service (server/card/reasons.ts puts `message_vi` and
 * `message_en` into every result) and the kiosk screen (which renders a reason by its code).
 *
 * - `message_vi`: what the receptionist reads, in plain Vietnamese (the screen and the API).
 * - `message_en`: English for logs and integrators (the API); one finding may refine it.
 * - `screen_en`: what the kiosk screen shows when switched to English (plain words for the desk).
 *
 * Clients match on the code, never on these texts, so wording may change freely.
 */

export interface ReasonMessages {
  readonly message_vi: string;
  readonly message_en: string;
  readonly screen_en: string;
}

export const REASON_MESSAGES = {
  OK: {
    message_vi: 'Thẻ hợp lệ.',
    message_en: 'The card is valid.',
    screen_en: 'The card is valid.',
  },
  QR_MALFORMED: {
    message_vi: 'Không đọc được mã QR này. Đây không phải mã QR của thẻ BHYT; hãy quét lại hoặc kiểm tra thẻ.',
    message_en: 'The QR code is not a readable card QR.',
    screen_en: 'This QR code cannot be read as a health-insurance card. Scan again or check the card.',
  },
  CHUNKED_QR: {
    message_vi: 'Mã QR bị chia thành nhiều phần (dạng cũ, không còn dùng). Đề nghị người bệnh mở lại thẻ trên ứng dụng.',
    message_en: 'Multi-chunk QR codes are not accepted.',
    screen_en: 'The QR code is split into several parts (old format). Ask the patient to reopen the card in the app.',
  },
  JWS_MALFORMED: {
    message_vi: 'Dữ liệu thẻ điện tử bị hỏng hoặc quá dài, không đọc được.',
    message_en: 'The signed card data is malformed or too long.',
    screen_en: 'The digital card data is damaged or too long.',
  },
  HEADER_INVALID: {
    message_vi: 'Thẻ điện tử dùng định dạng chữ ký không được chấp nhận.',
    message_en: 'The signed card header is not allowed (algorithm, compression, key id or extra parameters).',
    screen_en: 'The digital card uses a signature format that is not accepted.',
  },
  KEY_UNKNOWN: {
    message_vi: 'Thẻ được ký bằng khóa không có trong danh sách tin cậy của máy. Không chấp nhận; tra cứu thẻ trên cổng giám định.',
    message_en: 'The card was signed with a key that is not in the trust store.',
    screen_en: 'The card was signed with a key this kiosk does not trust. Do not accept; look the card up online.',
  },
  KEY_INACTIVE: {
    message_vi: 'Khóa ký thẻ đã bị thu hồi hoặc không còn hiệu lực lúc cấp thẻ. Không chấp nhận thẻ này.',
    message_en: 'The signing key was revoked or not active when the card was issued.',
    screen_en: 'The signing key was revoked or not active when the card was issued. Do not accept.',
  },
  SIGNATURE_INVALID: {
    message_vi: 'Chữ ký số của thẻ không đúng: thẻ có thể đã bị sửa hoặc làm giả. Không chấp nhận.',
    message_en: 'The card signature does not verify.',
    screen_en: 'The digital signature does not match: the card may have been altered or forged. Do not accept.',
  },
  PAYLOAD_INVALID: {
    message_vi: 'Nội dung thẻ điện tử bị hỏng, không đọc được.',
    message_en: 'The card payload is not valid compressed JSON or exceeds the size limit.',
    screen_en: 'The digital card content is damaged.',
  },
  ISSUER_MISMATCH: {
    message_vi: 'Đơn vị cấp ghi trên thẻ không khớp với khóa ký. Không chấp nhận.',
    message_en: "The card's issuer differs from the issuer of the signing key.",
    screen_en: "The card's issuer does not match the signing key. Do not accept.",
  },
  CREDENTIAL_INVALID: {
    message_vi: 'Mã QR có chữ ký hợp lệ nhưng không phải thẻ BHYT (hoặc thiếu thông tin bắt buộc).',
    message_en: 'The signed credential is not a BHYT insurance card with the required content.',
    screen_en: 'The QR is signed but is not a health-insurance card (or lacks required details).',
  },
  NOT_YET_VALID: {
    message_vi: 'Thẻ điện tử chưa đến thời điểm có hiệu lực. Kiểm tra đồng hồ của máy hoặc đề nghị người bệnh mở lại thẻ.',
    message_en: 'The credential is not valid yet (nbf in the future).',
    screen_en: 'This digital card is not valid yet.',
  },
  EXPIRED: {
    message_vi: 'Bản thẻ điện tử này đã hết hạn. Đề nghị người bệnh mở lại thẻ trên ứng dụng để lấy bản mới.',
    message_en: 'The credential has expired (exp in the past).',
    screen_en: 'This copy of the digital card has expired. Ask the patient to reopen the card in the app.',
  },
  REVOKED: {
    message_vi: 'Thẻ đã bị thu hồi. Không chấp nhận.',
    message_en: 'The card has been revoked.',
    screen_en: 'The card has been withdrawn. Do not accept.',
  },
  CARD_NUMBER_INVALID: {
    message_vi: 'Mã thẻ BHYT không đúng.',
    message_en: 'The card number is invalid.',
    screen_en: 'The card number is wrong.',
  },
  CARD_NOT_YET_VALID: {
    message_vi: 'Thẻ BHYT chưa đến ngày có giá trị sử dụng.',
    message_en: 'The coverage period has not started yet.',
    screen_en: 'The card coverage has not started yet.',
  },
  CARD_EXPIRED: {
    message_vi: 'Thẻ BHYT đã hết hạn sử dụng.',
    message_en: 'The coverage period has ended.',
    screen_en: 'The card coverage has ended.',
  },
  OBJECT_CODE_UNKNOWN: {
    message_vi: 'Mã đối tượng trên thẻ không có trong danh mục của máy. Nhân viên kiểm tra lại.',
    message_en: 'The object code is not in the known table; a person must decide.',
    screen_en: 'The object code is not in this kiosk’s table. Staff must check.',
  },
  OFF_ROUTE: {
    message_vi: 'Người bệnh đăng ký khám chữa bệnh ban đầu ở cơ sở khác (trái tuyến / thông tuyến): mức hưởng có thể khác.',
    message_en: 'Registered at another facility (off-route): the benefit may differ.',
    screen_en: 'Registered at another facility (off-route): the benefit may differ.',
  },
  UNSIGNED_LEGACY: {
    message_vi: 'Mã QR trên thẻ giấy không có chữ ký số. Tra cứu thẻ trên cổng giám định trước khi tiếp nhận.',
    message_en: 'Legacy paper-card QR without a signature: check it with the online lookup.',
    screen_en: 'The paper card QR has no digital signature. Look the card up on the portal before check-in.',
  },
  TRUST_STALE: {
    message_vi: 'Danh sách khóa tin cậy hoặc danh sách thẻ thu hồi của máy đã cũ. Báo bộ phận kỹ thuật cập nhật.',
    message_en: 'The trust store or revocation list is older than policy allows.',
    screen_en: 'The trusted keys on this kiosk are out of date. Call support.',
  },
  CLOCK_SUSPECT: {
    message_vi: 'Đồng hồ của máy có vẻ bị sai (chậm hơn thực tế). Báo bộ phận kỹ thuật.',
    message_en: "This machine's clock appears to be behind.",
    screen_en: "This machine's clock looks wrong. Call support.",
  },
  ID_CARD_PRESENTED: {
    message_vi: 'Đây là căn cước công dân, không phải thẻ BHYT. Tra cứu thẻ BHYT bằng số căn cước trên cổng giám định.',
    message_en: 'A chip ID card was presented: look the insurance card up online.',
    screen_en: 'This is a chip ID card, not an insurance card. Look the insurance card up online by the ID number.',
  },
  DIGITAL_CARD_NOT_ACCEPTED: {
    message_vi: 'Cơ sở này chưa chấp nhận thẻ BHYT điện tử. Đề nghị xuất trình thẻ giấy hoặc căn cước công dân.',
    message_en: 'This facility does not accept digital cards.',
    screen_en: 'This facility does not accept digital cards yet. Ask for the paper card or chip ID card.',
  },
  SPECIAL_FUND_CARD: {
    message_vi:
      'Thẻ do BHXH Bộ Quốc phòng / Bộ Công an quản lý: kiểm tra thẻ và giấy tờ tùy thân (cổng tra cứu có thể không có thông tin).',
    message_en: 'Card managed by the defence or police fund: check the card and ID papers (often absent from the civilian lookup).',
    screen_en: 'Card managed by the defence or police fund: check the card and photo ID (often absent from the online lookup).',
  },
  PORTAL_UNAVAILABLE: {
    message_vi:
      'Cổng giám định không trả lời kịp (mất kết nối, quá thời gian hoặc lỗi máy chủ). Nhân viên quyết định; thẻ sẽ được tra cứu lại khi cổng hoạt động.',
    message_en: 'The online card check was needed but did not answer in time (unreachable, time-out or server error): a person decides.',
    screen_en: 'The insurance portal did not answer in time. Decide yourself; the card is checked again when the portal is back.',
  },
  PORTAL_CONFIG_ERROR: {
    message_vi:
      'Cổng giám định từ chối tài khoản của cơ sở hoặc thông tin cán bộ tra cứu (họ tên, số CCCD). Không phải lỗi của người bệnh: báo bộ phận kỹ thuật.',
    message_en:
      "The portal refused the facility's account or the checking staff member's name / ID number: a setup problem, not the patient's.",
    screen_en: "The portal refused this kiosk's account or your staff ID. Not the patient's fault: call support.",
  },
  PORTAL_REQUEST_INVALID: {
    message_vi: 'Cổng giám định báo dữ liệu tra cứu sai định dạng. Kiểm tra lại mã thẻ, họ tên và ngày sinh đã nhập.',
    message_en: 'The portal refused the format of the lookup data.',
    screen_en: 'The portal says the lookup data is badly formatted. Check the card number, name and birth date.',
  },
  PORTAL_CODE_UNKNOWN: {
    message_vi: 'Cổng giám định trả về mã kết quả mà máy chưa biết. Nhân viên kiểm tra lại trên cổng.',
    message_en: 'The portal answered a result code this kiosk does not know: a person decides.',
    screen_en: 'The portal answered a result this kiosk does not know. Check on the portal yourself.',
  },
  PORTAL_CARD_NOT_FOUND: {
    message_vi: 'Cổng giám định không có thông tin thẻ này. Kiểm tra lại mã thẻ và giấy tờ tùy thân.',
    message_en: 'The portal has no information on this card.',
    screen_en: 'The portal has no record of this card. Check the number and photo ID.',
  },
  PORTAL_NAME_MISMATCH: {
    message_vi: 'Họ tên không khớp với thông tin trên cổng giám định. Đối chiếu với giấy tờ tùy thân.',
    message_en: "The name differs from the portal's.",
    screen_en: "The name does not match the portal's. Compare with photo ID.",
  },
  PORTAL_BIRTH_DATE_MISMATCH: {
    message_vi: 'Ngày sinh không khớp với thông tin trên cổng giám định. Đối chiếu với giấy tờ tùy thân.',
    message_en: "The birth date differs from the portal's.",
    screen_en: "The birth date does not match the portal's. Compare with photo ID.",
  },
  PORTAL_FACILITY_MISMATCH: {
    message_vi: 'Nơi đăng ký khám chữa bệnh ban đầu không khớp với thông tin trên cổng giám định.',
    message_en: "The registered facility differs from the portal's.",
    screen_en: "The registered facility does not match the portal's.",
  },
  CARD_REPLACED: {
    message_vi: 'Thẻ cũ đã hết giá trị, người bệnh đã được cấp thẻ mới. Đề nghị xuất trình thẻ mới.',
    message_en: 'The old card has expired and a new card was issued.',
    screen_en: 'This old card has expired; a new card was issued. Ask for the new card.',
  },
  NEW_CARD_ISSUED: {
    message_vi: 'Thẻ còn giá trị; người bệnh đã được cấp thẻ mới.',
    message_en: 'The card is still valid; a new card was issued.',
    screen_en: 'The card is still valid; a new card was issued.',
  },
  CARD_REDUCED: {
    message_vi: 'Thẻ đã bị báo giảm (chuyển nơi, tham gia lại hoặc ngừng tham gia). Không chấp nhận.',
    message_en: 'The card was reported reduced (moved, re-enrolled or stopped).',
    screen_en: 'The card was cancelled (moved, re-enrolled or stopped). Do not accept.',
  },
  CHILD_CARD_NOT_PRESENTED: {
    message_vi: 'Trẻ em chưa xuất trình thẻ BHYT. Kiểm tra giấy khai sinh hoặc giấy chứng sinh.',
    message_en: "A child's card was not presented.",
    screen_en: "The child's card was not shown. Check the birth certificate.",
  },
  MANUAL_ENTRY: {
    message_vi: 'Thông tin thẻ được nhập tay, không quét từ mã QR. Tra cứu trên cổng giám định trước khi tiếp nhận.',
    message_en: 'Entered by hand, not scanned: only the online check can confirm it.',
    screen_en: 'Typed in by hand, not scanned. Check it on the portal before check-in.',
  },
} as const satisfies Readonly<Record<string, ReasonMessages>>;

/** The codes that have messages (the service checks this is exactly its ReasonCode union). */
export type ReasonMessageCode = keyof typeof REASON_MESSAGES;

/** The messages for a code from any source (a newer server may send codes this build lacks). */
export function reasonMessages(code: string): ReasonMessages | undefined {
  return Object.prototype.hasOwnProperty.call(REASON_MESSAGES, code) ? REASON_MESSAGES[code as ReasonMessageCode] : undefined;
}
