/**
 * The medical-history store's wire contract, shared by the store (server/history-store/) and the
 * kiosk's sync worker (server/sync/store-client.ts).
 *
 *   POST /v1/visits:batch                      { visits: HistoryVisit[] } → BatchResponse
 *   GET  /v1/patients/{maSoBhxh}/visits?year=YYYY → PatientBook
 *   GET  /v1/facilities/{code}/visits?from=&to=&limit=&cursor= → FacilityPage
 *   GET  /healthz, GET /readyz (503 STORE_NOT_READY), GET /metrics   (operating; no API key)
 *   POST /v1/checkpoints, GET /v1/checkpoints, header Bhyt-Checkpoint   (server/wire/checkpoints.ts)
 *
 * Every /v1 request carries `Authorization: Bearer <facility API key>`; errors are problem+json.
 */

/** One check-in as the store keeps it: only what the patient's yearly book needs. */
export interface HistoryVisit {
  /** The kiosk's visit id (UUID, time-ordered): the idempotency key. */
  id: string;
  /** 5-character facility code (mã cơ sở KCB); must be the caller's facility. */
  facility: string;
  /** Mã số BHXH, 10 digits: whose book the visit goes into. */
  maSoBhxh: string;
  /** Mã thẻ BHYT when the card carried one (15 characters, or 10 digits). */
  cardNumber?: string;
  /** The portal's visit-type code (MA_LOAI_KCB): 01 examination, 02 outpatient, 03 inpatient, … */
  visitType: string;
  /** ISO-8601 instant of the check-in. */
  checkedInAt: string;
  verdict: 'accepted' | 'needs_review';
  /** `manual`: typed in at the desk and checked online with the agency portal. */
  source: 'signed' | 'legacy-unsigned' | 'id-card' | 'manual';
}

export type ItemStatus = 'stored' | 'duplicate' | 'conflict' | 'invalid';

export interface ItemResult {
  /** The item's id as sent (null when the item had no usable id). */
  id: string | null;
  /** Position in the batch, so items without a usable id can still be matched. */
  index: number;
  status: ItemStatus;
  code?: string;
  detail?: string;
}

export interface BatchResponse {
  results: ItemResult[];
}

export interface BookEntry {
  id: string;
  /** Vietnam-time calendar date of the visit, YYYY-MM-DD. */
  date: string;
  checkedInAt: string;
  facility: string;
  visitType: string;
}

export interface PatientBook {
  maSoBhxh: string;
  year: number;
  items: BookEntry[];
}

export interface FacilityPage {
  items: (HistoryVisit & { receivedAt: string })[];
  nextCursor: string | null;
}

export const MAX_BATCH_ITEMS = 500;
export const VISIT_FIELDS = ['id', 'facility', 'maSoBhxh', 'cardNumber', 'visitType', 'checkedInAt', 'verdict', 'source'] as const;
