/**
 * CSV for auditors: RFC 4180 quoting, UTF-8 with a byte-order mark (so Excel reads Vietnamese
 * correctly), and spreadsheet-formula injection defused: a cell starting with = + - @ (or a tab
 * / carriage return, which some spreadsheets strip first) gets a leading apostrophe.
 */
import type { VisitRow } from '../visits/chain.js';
import type { CardFields } from '../wire/verification.js';
import { vietnamTimestamp } from '../wire/vietnam-time.js';

export const BOM = '\uFEFF';

/** What a CSV cell holds: text, a number, a flag, or nothing (an empty cell). */
export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export const CSV_HEADER = [
  'seq',
  'id',
  'recorded_at_vn',
  'facility',
  'desk',
  'operator',
  'operator_name',
  'operator_cccd',
  'visit_type',
  'verdict',
  'code',
  'reason_codes',
  'review_note',
  'source',
  'card_number',
  'ma_so_bhxh',
  'full_name',
  'birth_date',
  'gender',
  'registered_facility',
  'valid_from',
  'valid_to',
  'issuer',
  'key_id',
  'rid',
  'demo',
  'hash',
  'qr_text',
  // Appended with the online card check (never reorder the columns above).
  'card_check_id',
  'portal_state',
  'portal_code',
  'portal_message',
  'portal_checked_at_vn',
  'portal_latency_ms',
];

export function visitCsvLine(r: VisitRow): string {
  let card: CardFields;
  try {
    card = r.card_json ? (JSON.parse(r.card_json) as CardFields) : {};
  } catch {
    card = {};
  }
  let codes: string[];
  try {
    codes = JSON.parse(r.reason_codes) as string[];
  } catch {
    codes = [];
  }
  return csvLine([
    r.seq,
    r.id,
    vietnamTimestamp(r.recorded_at),
    r.facility,
    r.desk_id,
    r.operator,
    r.operator_name,
    r.operator_cccd,
    r.visit_type,
    r.verdict,
    r.code,
    codes.join(';'),
    r.review_note,
    r.source,
    r.card_number,
    r.ma_so_bhxh,
    card.fullName,
    card.birthDate,
    card.gender,
    card.registeredFacility,
    card.validFrom,
    card.validTo,
    r.issuer,
    r.key_id,
    r.rid,
    r.demo ? 'yes' : 'no',
    r.hash,
    r.qr_text,
    r.card_check_id,
    r.portal_state,
    r.portal_code,
    r.portal_message,
    r.portal_checked_at === null ? null : vietnamTimestamp(r.portal_checked_at),
    r.portal_latency_ms,
  ]);
}
