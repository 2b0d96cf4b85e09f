/**
 * The online card check as the kiosk screen sees it: POST /api/card-checks and
 * GET /api/card-checks/{id} answer `{id, result, portal}`. The `portal` member mirrors the
 * service's PortalSummary (server/portal/summary.ts) member for member; the UI may import only
 * server/wire/, so the shape is repeated here until it moves there.
 */
import type { KioskStatus } from '../../server/wire/status.js';
import type { VerifyResult } from '../../server/wire/verification.js';

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
  portal?: string;
  card?: string;
}

export interface PortalSummary {
  state: PortalState;
  code?: string;
  message?: string;
  checkedAt?: string;
  latencyMs?: number;
  attempts?: number;
  newCard?: PortalNewCard;
  lastVisit?: PortalVisit;
  /** Some answers list several visits; the summary carries at least the last one. */
  lastVisits?: PortalVisit[];
  fiveYearDate?: string;
  address?: string;
  registeredFacility?: string;
  validFrom?: string;
  validTo?: string;
  mismatch?: PortalMismatch;
  alreadyCheckedInToday?: { at: string; facility?: string; account?: string; via?: 'visit' | 'check' };
}

export interface CardCheckView {
  id: string;
  result: VerifyResult;
  portal: PortalSummary;
}

/** A typed-in card (no QR): a card number or an ID-card number, the name and the birth date. */
export interface ManualEntryInput {
  cardNumber?: string;
  cccd?: string;
  name: string;
  /** `YYYY-MM-DD` or `YYYY`. */
  birthDate: string;
}

export type CardCheckRequest = { qr: string } | { manual: ManualEntryInput };

/** /api/status `portal.state`: how the agency portal is doing, as the service last saw it. */
export type PortalHealth = NonNullable<KioskStatus['portal']>['state'];
