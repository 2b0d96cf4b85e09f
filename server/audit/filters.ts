/**
 * Parses and validates the auditor endpoints' query parameters. Every value is checked against
 * a strict pattern (400 with a code naming the parameter otherwise) and later bound as an SQL
 * parameter; nothing from the query string is ever spliced into SQL text.
 */
import { AppError, queryField, type ProblemCode } from '../errors.js';
import type { VisitFilter } from '../visits/visit-queries.js';
import { vietnamDayStart } from '../wire/vietnam-time.js';
import { fold } from './fold.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const DAY_MS = 86_400_000;
/** Summary ranges are bounded so one request cannot make the server build a decade of days. */
export const MAX_SUMMARY_DAYS = 366;

/** A whole card number, or the part of one an auditor remembers (at least 3 letters or digits). */
const CARD_NUMBER_RE = /^[A-Za-z0-9]{3,15}$/;
const BHXH_RE = /^\d{10}$/;
/** Reason codes in any case: `off_route` finds OFF_ROUTE. */
const REASON_RE = /^[A-Za-z][A-Za-z_]{1,39}$/;
/** A name or username as typed (letters of any script, digits, spaces, . _ - '), 2–64 characters. */
const NAME_RE = /^[\p{L}\p{M}\d .'_-]{2,64}$/u;
const DESK_RE = /^[\w.:-]{1,64}$/;
const VERDICTS = ['accepted', 'needs_review', 'rejected'] as const;

const FILTER_PARAMS = ['from', 'to', 'cardNumber', 'maSoBhxh', 'verdict', 'reasonCode', 'operator', 'desk', 'name'] as const;

export interface ParsedFilter {
  filter: VisitFilter;
  /** The filter as the auditor gave it (validated), for the audit_reads record. */
  echo: Record<string, string>;
  /**
   * The operator as typed (folded: no marks, lower case): matched against usernames and display
   * names by the service, which knows them (`filter.operators`).
   */
  operatorText?: string;
  /** The patient's name as typed (folded), matched the same way (`filter.patientNames`). */
  nameText?: string;
  /** Vietnam days, when given. */
  fromDay?: string;
  toDay?: string;
}

function bad(param: string, code: ProblemCode = 'QUERY_INVALID'): AppError {
  return new AppError(code, `Query parameter "${param}" is not valid.`, queryField(param));
}

/** Query values must be single strings (Express gives arrays for ?a=1&a=2 and objects for a[b]=). */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(name);
  if (v.length > 200) throw bad(name);
  return v;
}

/** Midnight at the start of a Vietnam calendar day, as UTC ms (auditors' ranges: years 2000–2200). */
export function auditDayStartMs(day: string): number | undefined {
  const y = Number(day.slice(0, 4));
  return y >= 2000 && y <= 2200 ? vietnamDayStart(day) : undefined;
}

/** A required Vietnam day (`?date=YYYY-MM-DD`, the auditors' years): the day, or 400 DATE_INVALID naming it. */
export function parseRequiredDay(query: Record<string, unknown>, name: string): string {
  const v = single(query, name);
  if (v === undefined || v === '')
    throw new AppError('QUERY_INVALID', `Query parameter "${name}" is required (YYYY-MM-DD).`, queryField(name));
  if (auditDayStartMs(v) === undefined) throw bad(name, 'DATE_INVALID');
  return v;
}

/** Refuses query parameters the endpoint does not know, so typos are not silently ignored. */
export function rejectUnknownParams(query: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(query)) {
    if (!allowed.includes(k))
      throw new AppError('QUERY_UNKNOWN', `Unknown query parameter "${k.slice(0, 40)}".`, queryField(k.slice(0, 40)));
  }
}

