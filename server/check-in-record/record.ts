/**
 * A visit → its check-in record (one `TRANG_THAI_KCB`), pure. The visit row holds everything the
 * record needs: the card as verified (card_json: the decoded card of any source, completed from
 * the agency's record after a portal pass, server/portal/merge.ts), the desk's visit category and
 * type, the facility and the time of arrival.
 *
 * Formats (portal.md, "Check-in record"): times `yyyyMMddHHmm` in Vietnam time, birth dates with
 * `00` for each unknown part (a year-only 1990 → 199000000000), card dates `yyyyMMdd`, GIOI_TINH
 * 1/2/3, MA_DKBD the 5-character facility code. Values are trimmed and stripped of characters XML
 * cannot carry; free text (the name) is cut to the field's length, codes are never cut. A required field the visit cannot fill makes no record:
 * the caller parks the visit with the list, so the portal never receives an invalid file.
 */
import type { VisitRow } from '../visits/visit-record.js';
import type { CardFields } from '../wire/verification.js';
import { vietnamWallClock } from '../wire/vietnam-time.js';
import { CHECKIN_FIELD_NAMES, CHECKIN_FIELDS, fitsCheckInField, type CheckInField, type CheckInRecord } from './fields.js';

/** Where MA_BN (the facility's patient id) comes from (KIOSK_PATIENT_ID_SOURCE). */
export const PATIENT_ID_SOURCES = ['ma-so-bhxh', 'card-number', 'cccd'] as const;
export type PatientIdSource = (typeof PATIENT_ID_SOURCES)[number];

export interface RecordContext {
  patientIdSource: PatientIdSource;
}

export type RecordResult = { ok: true; record: CheckInRecord } | { ok: false; missing: string[] };

const GENDER_CODE = { male: '1', female: '2', other: '3' } as const;
/** GIOI_TINH 3 is "undetermined": what a card without a gender (a typed-in entry) says. */
const GENDER_UNDETERMINED = '3';
const ISO_PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Legacy QRs and some portal answers write the facility as `12 - 001`. */
const FACILITY_SEPARATORS = /[\s\-.]+/g;
// Characters XML 1.0 cannot carry (controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF).
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `yyyyMMddHHmm` of instant `ms`, Vietnam wall-clock time. */
export function checkInTime(ms: number): string {
  const d = vietnamWallClock(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

/** ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD` → `yyyyMMddHHmm` with `00` for the unknown parts (no birth time is ever known). */
export function checkInBirthDate(iso: string | undefined): string | undefined {
  const m = iso === undefined ? null : ISO_PARTIAL.exec(iso.trim());
  return m ? `${m[1]!}${m[2] ?? '00'}${m[3] ?? '00'}0000` : undefined;
}

/** ISO `YYYY-MM-DD` → `yyyyMMdd`. */
function checkInDay(iso: string | undefined): string | undefined {
  const m = iso === undefined ? null : ISO_DAY.exec(iso.trim());
  return m ? `${m[1]!}${m[2]!}${m[3]!}` : undefined;
}

/** `12 - 001`, `12001`, ` 12-00a` → `12001` / `1200A`. */
export function facilityCode5(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(FACILITY_SEPARATORS, '').toUpperCase();
}

/**
 * Trimmed and without characters XML cannot carry; free text is cut to the field's length (in
 * characters). Codes and ids are never cut: a value too long for its field is then refused by
 * fitsCheckInField (a cut card number or facility code would be another one).
 */
function clean(field: CheckInField, value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.replace(NOT_XML, '').trim();
  if (t === '') return undefined;
  const { maxLength, text } = CHECKIN_FIELDS[field];
  if (text !== true || maxLength === undefined) return t;
  const chars = [...t];
  return chars.length > maxLength ? chars.slice(0, maxLength).join('').trimEnd() : t;
}

/** The card as stored on the visit; a missing or unreadable column is an empty card (its fields are then missing). */
function cardOf(visit: VisitRow): CardFields {
  if (visit.card_json === null) return {};
  try {
    const parsed: unknown = JSON.parse(visit.card_json);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * MA_BN: the configured source first, then the others in a fixed order: mã số BHXH (the
 * person's lifelong number, the same on every card they will hold), then the card number (which
 * changes with a new card), then the chip ID-card number (known only when that card was shown).
 * A visit with none of the three has no patient id and makes no record.
 */
const PATIENT_ID_FALLBACK: readonly PatientIdSource[] = ['ma-so-bhxh', 'card-number', 'cccd'];

function patientId(card: CardFields, visit: VisitRow, source: PatientIdSource): string | undefined {
  const value: Record<PatientIdSource, string | null | undefined> = {
    'ma-so-bhxh': card.maSoBhxh ?? visit.ma_so_bhxh,
    'card-number': (card.cardNumber ?? visit.card_number)?.toUpperCase(),
    cccd: card.idNumber,
  };
  for (const s of [source, ...PATIENT_ID_FALLBACK.filter((x) => x !== source)]) {
    const v = clean('MA_BN', value[s]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * A visit's check-in record (STT 1), or the required fields the visit cannot fill (absent, or
 * present but unusable, e.g. a visit type that is not two digits): the record is then parked for
 * an auditor rather than sent incomplete. An optional value that does not fit its field (a
 * malformed registered facility) is left out rather than sent.
 */
export function checkInRecordFromVisit(visit: VisitRow, ctx: RecordContext): RecordResult {
  const card = cardOf(visit);
  const arrival = checkInTime(visit.recorded_at);
  const raw: CheckInRecord = {
    MA_LK: visit.id,
    STT: '1',
    MA_BN: patientId(card, visit, ctx.patientIdSource),
    HO_TEN: card.fullName?.normalize('NFC'),
    SO_CCCD: card.idNumber,
    NGAY_SINH: checkInBirthDate(card.birthDate),
    GIOI_TINH: card.gender !== undefined && Object.hasOwn(GENDER_CODE, card.gender) ? GENDER_CODE[card.gender] : GENDER_UNDETERMINED,
    MA_THE_BHYT: (card.cardNumber ?? visit.card_number ?? undefined)?.toUpperCase(),
    MA_DKBD: facilityCode5(card.registeredFacility),
    GT_THE_TU: checkInDay(card.validFrom),
    GT_THE_DEN: checkInDay(card.validTo),
    MA_DOITUONG_KCB: visit.visit_category ?? undefined,
    NGAY_VAO: arrival,
    MA_LOAI_KCB: visit.visit_type,
    MA_CSKCB: visit.facility,
    NGAY_YL: arrival,
  };
  const record: CheckInRecord = {};
  const missing: string[] = [];
  for (const field of CHECKIN_FIELD_NAMES) {
    const value = clean(field, raw[field]);
    if (value !== undefined && fitsCheckInField(field, value)) record[field] = value;
    else if (CHECKIN_FIELDS[field].required) missing.push(field);
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, record };
}
