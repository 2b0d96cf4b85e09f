/**
 * The verifier's public contract: the result of checking one scanned QR text (POST /api/verify,
 * and what a check-in records). Shape follows ../shared/spec/digital-card.md §4. Clients (the
 * kiosk screen, the check-in service, hospital integrations) match on `code` strings, never on
 * messages. Wire contract: imports nothing (server/wire/).
 */

export type Verdict = 'accepted' | 'needs_review' | 'rejected';
export type Severity = 'error' | 'warning' | 'info';

/** Stable reason codes (spec §4) plus the kiosk's own additions (ID_CARD_PRESENTED). */
export type ReasonCode =
  | 'OK'
  | 'QR_MALFORMED'
  | 'CHUNKED_QR'
  | 'JWS_MALFORMED'
  | 'HEADER_INVALID'
  | 'KEY_UNKNOWN'
  | 'KEY_INACTIVE'
  | 'SIGNATURE_INVALID'
  | 'PAYLOAD_INVALID'
  | 'ISSUER_MISMATCH'
  | 'CREDENTIAL_INVALID'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'REVOKED'
  | 'CARD_NUMBER_INVALID'
  | 'CARD_NOT_YET_VALID'
  | 'CARD_EXPIRED'
  | 'OBJECT_CODE_UNKNOWN'
  | 'OFF_ROUTE'
  | 'UNSIGNED_LEGACY'
  | 'TRUST_STALE'
  | 'CLOCK_SUSPECT'
  /** A chip ID card (CCCD) QR: identifies the person, proves no coverage; look the card up online. */
  | 'ID_CARD_PRESENTED'
  /** This kiosk's policy does not accept digital cards (pilot provinces only). */
  | 'DIGITAL_CARD_NOT_ACCEPTED'
  /** QN/CY (defence fund) or CA (police fund) card: often absent from the civilian lookup. */
  | 'SPECIAL_FUND_CARD'
  // The agency portal's online card check (server/portal/, portal.md): its answer merged in.
  /** The online check was needed but did not answer within the time budget. */
  | 'PORTAL_UNAVAILABLE'
  /** The portal refused the facility's setup (054/055 staff ID, 401 account): not the patient's fault. */
  | 'PORTAL_CONFIG_ERROR'
  /** The portal refused the request's format (205). */
  | 'PORTAL_REQUEST_INVALID'
  /** The portal answered a result code the kiosk does not know. */
  | 'PORTAL_CODE_UNKNOWN'
  /** 050: the portal has no information on this card. */
  | 'PORTAL_CARD_NOT_FOUND'
  /** 060/061: the name differs from the portal's. */
  | 'PORTAL_NAME_MISMATCH'
  /** 070: the birth date differs from the portal's. */
  | 'PORTAL_BIRTH_DATE_MISMATCH'
  /** 090: the registered facility differs from the portal's. */
  | 'PORTAL_FACILITY_MISMATCH'
  /** 003: the old card expired, a new card was issued. */
  | 'CARD_REPLACED'
  /** 004: the card is still valid and a new one was issued (shown, decides nothing). */
  | 'NEW_CARD_ISSUED'
  /** 120–124: the card was reported reduced (moved, re-enrolled, stopped). */
  | 'CARD_REDUCED'
  /** 130: a child's card was not presented. */
  | 'CHILD_CARD_NOT_PRESENTED'
  /** Typed in by the receptionist, not scanned: only the online check can confirm it. */
  | 'MANUAL_ENTRY';

export interface Reason {
  code: ReasonCode;
  severity: Severity;
  message_vi: string;
  message_en: string;
  /** The agency portal's result number (maKetQua) where one maps, e.g. CARD_EXPIRED → "010". */
  portalCode?: string;
}

/** Verification steps in spec order. */
export type CheckName = 'qr' | 'header' | 'key' | 'signature' | 'payload' | 'time' | 'revocation' | 'card';

export interface Check {
  name: CheckName;
  ok: boolean;
}

export type Gender = 'male' | 'female' | 'other';

/**
 * The decoded card, named by the Vietnamese fields' meaning (spec §2). Dates are ISO
 * `YYYY-MM-DD` (birthDate may be `YYYY`). Absent fields are omitted, never empty strings.
 */
export interface CardFields {
  fullName?: string; // Họ và tên
  birthDate?: string; // Ngày sinh
  gender?: Gender; // Giới tính
  maSoBhxh?: string; // Mã số BHXH, 10 digits
  cardNumber?: string; // Mã thẻ BHYT: 15 chars or 10 digits
  objectCode?: string; // Mã đối tượng, 2 letters
  benefitLevel?: number; // Mức hưởng 1..5
  benefitPercent?: number; // what the fund pays, from the benefit table (100, 95, 80)
  registeredFacility?: string; // Nơi đăng ký KCB ban đầu, 5 chars
  provinceCode?: string; // 2 digits
  provinceName?: string;
  validFrom?: string; // Giá trị sử dụng từ
  validTo?: string; // Giá trị sử dụng đến (absent: no printed end date)
  fiveYearDate?: string; // Thời điểm đủ 5 năm liên tục
  areaCode?: string; // K1/K2/K3
  issuedBy?: string; // Cơ quan cấp
  address?: string; // legacy paper cards only
  issueDate?: string; // legacy paper cards only
  managementCode?: string; // legacy paper cards only
  parentName?: string; // legacy: children's cards
  idNumber?: string; // chip ID card (CCCD) number, 12 digits
  /**
   * Where `fullName` comes from when not from the QR itself: `unreadable` — a chip ID-card QR
   * typed by a keyboard-wedge scanner (its Vietnamese letters lost), so its name is left out and
   * the person is matched on the ID number and birth date; `portal` — the agency portal's record
   * of that ID number and birth date supplied the name.
   */
  nameFrom?: 'unreadable' | 'portal';
  /** Facility comparison with this kiosk: true when registered elsewhere (OFF_ROUTE). */
  offRoute?: boolean;
}

export type CardSource = 'signed' | 'legacy-unsigned' | 'id-card';

export interface VerifyResult {
  verdict: Verdict;
  /** Primary reason: the first error, else the first warning, else the first info, else OK. */
  code: ReasonCode;
  /** Portal number of the primary reason, when one maps. */
  portalCode?: string;
  reasons: Reason[];
  checks: Check[];
  card?: CardFields;
  source?: CardSource;
  keyId?: string;
  issuer?: string;
  /** Display name of the issuer from the trust store. */
  issuerName?: string;
  /** Credential times (seconds since epoch) when the signature held. */
  nbf?: number;
  exp?: number;
  rid?: string;
  /** True when the signing key belongs to the bundled demo issuer: never run a clinic on it. */
  demo?: boolean;
  checkedAt: string; // ISO-8601 UTC
  /**
   * The visit category (MA_DOITUONG_KCB) the kiosk proposes for this card at this facility, e.g.
   * "1.1" registered here. Only in POST /api/verify's answer (the desk preselects it; the
   * receptionist confirms or changes it); never part of what a visit records as its result.
   */
  proposedVisitCategory?: string;
}
