/**
 * The visit as the log stores it: ONE column list (`VISIT_COLUMNS`) from which every column list
 * in the visit SQL, the order of bound values and the mapping of a read row are derived, so a
 * column cannot be added in one place and forgotten in another.
 *
 * A visit is keyed by column name on purpose: the hash chain covers exactly the stored columns,
 * keyed by column name (server/visits/chain.ts), so the record handed out is the stored row, built
 * by `visitFromRow` from the column list (never a raw SQLite row cast to a type). Client-facing
 * shapes are built from it in visit-view.ts.
 */
import type { Row, SqlValue } from '../db/database.js';

export type Verdict = 'accepted' | 'needs_review' | 'rejected';

/**
 * The online card check a visit was checked in with (migration 3): NULL on every visit written
 * without one, and on every row written before the columns existed. The hash chain leaves each of
 * them out of a row's content while it is NULL (chain.ts), so those rows hash exactly as before.
 */
export interface VisitPortalColumns {
  /** The card check (server/card-checks/) this visit was checked in from. */
  card_check_id: string | null;
  /** The portal's state when checked in: done, unavailable, config, not_needed, off. */
  portal_state: string | null;
  /** The portal's result number (maKetQua) or the kiosk's code for a check not made. */
  portal_code: string | null;
  /** The portal's own message (ghiChu), bounded. */
  portal_message: string | null;
  /** When the portal answered (ms since the epoch). */
  portal_checked_at: number | null;
  portal_latency_ms: number | null;
}

/** The portal columns, in table order: each is left out of the chain's content while NULL. */
export const VISIT_PORTAL_COLUMNS = [
  'card_check_id',
  'portal_state',
  'portal_code',
  'portal_message',
  'portal_checked_at',
  'portal_latency_ms',
] as const satisfies ReadonlyArray<keyof VisitPortalColumns>;

/**
 * Columns added after the first release (migrations 3 and 4): NULL on every row written before
 * them, and left out of the chain's content while NULL (chain.ts), so those rows hash exactly as
 * before. `visit_category` (migration 4) is the visit category (MA_DOITUONG_KCB) the check-in
 * record reports, as proposed or chosen at the desk.
 */
export interface VisitLaterColumns extends VisitPortalColumns {
  visit_category: string | null;
}

/** Every later column, in table order: each is left out of the chain's content while NULL. */
export const VISIT_LATER_COLUMNS = [...VISIT_PORTAL_COLUMNS, 'visit_category'] as const satisfies ReadonlyArray<keyof VisitLaterColumns>;

/** Every portal column NULL: a visit without an online check. */
export const NO_PORTAL: Readonly<VisitPortalColumns> = Object.freeze({
  card_check_id: null,
  portal_state: null,
  portal_code: null,
  portal_message: null,
  portal_checked_at: null,
  portal_latency_ms: null,
});

/** Every later column NULL: a visit without an online check or a category. */
export const NO_LATER_COLUMNS: Readonly<VisitLaterColumns> = Object.freeze({ ...NO_PORTAL, visit_category: null });

/** The stored columns of a visit row, exactly as in the database. */
export interface VisitRow extends VisitLaterColumns {
  seq: number;
  id: string;
  facility: string;
  desk_id: string;
  operator: string;
  operator_name: string;
  operator_cccd: string | null;
  recorded_at: number;
  checked_at: string;
  visit_type: string;
  verdict: Verdict;
  code: string;
  reason_codes: string;
  review_note: string | null;
  source: string | null;
  card_key: string;
  card_number: string | null;
  ma_so_bhxh: string | null;
  card_json: string | null;
  issuer: string | null;
  key_id: string | null;
  rid: string | null;
  demo: number;
  qr_text: string;
  prev_hash: string;
  hash: string;
}

/**
 * What the chain hashes: every stored column but the two links. The later columns may be
 * absent (a visit without an online check or a category; the writer stores them NULL).
 */
export type VisitContent = Omit<VisitRow, 'hash' | 'prev_hash' | keyof VisitLaterColumns> & Partial<VisitLaterColumns>;

/** The columns of `visits`, in table order (migrations 1, 3 and 4, server/db/schema.ts). */
export const VISIT_COLUMNS = [
  'seq',
  'id',
  'facility',
  'desk_id',
  'operator',
  'operator_name',
  'operator_cccd',
  'recorded_at',
  'checked_at',
  'visit_type',
  'verdict',
  'code',
  'reason_codes',
  'review_note',
  'source',
  'card_key',
  'card_number',
  'ma_so_bhxh',
  'card_json',
  'issuer',
  'key_id',
  'rid',
  'demo',
  'qr_text',
  'prev_hash',
  'hash',
  ...VISIT_LATER_COLUMNS,
] as const satisfies ReadonlyArray<keyof VisitRow>;

// The list names every field of VisitRow (the `satisfies` above: and nothing else): a column
// added to the type but not to the list fails to compile here.
type Unlisted = Exclude<keyof VisitRow, (typeof VISIT_COLUMNS)[number]>;
const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyColumnListed;

/** Bound values per visit row. */
export const VISIT_COLUMN_COUNT = VISIT_COLUMNS.length;

/** `seq, id, …` for INSERT column lists. */
export const VISIT_COLUMN_LIST = VISIT_COLUMNS.join(', ');

/** `v.seq, v.id, …` for SELECTs over `visits v`. */
export const VISIT_SELECT = VISIT_COLUMNS.map((c) => `v.${c}`).join(', ');

/** One row's bound values, in VISIT_COLUMNS order. */
export function visitValues(row: VisitRow): SqlValue[] {
  return VISIT_COLUMNS.map((c) => row[c] ?? null);
}

/**
 * A row read with VISIT_SELECT as a visit: exactly the stored columns, values as stored (the
 * chain must hash what is in the file, even a value someone wrote there by hand), nothing else
 * (extra selected columns such as a join's flag stay out).
 */
export function visitFromRow(r: Row): VisitRow {
  const v: Record<string, unknown> = {};
  for (const c of VISIT_COLUMNS) v[c] = r[c];
  return v as unknown as VisitRow;
}
