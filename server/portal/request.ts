/**
 * What the kiosk knows about the person at the desk → the portal's card-check body
 * (server/wire/portal.ts CardCheckRequest). Three kinds of subject:
 * - a verified or decoded card (signed card, legacy paper-card QR, the VssID image of it):
 *   looked up by its card number (15 characters or the 10-digit mã số BHXH);
 * - a chip ID card (CCCD) QR: looked up by the 12-digit ID number in `maThe`;
 * - a manual entry `{cardNumber | cccd, name, birthDate}` typed by the receptionist.
 * Every check also carries the operator's name and ID-card number (`hoTenCb`, `cccdCb`); an
 * operator without an ID number cannot start one (OPERATOR_CCCD_MISSING, before any request).
 * Errors name the field, never its value.
 */
import type { CardFields, CardSource, VerifyResult } from '../wire/verification.js';
import { CARD_NUMBER_15_RE, CCCD_RE, MA_SO_BHXH_RE, type CardCheckRequest } from '../wire/portal.js';
import { PortalRequestError } from './errors.js';

/** Where a subject came from: a scanned QR's source, or typed in by the receptionist. */
export type PortalSubjectSource = CardSource | 'manual';

/** A receptionist's typed entry: a card number or an ID-card number, the name, the birth date. */
export interface ManualEntry {
  cardNumber?: string;
  cccd?: string;
  name: string;
  /** `YYYY-MM-DD`, or `YYYY` when only the year is known. */
  birthDate: string;
}

/** The staff member doing the check (the signed-in operator: display name and ID-card number). */
export interface PortalOperator {
  name: string;
  cccd: string | null | undefined;
}

/** One person to look up, normalised. */
export interface CheckSubject {
  source: PortalSubjectSource;
  /** What goes in `maThe`. */
  number: string;
  numberKind: 'card' | 'id-card';
  fullName: string;
  /** ISO `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
  birthDate: string;
}

/** hoTen's column is VARCHAR(255) in the agency's tables. */
const MAX_NAME = 255;
const ISO_BIRTH = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function isControl(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x20 || c === 0x7f;
}

function cleanName(s: string | undefined): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.normalize('NFC').trim().replace(/\s+/g, ' ');
  return t.length > 0 && t.length <= MAX_NAME && ![...t].some(isControl) ? t : undefined;
}

function cleanNumber(s: string | undefined): string {
  return typeof s === 'string' ? s.replace(/\s+/g, '').toUpperCase() : '';
}

function realDay(y: number, m: number, d: number): boolean {
  const t = Date.UTC(y, m - 1, d);
  const dt = new Date(t);
  return y >= 1900 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * ISO birth date → the portal's `ngaySinh`: `YYYY-MM-DD` → `dd/MM/yyyy`, `YYYY` → `yyyy`.
 * `YYYY-MM` (a month without a day) is sent as the year: the portal knows no other partial form.
 * Undefined for anything else.
 */
export function portalBirthDate(iso: string): string | undefined {
  const m = ISO_BIRTH.exec(iso.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m;
  if (Number(y) < 1900) return undefined;
  if (mo === undefined) return y;
  if (Number(mo) < 1 || Number(mo) > 12) return undefined;
  if (d === undefined) return y;
  return realDay(Number(y), Number(mo), Number(d)) ? `${d}/${mo}/${y}` : undefined;
}

function subject(source: PortalSubjectSource, rawNumber: string, name: string | undefined, birthDate: string | undefined): CheckSubject {
  const number = cleanNumber(rawNumber);
  let numberKind: CheckSubject['numberKind'];
  if (CARD_NUMBER_15_RE.test(number) || MA_SO_BHXH_RE.test(number)) numberKind = 'card';
  else if (CCCD_RE.test(number)) numberKind = 'id-card';
  else
    throw new PortalRequestError('SUBJECT_NUMBER_INVALID', 'the card number must be 15 characters or 10 digits, or a 12-digit ID number');
  const fullName = cleanName(name);
  if (fullName === undefined)
    throw new PortalRequestError('SUBJECT_NAME_INVALID', `the full name is required (at most ${MAX_NAME} characters)`);
  if (birthDate === undefined || portalBirthDate(birthDate) === undefined)
    throw new PortalRequestError('SUBJECT_BIRTH_DATE_INVALID', 'the birth date must be YYYY-MM-DD or YYYY');
  return { source, number, numberKind, fullName, birthDate: birthDate.trim() };
}

/** The number a decoded card is looked up by: the printed card number, else the mã số BHXH. */
function cardLookupNumber(card: CardFields): string | undefined {
  return card.cardNumber ?? card.maSoBhxh;
}

/**
 * The subject of a verification result (the `card` of /api/verify's result): an ID-card QR by its
 * ID number, any other card by its card number. Throws SUBJECT_NOT_CHECKABLE when no card was
 * read (a malformed QR, a signature that failed), or a SUBJECT_* code when a field is unusable.
 */
export function subjectFromResult(result: Pick<VerifyResult, 'card' | 'source'>): CheckSubject {
  const card = result.card;
  const source = result.source;
  if (card === undefined || source === undefined) throw new PortalRequestError('SUBJECT_NOT_CHECKABLE', 'no card was read from this QR');
  const number = source === 'id-card' ? card.idNumber : cardLookupNumber(card);
  if (number === undefined) throw new PortalRequestError('SUBJECT_NOT_CHECKABLE', 'the card carries no number to look up');
  return subject(source, number, card.fullName, card.birthDate);
}

/** The subject of a receptionist's typed entry (card number preferred when both are given). */
export function subjectFromManual(entry: ManualEntry): CheckSubject {
  const number = entry.cardNumber !== undefined && entry.cardNumber.trim() !== '' ? entry.cardNumber : entry.cccd;
  if (number === undefined || number.trim() === '')
    throw new PortalRequestError('SUBJECT_NUMBER_INVALID', 'a card number or an ID-card number is required');
  return subject('manual', number, entry.name, entry.birthDate);
}

/**
 * The operator as `hoTenCb` / `cccdCb`. An operator without an ID-card number cannot start a
 * check: the portal would answer 054, so the kiosk refuses first and says why.
 */
export function operatorFields(op: PortalOperator): Pick<CardCheckRequest, 'hoTenCb' | 'cccdCb'> {
  const cccd = typeof op.cccd === 'string' ? op.cccd.trim() : '';
  if (cccd === '')
    throw new PortalRequestError('OPERATOR_CCCD_MISSING', "the operator's ID-card number (CCCD) is not recorded: an admin must add it");
  if (!CCCD_RE.test(cccd)) throw new PortalRequestError('OPERATOR_CCCD_INVALID', "the operator's ID-card number (CCCD) must be 12 digits");
  const name = cleanName(op.name);
  if (name === undefined) throw new PortalRequestError('OPERATOR_NAME_MISSING', "the operator's full name is not recorded");
  return { hoTenCb: name, cccdCb: cccd };
}

/** The card-check body for one subject and operator. */
export function buildCheckRequest(s: CheckSubject, op: PortalOperator): CardCheckRequest {
  const staff = operatorFields(op);
  const ngaySinh = portalBirthDate(s.birthDate);
  if (ngaySinh === undefined) throw new PortalRequestError('SUBJECT_BIRTH_DATE_INVALID', 'the birth date must be YYYY-MM-DD or YYYY');
  return { maThe: s.number, hoTen: s.fullName, ngaySinh, hoTenCb: staff.hoTenCb, cccdCb: staff.cccdCb };
}