export function parseFilter(query: Record<string, unknown>, allowed: readonly string[]): ParsedFilter {
  rejectUnknownParams(query, allowed);
  const filter: VisitFilter = {};
  const echo: Record<string, string> = {};
  const out: ParsedFilter = { filter, echo };
  for (const name of FILTER_PARAMS) {
    const v = single(query, name);
    if (v === undefined || v === '') continue;
    switch (name) {
      case 'from': {
        const ms = auditDayStartMs(v);
        if (ms === undefined) throw bad(name, 'DATE_INVALID');
        filter.fromMs = ms;
        out.fromDay = v;
        break;
      }
      case 'to': {
        const ms = auditDayStartMs(v);
        if (ms === undefined) throw bad(name, 'DATE_INVALID');
        filter.toMs = ms + DAY_MS; // inclusive day
        out.toDay = v;
        break;
      }
      case 'cardNumber': {
        const n = v.trim().toUpperCase();
        if (!CARD_NUMBER_RE.test(n)) throw bad(name);
        // A whole 15-character number is an exact match (the index); anything shorter a part.
        if (n.length === 15) filter.cardNumber = n;
        else filter.cardNumberPart = n;
        break;
      }
      case 'maSoBhxh':
        if (!BHXH_RE.test(v)) throw bad(name);
        filter.maSoBhxh = v;
        break;
      case 'verdict':
        if (!(VERDICTS as readonly string[]).includes(v)) throw bad(name);
        filter.verdict = v as VisitFilter['verdict'];
        break;
      case 'reasonCode':
        if (!REASON_RE.test(v.trim())) throw bad(name);
        filter.reasonCode = v.trim().toUpperCase();
        break;
      case 'operator':
        if (!NAME_RE.test(v.trim())) throw bad(name);
        out.operatorText = fold(v);
        break;
      case 'name':
        if (!NAME_RE.test(v.trim())) throw bad(name);
        out.nameText = fold(v);
        break;
      case 'desk':
        if (!DESK_RE.test(v)) throw bad(name);
        filter.desk = v;
        break;
    }
    echo[name] = v;
  }
  if (filter.fromMs !== undefined && filter.toMs !== undefined && filter.fromMs >= filter.toMs) {
    throw new AppError('DATE_RANGE_INVALID', '"from" must not be after "to".', queryField('from'));
  }
  return out;
}

export function parseLimit(query: Record<string, unknown>): number {
  const v = single(query, 'limit');
  if (v === undefined || v === '') return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(v)) throw bad('limit');
  const n = Number(v);
  if (n < 1 || n > MAX_LIMIT) throw bad('limit');
  return n;
}

/**
 * A whole number 1–`max` written with at most `digits` digits (absent → `fallback`); anything
 * else is QUERY_INVALID naming the range.
 */
function parseCount(query: Record<string, unknown>, name: string, opts: { fallback: number; max: number; digits: number }): number {
  const v = query[name];
  if (v === undefined) return opts.fallback;
  if (typeof v !== 'string' || !new RegExp(`^\\d{1,${opts.digits}}$`).test(v) || Number(v) < 1 || Number(v) > opts.max) {
    throw new AppError('QUERY_INVALID', `"${name}" must be 1–${opts.max}.`, queryField(name));
  }
  return Number(v);
}

const DEFAULT_TOP = 10;
const MAX_TOP = 50;

/** `top` of GET /api/audit/summary: how many reject reasons to list. */
export function parseTop(query: Record<string, unknown>): number {
  return parseCount(query, 'top', { fallback: DEFAULT_TOP, max: MAX_TOP, digits: 2 });
}

const RECENT_DEFAULT = 20;
const RECENT_MAX = 100;

/** `limit` of GET /api/visits/recent (a desk's latest visits). */
export function parseRecentLimit(query: Record<string, unknown>): number {
  return parseCount(query, 'limit', { fallback: RECENT_DEFAULT, max: RECENT_MAX, digits: 3 });
}

/** Cursors are opaque to clients: base64url of "v1:<seq>". */
export function encodeCursor(seq: number): string {
  return Buffer.from(`v1:${seq}`, 'utf8').toString('base64url');
}

export function parseCursor(query: Record<string, unknown>): number | undefined {
  const v = single(query, 'cursor');
  if (v === undefined || v === '') return undefined;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(v)) throw bad('cursor', 'CURSOR_INVALID');
  const m = /^v1:(\d{1,15})$/.exec(Buffer.from(v, 'base64url').toString('utf8'));
  if (!m) throw bad('cursor', 'CURSOR_INVALID');
  return Number(m[1]);
}

export const LIST_PARAMS = [...FILTER_PARAMS, 'limit', 'cursor'] as const;
export const CSV_PARAMS = FILTER_PARAMS;
export const SUMMARY_PARAMS = [...FILTER_PARAMS, 'top'] as const;
