/**
 * Query parameters of GET /api/audit/card-checks (and its CSV): the visit log's filters and
 * paging (server/audit/filters.ts, the same names and rules) plus the portal's side:
 * `portalCode` (the portal's number, or a kiosk code such as OPERATOR_CCCD_MISSING),
 * `portalState`, `source`, `linked` (true / false: became a visit or not). The cursor is opaque:
 * base64url of "c1:<created_at>:<id>". Every value is checked against a strict pattern and later
 * bound as an SQL parameter. `limit` is the visit log's (server/audit/filters.ts parseLimit).
 */
import { AppError, queryField } from '../errors.js';
import { parseFilter, LIST_PARAMS, CSV_PARAMS } from '../audit/filters.js';
import type { PortalState } from '../portal/summary.js';
import type { CardCheckCursor, CardCheckFilter, CardCheckSource } from './records.js';

const EXTRA_PARAMS = ['portalCode', 'portalState', 'source', 'linked'] as const;
export const CARD_CHECK_LIST_PARAMS = [...LIST_PARAMS, ...EXTRA_PARAMS] as const;
export const CARD_CHECK_CSV_PARAMS = [...CSV_PARAMS, ...EXTRA_PARAMS] as const;

const PORTAL_CODE_RE = /^(?:\d{3,4}|[A-Z][A-Z0-9_]{1,39})$/;
const PORTAL_STATES: readonly PortalState[] = ['pending', 'done', 'unavailable', 'config', 'not_needed', 'off'];
const SOURCES: readonly CardCheckSource[] = ['signed', 'legacy-unsigned', 'id-card', 'manual'];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ParsedCardCheckQuery {
  filter: CardCheckFilter;
  /** The filter as given (validated), for the audit_reads record. */
  echo: Record<string, string>;
  /** The operator as typed (folded), resolved to usernames by the audit service (`filter.operators`). */
  operatorText?: string;
}

function bad(name: string, code: 'QUERY_INVALID' | 'CURSOR_INVALID' = 'QUERY_INVALID'): AppError {
  return new AppError(code, `Query parameter "${name}" is not valid.`, queryField(name));
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 200) throw bad(name);
  return v;
}

/** Filters of the list (`allowed` = CARD_CHECK_LIST_PARAMS) or the CSV (CARD_CHECK_CSV_PARAMS). */
export function parseCardCheckFilter(query: Record<string, unknown>, allowed: readonly string[]): ParsedCardCheckQuery {
  const base = parseFilter(query, allowed);
  // A card check keeps no patient name: a name filter cannot be applied, and ignoring it would
  // answer every check as if it matched. (The partial card number and the operator are applied:
  // card-check-queries.ts, server/audit/card-check-audit.ts.)
  if (base.nameText !== undefined)
    throw new AppError('QUERY_INVALID', 'Card checks keep no patient name: filter by card number or mã số BHXH.', queryField('name'));
  const filter: CardCheckFilter = { ...base.filter };
  const echo = { ...base.echo };
  const portalCode = single(query, 'portalCode');
  if (portalCode !== undefined) {
    if (!PORTAL_CODE_RE.test(portalCode)) throw bad('portalCode');
    filter.portalCode = portalCode;
    echo.portalCode = portalCode;
  }
  const portalState = single(query, 'portalState');
  if (portalState !== undefined) {
    if (!(PORTAL_STATES as readonly string[]).includes(portalState)) throw bad('portalState');
    filter.portalState = portalState as PortalState;
    echo.portalState = portalState;
  }
  const source = single(query, 'source');
  if (source !== undefined) {
    if (!(SOURCES as readonly string[]).includes(source)) throw bad('source');
    filter.source = source as CardCheckSource;
    echo.source = source;
  }
  const linked = single(query, 'linked');
  if (linked !== undefined) {
    if (linked !== 'true' && linked !== 'false') throw bad('linked');
    filter.linked = linked === 'true';
    echo.linked = linked;
  }
  return { filter, echo, ...(base.operatorText !== undefined ? { operatorText: base.operatorText } : {}) };
}

export function encodeCardCheckCursor(c: CardCheckCursor): string {
  return Buffer.from(`c1:${c.createdAt}:${c.id}`, 'utf8').toString('base64url');
}

export function parseCardCheckCursor(query: Record<string, unknown>): CardCheckCursor | undefined {
  const v = single(query, 'cursor');
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(v)) throw bad('cursor', 'CURSOR_INVALID');
  const m = /^c1:(\d{1,15}):(.+)$/.exec(Buffer.from(v, 'base64url').toString('utf8'));
  if (!m || !UUID_RE.test(m[2]!)) throw bad('cursor', 'CURSOR_INVALID');
  return { createdAt: Number(m[1]), id: m[2]! };
}
