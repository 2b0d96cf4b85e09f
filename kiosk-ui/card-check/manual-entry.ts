/**
 * The manual-entry form's rules, pure (tested in node): what a receptionist types for a patient
 * without a QR code (a card number or an ID-card number, the name, the birth date or year)
 * becomes the `{"manual": …}` of POST /api/card-checks, or a list of Vietnamese-first messages
 * naming the fields at fault. Names keep their diacritics (NFC; IME input arrives decomposed
 * sometimes); dates are taken as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd
 * or a bare year.
 */
import type { MessageKey } from '../i18n/index.js';
import type { ManualEntryInput } from './types.js';

export type ManualKind = 'card' | 'cccd';
export type ManualField = 'number' | 'name' | 'birthDate';

export interface ManualForm {
  kind: ManualKind;
  number: string;
  name: string;
  birthDate: string;
}

export type ManualErrors = Partial<Record<ManualField, MessageKey>>;

export type ManualParse = { ok: true; entry: ManualEntryInput } | { ok: false; errors: ManualErrors };

const CARD_15 = /^[A-Z]{2}\d{13}$/;
const BHXH_10 = /^\d{10}$/;
const CCCD_12 = /^\d{12}$/;
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}'’. -]*$/u;

function realDay(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `YYYY-MM-DD` / `YYYY`, or the message key saying what is wrong. `today` is `YYYY-MM-DD`. */
export function parseBirthDate(raw: string, today: string): { iso: string } | { error: MessageKey } {
  const s = raw.trim();
  if (s === '') return { error: 'manual.errBirthRequired' };
  let y: number, m: number | undefined, d: number | undefined;
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})$/.exec(s))) y = Number(match[1]);
  else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{2})(\d{2})(\d{4})$/.exec(s))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return { error: 'manual.errBirth' };
  if (y < 1900) return { error: 'manual.errBirth' };
  if (m === undefined || d === undefined) return String(y) > today.slice(0, 4) ? { error: 'manual.errBirthFuture' } : { iso: String(y) };
  if (!realDay(y, m, d)) return { error: 'manual.errBirth' };
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return iso > today ? { error: 'manual.errBirthFuture' } : { iso };
}

/** A name as sent: NFC, trimmed, single spaces. */
export function normaliseName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export function parseManualForm(form: ManualForm, today: string): ManualParse {
  const errors: ManualErrors = {};
  const number = form.number.replace(/[\s.-]+/g, '').toUpperCase();
  if (number === '') errors.number = 'manual.errNumberRequired';
  else if (form.kind === 'card' && !CARD_15.test(number) && !BHXH_10.test(number)) errors.number = 'manual.errCardNumber';
  else if (form.kind === 'cccd' && !CCCD_12.test(number)) errors.number = 'manual.errCccd';
  const name = normaliseName(form.name);
  if (name === '') errors.name = 'manual.errNameRequired';
  else if (!NAME.test(name) || name.length > 100) errors.name = 'manual.errName';
  const birth = parseBirthDate(form.birthDate, today);
  if ('error' in birth) errors.birthDate = birth.error;
  if (Object.keys(errors).length > 0 || 'error' in birth) return { ok: false, errors };
  const entry: ManualEntryInput = { name, birthDate: birth.iso };
  if (form.kind === 'card') entry.cardNumber = number;
  else entry.cccd = number;
  return { ok: true, entry };
}

/** The form field a service refusal names (`manual.name` …), if any. */
export function fieldOfProblem(field: string | undefined): ManualField | undefined {
  if (field === 'manual.name') return 'name';
  if (field === 'manual.birthDate') return 'birthDate';
  if (field === 'manual.cardNumber' || field === 'manual.cccd' || field === 'manual') return 'number';
  return undefined;
}
