/**
 * The portal-verdict table: how each card-check result code (maKetQua, server/wire/portal.ts)
 * turns into the kiosk's verdict and reason. One row per code, data only; `satisfies` keeps it
 * complete whenever the wire's table gains a code.
 *
 * - `pass`: the card is good (000, 004); clears the "check it online" findings.
 * - `review` / `reject`: the row's reason is added (with the portal's number as its portalCode);
 *   `severity` overrides the catalog's where the portal's meaning is stronger (001/002: the
 *   SPECIAL_FUND_CARD info becomes a warning, "check ID papers").
 * - `config`: the facility's setup (054/055 staff ID; 401 after one renewal): never the patient's
 *   fault, a distinct outcome for the desk and /api/status.
 * - `retry`: 100/101/500, retried within the time budget, then PORTAL_UNAVAILABLE.
 * - `auth`: 401, take a new token once and retry.
 * - `input`: 205, the request's format (our bug or a typed entry): PORTAL_REQUEST_INVALID.
 *
 * Deviations from the wire's categories, on purpose (the kiosk handling): 050 "no card
 * information" is review, not reject (defence/police-fund cards and fresh registrations are
 * often missing from the civilian lookup; a person decides).
 */
import type { ReasonCode, Severity } from '../wire/verification.js';
import type { CardCheckResultCode } from '../wire/portal.js';

export type PortalRowKind = 'pass' | 'review' | 'reject' | 'config' | 'retry' | 'auth' | 'input';

export interface PortalVerdictRow {
  kind: PortalRowKind;
  /** The reason the row adds to the result (pass rows: an info note, if any). */
  reason?: ReasonCode;
  /** Overrides the catalog severity of `reason`. */
  severity?: Severity;
}

export const PORTAL_VERDICTS = Object.freeze({
  '000': { kind: 'pass' },
  '001': { kind: 'review', reason: 'SPECIAL_FUND_CARD', severity: 'warning' },
  '002': { kind: 'review', reason: 'SPECIAL_FUND_CARD', severity: 'warning' },
  '003': { kind: 'reject', reason: 'CARD_REPLACED' },
  '004': { kind: 'pass', reason: 'NEW_CARD_ISSUED' },
  '010': { kind: 'reject', reason: 'CARD_EXPIRED' },
  '050': { kind: 'review', reason: 'PORTAL_CARD_NOT_FOUND' },
  '051': { kind: 'reject', reason: 'CARD_NUMBER_INVALID' },
  '052': { kind: 'reject', reason: 'CARD_NUMBER_INVALID' },
  '053': { kind: 'reject', reason: 'CARD_NUMBER_INVALID' },
  '054': { kind: 'config', reason: 'PORTAL_CONFIG_ERROR' },
  '055': { kind: 'config', reason: 'PORTAL_CONFIG_ERROR' },
  '060': { kind: 'review', reason: 'PORTAL_NAME_MISMATCH' },
  '061': { kind: 'review', reason: 'PORTAL_NAME_MISMATCH' },
  '070': { kind: 'review', reason: 'PORTAL_BIRTH_DATE_MISMATCH' },
  '090': { kind: 'review', reason: 'PORTAL_FACILITY_MISMATCH' },
  '100': { kind: 'retry', reason: 'PORTAL_UNAVAILABLE' },
  '101': { kind: 'retry', reason: 'PORTAL_UNAVAILABLE' },
  '110': { kind: 'reject', reason: 'REVOKED' },
  '120': { kind: 'reject', reason: 'CARD_REDUCED' },
  '121': { kind: 'reject', reason: 'CARD_REDUCED' },
  '122': { kind: 'reject', reason: 'CARD_REDUCED' },
  '123': { kind: 'reject', reason: 'CARD_REDUCED' },
  '124': { kind: 'reject', reason: 'CARD_REDUCED' },
  '130': { kind: 'review', reason: 'CHILD_CARD_NOT_PRESENTED' },
  '205': { kind: 'input', reason: 'PORTAL_REQUEST_INVALID' },
  '401': { kind: 'auth', reason: 'PORTAL_CONFIG_ERROR' },
  '500': { kind: 'retry', reason: 'PORTAL_UNAVAILABLE' },
} as const satisfies Record<CardCheckResultCode, PortalVerdictRow>);

/** The row of a code as received, or undefined for a code the table does not know. */
export function portalVerdictRow(code: string): PortalVerdictRow | undefined {
  return Object.prototype.hasOwnProperty.call(PORTAL_VERDICTS, code)
    ? (PORTAL_VERDICTS as Record<string, PortalVerdictRow>)[code]
    : undefined;
}

/**
 * The findings that only say "look this up online": an online answer (pass) clears them
 * (digital-card.md §4: 000/004 pass and clear UNSIGNED_LEGACY).
 */
export const CLEARED_BY_PASS: readonly ReasonCode[] = Object.freeze(['UNSIGNED_LEGACY', 'ID_CARD_PRESENTED', 'MANUAL_ENTRY']);

/** Every reason code the portal side adds (reason catalogs and tests list them). */
export const PORTAL_REASON_CODES: readonly ReasonCode[] = Object.freeze([
  'PORTAL_UNAVAILABLE',
  'PORTAL_CONFIG_ERROR',
  'PORTAL_REQUEST_INVALID',
  'PORTAL_CODE_UNKNOWN',
  'PORTAL_CARD_NOT_FOUND',
  'PORTAL_NAME_MISMATCH',
  'PORTAL_BIRTH_DATE_MISMATCH',
  'PORTAL_FACILITY_MISMATCH',
  'CARD_REPLACED',
  'NEW_CARD_ISSUED',
  'CARD_REDUCED',
  'CHILD_CARD_NOT_PRESENTED',
  'MANUAL_ENTRY',
]);
