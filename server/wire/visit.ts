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
  /** Auditor views only: the raw QR text, so the signature can be re-verified later. */
  qrText?: string;
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

/** POST /api/check-ins body (with an `Idempotency-Key` header). */
export interface CheckInRequest {
  qr: string;
  /** Portal visit-type code (MA_LOAI_KCB); default "01". */
  visitType?: string;
  /** Required when the card needs review: what the receptionist checked. */
  reviewNote?: string;
}
