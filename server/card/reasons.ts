import { REASON_MESSAGES, type ReasonMessageCode } from '../wire/reason-messages.js';
import type { Reason, ReasonCode, Severity } from '../wire/verification.js';

/**
 * The reason catalog: one entry per ReasonCode with its severity and the agency portal's number
 * (maKetQua, ../shared/spec/portal.md) where one maps. The words (the message a receptionist
 * reads in Vietnamese, an English one for logs and integrators) live in
 * server/wire/reason-messages.ts, shared with the kiosk screen. Data, not code paths: clients
 * match on `code`, so wording may change freely.
 */

interface CatalogEntry {
  severity: Severity;
  message_vi: string;
  message_en: string;
  portalCode?: string;
}

type Classification = Omit<CatalogEntry, 'message_vi' | 'message_en'>;

/** Every ReasonCode has messages and every message belongs to a ReasonCode (both compile errors). */
const MESSAGES: Readonly<Record<ReasonCode, { readonly message_vi: string; readonly message_en: string }>> = REASON_MESSAGES;
const _noStrayMessages: [ReasonMessageCode] extends [ReasonCode] ? true : never = true;

const CLASSIFICATION = {
  OK: { severity: 'info', portalCode: '000' },
  QR_MALFORMED: { severity: 'error' },
  CHUNKED_QR: { severity: 'error' },
  JWS_MALFORMED: { severity: 'error' },
  HEADER_INVALID: { severity: 'error' },
  KEY_UNKNOWN: { severity: 'error' },
  KEY_INACTIVE: { severity: 'error' },
  SIGNATURE_INVALID: { severity: 'error' },
  PAYLOAD_INVALID: { severity: 'error' },
  ISSUER_MISMATCH: { severity: 'error' },
  CREDENTIAL_INVALID: { severity: 'error' },
  NOT_YET_VALID: { severity: 'error' },
  EXPIRED: { severity: 'error' },
  REVOKED: { severity: 'error', portalCode: '110' },
  CARD_NUMBER_INVALID: { severity: 'error', portalCode: '051' },
  CARD_NOT_YET_VALID: { severity: 'error' },
  CARD_EXPIRED: { severity: 'error', portalCode: '010' },
  OBJECT_CODE_UNKNOWN: { severity: 'warning' },
  OFF_ROUTE: { severity: 'info' },
  UNSIGNED_LEGACY: { severity: 'warning' },
  TRUST_STALE: { severity: 'warning' },
  CLOCK_SUSPECT: { severity: 'warning' },
  ID_CARD_PRESENTED: { severity: 'warning' },
  DIGITAL_CARD_NOT_ACCEPTED: { severity: 'error' },
  SPECIAL_FUND_CARD: { severity: 'info', portalCode: '001' },
  PORTAL_UNAVAILABLE: { severity: 'warning' },
  PORTAL_CONFIG_ERROR: { severity: 'warning' },
  PORTAL_REQUEST_INVALID: { severity: 'warning', portalCode: '205' },
  PORTAL_CODE_UNKNOWN: { severity: 'warning' },
  PORTAL_CARD_NOT_FOUND: { severity: 'warning', portalCode: '050' },
  PORTAL_NAME_MISMATCH: { severity: 'warning', portalCode: '060' },
  PORTAL_BIRTH_DATE_MISMATCH: { severity: 'warning', portalCode: '070' },
  PORTAL_FACILITY_MISMATCH: { severity: 'warning', portalCode: '090' },
  CARD_REPLACED: { severity: 'error', portalCode: '003' },
  NEW_CARD_ISSUED: { severity: 'info', portalCode: '004' },
  CARD_REDUCED: { severity: 'error', portalCode: '120' },
  CHILD_CARD_NOT_PRESENTED: { severity: 'warning', portalCode: '130' },
  MANUAL_ENTRY: { severity: 'warning' },
} satisfies Record<ReasonCode, Classification>;

const CATALOG: Readonly<Record<ReasonCode, Readonly<CatalogEntry>>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(CLASSIFICATION) as ReasonCode[]).map((code) => {
      const { message_vi, message_en } = MESSAGES[code];
      return [code, Object.freeze({ ...CLASSIFICATION[code], message_vi, message_en })];
    }),
  ) as Record<ReasonCode, CatalogEntry>,
);

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
