/**
 * The online card check as the desk's API answers it (POST /api/card-checks, GET
 * /api/card-checks/{id}): the portal summary beside the verification result. Shared by the
 * service (server/portal/summary.ts builds it) and the kiosk screen; imports nothing outside
 * server/wire/.
 */
import type { VerifyResult } from './verification.js';

/** How many of the portal's recent visits a summary carries. */
export const MAX_LAST_VISITS = 3;

/**
 * - `pending`: a check is under way; `done`: the portal answered; `unavailable`: it did not in
 *   time; `config`: it refused the facility's setup (054/055/401: tell IT, not the patient);
 *   `not_needed`: this result needs no online check (policy); `off`: no portal configured.
 */
export type PortalState = 'pending' | 'done' | 'unavailable' | 'config' | 'not_needed' | 'off';

export interface PortalNewCard {
  cardNumber?: string;
  validFrom?: string;
  validTo?: string;
  registeredFacility?: string;
  registeredFacilityName?: string;
}

export interface PortalVisit {
  facility?: string;
  /** ISO instant, +07:00 */
  from?: string;
  to?: string;
}

export interface PortalMismatch {
  field: 'name' | 'birthDate' | 'facility';
  /** What the portal holds. */
  portal?: string;
  /** What the card (or the entry) says. */
  card?: string;
}

export interface PortalSummary {
  state: PortalState;
  /** The portal's result number (maKetQua), or the config code (e.g. HTTP_404). */
  code?: string;
  /** The portal's own message (ghiChu), else the table's meaning in Vietnamese. */
  message?: string;
  /** ISO instant of the outcome. */
  checkedAt?: string;
  latencyMs?: number;
  attempts?: number;
  newCard?: PortalNewCard;
  lastVisit?: PortalVisit;
  /** The most recent visits, newest first (at most MAX_LAST_VISITS); lastVisit is the first. */
  lastVisits?: PortalVisit[];
  fiveYearDate?: string;
  address?: string;
  registeredFacility?: string;
  validFrom?: string;
  validTo?: string;
  mismatch?: PortalMismatch;
  /**
   * A visit (or, failing that, a card check by any facility) earlier today in Vietnam time: `at`
   * is `HH:MM`; for a check, `account` is the checking account and `facility` its leading
   * facility code when the account name starts with one (e.g. 12001_bv).
   */
  alreadyCheckedInToday?: { at: string; facility?: string; account?: string; via: 'visit' | 'check' };
}

/** The answer of POST /api/card-checks and GET /api/card-checks/{id}. */
export interface CardCheckView {
  id: string;
  result: VerifyResult;
  portal: PortalSummary;
  /** The visit category (MA_DOITUONG_KCB) the kiosk proposes for this card here, e.g. "1.1" (the desk preselects it). */
  proposedVisitCategory?: string;
}

/** A typed-in card (no QR): a card number or an ID-card number, the name and the birth date. */
export interface ManualEntryInput {
  cardNumber?: string;
  cccd?: string;
  name: string;
  /** `YYYY-MM-DD` or `YYYY`. */
  birthDate: string;
}

/** The body of POST /api/card-checks. */
export type CardCheckRequest = { qr: string; typedBy?: QrTypedBy } | { manual: ManualEntryInput };

/**
 * How the QR text reached the screen, when it matters: `wedge` — typed by a keyboard-wedge
 * scanner, which loses every non-ASCII letter (a chip ID card's name is then not used).
 */
export type QrTypedBy = 'wedge';
