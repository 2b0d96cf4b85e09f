/**
 * Per-item validation of a batch: one bad item becomes an `invalid` result with a stable code and
 * never fails the request, so the good items of the same batch are still stored.
 */
import { hash } from 'node:crypto';
import { isFacilityCode } from '../lib/facility-code.js';
import { VISIT_FIELDS, type HistoryVisit } from '../wire/history-store.js';

export type ItemCheck =
  | { ok: true; visit: HistoryVisit; canonical: string; contentHash: string; checkedInMs: number }
  | { ok: false; id: string | null; code: string; detail: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MA_SO_BHXH = /^[0-9]{10}$/;
/** 15-character card number (2 letters, benefit digit, 2-digit province, 10-digit mã số) or 10 digits. */
const CARD_NUMBER = /^(?:[A-Z]{2}[1-5][0-9]{2}[0-9]{10}|[0-9]{10})$/;
/** MA_LOAI_KCB: two digits, 01..99 (01 examination, 02 outpatient treatment, 03 inpatient, …). */
const VISIT_TYPE = /^(?:0[1-9]|[1-9][0-9])$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const VERDICTS = ['accepted', 'needs_review'];
/** How the kiosk read the card; `manual`: typed in at the desk and checked online (POST /api/card-checks). */
const SOURCES = ['signed', 'legacy-unsigned', 'id-card', 'manual'];
/** A kiosk clock this far ahead is wrong; such visits are refused rather than booked in the future. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);

function fail(id: string | null, code: string, detail: string): ItemCheck {
  return { ok: false, id, code, detail };
}

/** The fields, in a fixed order, that decide whether two copies of a visit are the same visit. */
export function canonicalVisit(v: HistoryVisit): string {
  return JSON.stringify([v.id, v.facility, v.maSoBhxh, v.cardNumber ?? null, v.visitType, v.checkedInAt, v.verdict, v.source]);
}

export function contentHash(canonical: string): string {
  // One-shot hash (same digest as hashing the two parts in turn); a Hash object per item costs
  // more than the hashing itself at a few hundred items per batch.
  return hash('sha256', 'bhyt-history-visit/v1\0' + canonical, 'hex');
}

export function validateItem(raw: unknown, callerFacility: string, now: number): ItemCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail(null, 'ITEM_NOT_OBJECT', 'Each visit must be a JSON object.');
  const o = raw as Record<string, unknown>;
  const id = typeof o.id === 'string' && o.id.length <= 64 ? o.id : null;
  if (id === null || !UUID.test(id)) return fail(id, 'ID_INVALID', '"id" must be a UUID.');
  const lowerId = id.toLowerCase();
  for (const k of Object.keys(o)) {
    if (!(VISIT_FIELDS as readonly string[]).includes(k)) return fail(id, 'FIELD_UNKNOWN', `Unknown field "${k.slice(0, 40)}".`);
  }
  if (!isFacilityCode(o.facility)) return fail(id, 'FACILITY_INVALID', '"facility" must be a 5-character facility code.');
  if (o.facility !== callerFacility) return fail(id, 'FACILITY_MISMATCH', 'A facility can only send its own visits.');
  if (typeof o.maSoBhxh !== 'string' || !MA_SO_BHXH.test(o.maSoBhxh))
    return fail(id, 'MA_SO_BHXH_INVALID', '"maSoBhxh" must be 10 digits.');
  if (o.cardNumber !== undefined && o.cardNumber !== null && (typeof o.cardNumber !== 'string' || !CARD_NUMBER.test(o.cardNumber))) {
    return fail(id, 'CARD_NUMBER_INVALID', '"cardNumber" must be a 15-character card number or 10 digits.');
  }
  if (typeof o.visitType !== 'string' || !VISIT_TYPE.test(o.visitType))
    return fail(id, 'VISIT_TYPE_INVALID', '"visitType" must be a two-digit portal visit-type code.');
  if (typeof o.checkedInAt !== 'string' || !ISO_INSTANT.test(o.checkedInAt))
    return fail(id, 'CHECKED_IN_AT_INVALID', '"checkedInAt" must be an ISO-8601 instant with a time zone.');
  const ms = Date.parse(o.checkedInAt);
  if (!Number.isFinite(ms) || ms < EARLIEST_MS) return fail(id, 'CHECKED_IN_AT_INVALID', '"checkedInAt" is not a plausible time.');
  if (ms > now + MAX_FUTURE_MS) return fail(id, 'CHECKED_IN_AT_FUTURE', '"checkedInAt" is in the future: check the kiosk clock.');
  if (typeof o.verdict !== 'string' || !VERDICTS.includes(o.verdict))
    return fail(id, 'VERDICT_INVALID', '"verdict" must be accepted or needs_review.');
  if (typeof o.source !== 'string' || !SOURCES.includes(o.source))
    return fail(id, 'SOURCE_INVALID', '"source" must be signed, legacy-unsigned, id-card or manual.');
  const visit: HistoryVisit = {
    id: lowerId,
    facility: o.facility,
    maSoBhxh: o.maSoBhxh,
    ...(typeof o.cardNumber === 'string' ? { cardNumber: o.cardNumber } : {}),
    visitType: o.visitType,
    // Canonical instant: the same moment written with another offset is the same visit.
    checkedInAt: new Date(ms).toISOString(),
    verdict: o.verdict as HistoryVisit['verdict'],
    source: o.source as HistoryVisit['source'],
  };
  const canonical = canonicalVisit(visit);
  return { ok: true, visit, canonical, contentHash: contentHash(canonical), checkedInMs: ms };
}
