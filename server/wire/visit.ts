/**
 * A recorded visit as clients see it: GET /api/visits/recent (the receptionist's desk), the
 * answer of POST /api/check-ins, and (with `sync`) the auditor's list. Wire contract: imports
 * nothing outside server/wire/.
 */
import type { CardFields, Verdict } from './verification.js';

export interface Visit {
  id: string;
  seq: number;
  facility: string;
  deskId: string;
  operator: { username: string; displayName: string; cccd?: string };
  /** When the kiosk recorded the visit (ISO-8601 UTC). */
  recordedAt: string;
  /** When the card was verified (the verifier's checkedAt). */
  checkedAt: string;
  /** Portal visit-type code (MA_LOAI_KCB), e.g. "01" examination. */
  visitType: string;
  /** Visit category (MA_DOITUONG_KCB) the check-in record reports, e.g. "1.1"; absent on older visits and rejected attempts. */
  visitCategory?: string;
  verdict: Verdict;
  code: string;
  reasonCodes: string[];
  reviewNote?: string;
  source?: string;
  card?: CardFields;
  issuer?: string;
  keyId?: string;
  rid?: string;
  demo: boolean;
  hash: string;
  prevHash: string;
  /** Auditor views only: the raw QR text, so the signature can be re-verified later ('' for a manual entry). */
  qrText?: string;
  /** The online card check this visit was checked in from (POST /api/card-checks), when there was one. */
  cardCheckId?: string;
  /** The portal's answer as it stood at check-in, when the visit came from a card check. */
  portal?: VisitPortal;
}

/** The portal's answer recorded on a visit. */
export interface VisitPortal {
  /** done, unavailable, config, not_needed, off. */
  state: string;
  /** The portal's result number (maKetQua), or the kiosk's code for a check not made. */
  code?: string;
  message?: string;
  /** ISO instant of the answer. */
  checkedAt?: string;
  latencyMs?: number;
}

/** A visit checked in while the portal was unavailable, looked up again later (auditor views). */
export interface VisitRecheck {
  state: 'done' | 'not_checkable';
  code?: string;
  verdict?: Verdict;
  flagged: boolean;
  at: string;
}

/** POST /api/check-ins: 201 `{ visit, duplicate: false }`, 200 `{ visit, duplicate: true }`. */
export interface CheckInResponse {
  visit: Visit;
  duplicate: boolean;
}

/** GET /api/visits/recent. */
export interface RecentVisits {
  items: Visit[];
}

/** POST /api/check-ins body (with an `Idempotency-Key` header): exactly one of `qr` and `cardCheckId`. */
export type CheckInRequest = CheckInRequestCommon & ({ qr: string; cardCheckId?: never } | { cardCheckId: string; qr?: never });

export interface CheckInRequestCommon {
  /** Portal visit-type code (MA_LOAI_KCB); default "01". */
  visitType?: string;
  /**
   * Visit category (MA_DOITUONG_KCB) as chosen at the desk, one valid on the day (GET
   * /api/visit-codes); default: the kiosk's proposal from the card and the facility.
   */
  visitCategory?: string;
  /** Required when the card needs review: what the receptionist checked. */
  reviewNote?: string;
  /**
   * With `cardCheckId` and a `reviewNote`: the receptionist gives up waiting for the portal. A
   * check still pending is ended as PORTAL_UNAVAILABLE (needs review) and becomes the visit; the
   * visit is re-checked in the background once the portal answers. Without it a pending check is
   * refused (409 CARD_CHECK_PENDING).
   */
  giveUpOnPortal?: boolean;
}
