/**
 * The card-check record's shapes (tables `card_checks`, `visit_rechecks`, migration 2 in
 * server/db/schema.ts) and the rules every statement shares: domain types, rows → domain types,
 * the bounded result JSON and the auditor's masked CCCD. No SQL here: card-check-repo.ts (a
 * check's life), card-check-queries.ts (the auditor's search) and recheck-repo.ts (re-checks)
 * hold the statements, each with its column list; the mappers read those columns.
 */
import type { Row } from '../db/database.js';
import type { PortalCheckedResult } from '../portal/merge.js';
import type { PortalState } from '../portal/summary.js';
import type { Verdict, VerifyResult } from '../wire/verification.js';

export type CardCheckSource = 'signed' | 'legacy-unsigned' | 'id-card' | 'manual';

/** A card check as the rest of the service sees it. */
export interface CardCheckRecord {
  id: string;
  createdAt: number;
  answeredAt: number | null;
  facility: string;
  deskId: string;
  operator: string;
  operatorName: string;
  operatorCccd: string | null;
  source: CardCheckSource | null;
  cardNumber: string | null;
  maSoBhxh: string | null;
  /** The patient's chip ID-card number, when the check was by it. */
  cccd: string | null;
  localVerdict: Verdict;
  localCode: string;
  verdict: Verdict;
  code: string;
  reasonCodes: string[];
  portalState: PortalState;
  portalCode: string | null;
  portalMessage: string | null;
  latencyMs: number | null;
  attempts: number | null;
  /** The local verification result (what a re-check merges into). */
  local: VerifyResult;
  /** The merged result with its portal summary (the desk's answer). */
  result: PortalCheckedResult;
  qrText: string | null;
  visitId: string | null;
  linkedAt: number | null;
}

export type NewCardCheck = Pick<
  CardCheckRecord,
  | 'id'
  | 'createdAt'
  | 'facility'
  | 'deskId'
  | 'operator'
  | 'operatorName'
  | 'operatorCccd'
  | 'source'
  | 'cardNumber'
  | 'maSoBhxh'
  | 'cccd'
  | 'local'
  | 'result'
  | 'qrText'
>;

/** What an auditor sees of a check: no name, birth date, address or QR; the patient's CCCD masked. */
export interface CardCheckAuditRow {
  id: string;
  createdAt: number;
  answeredAt: number | null;
  facility: string;
  deskId: string;
  operator: string;
  operatorName: string;
  source: CardCheckSource | null;
  cardNumber: string | null;
  maSoBhxh: string | null;
  cccdMasked: string | null;
  localVerdict: Verdict;
  localCode: string;
  verdict: Verdict;
  code: string;
  reasonCodes: string[];
  portalState: PortalState;
  portalCode: string | null;
  portalMessage: string | null;
  latencyMs: number | null;
  attempts: number | null;
  visitId: string | null;
  recheck: RecheckSummary | null;
}

export type RecheckState = 'done' | 'not_checkable';

export interface RecheckRecord {
  seq: number;
  id: string;
  visitId: string;
  cardCheckId: string;
  at: number;
  state: RecheckState;
  portalCode: string | null;
  portalMessage: string | null;
  latencyMs: number | null;
  attempts: number | null;
  verdict: Verdict;
  code: string;
  reasonCodes: string[];
  flagged: boolean;
}

export type NewRecheck = Omit<RecheckRecord, 'seq'>;

export type RecheckSummary = Pick<RecheckRecord, 'at' | 'state' | 'portalCode' | 'verdict' | 'code' | 'flagged'>;

/** A flagged re-check with what an auditor needs to find the visit and the desk. */
export interface FlaggedRecheck extends RecheckRecord {
  deskId: string;
  operator: string;
  cardNumber: string | null;
  maSoBhxh: string | null;
  originalVerdict: Verdict;
}

/** The auditors' filter: the visit log's (same names as server/visits' VisitFilter), plus the portal's side. */
export interface CardCheckFilter {
  /** Inclusive lower bound, ms. */
  fromMs?: number;
  /** Exclusive upper bound, ms. */
  toMs?: number;
  cardNumber?: string;
  /** Part of a card number (letters and digits only, validated by the parser). */
  cardNumberPart?: string;
  maSoBhxh?: string;
  verdict?: Verdict;
  reasonCode?: string;
  operator?: string;
  /** Any of these operators (usernames), resolved from what the auditor typed; empty: none. */
  operators?: readonly string[];
  desk?: string;
  portalCode?: string;
  portalState?: PortalState;
  source?: CardCheckSource;
  /** true: only checks that became visits; false: only those that did not. */
  linked?: boolean;
}

/** Keyset position: newest first by (created_at, id). */
export interface CardCheckCursor {
  createdAt: number;
  id: string;
}

/** result_json / local_json are bounded: a portal reply or a card never grows a row past this. */
export const MAX_RESULT_JSON = 16 * 1024;

/**
 * The JSON of a result, at most MAX_RESULT_JSON characters: first without the portal's extras
 * (history, address), then without the card's free text, then the verdict and codes only.
 */
export function boundedResultJson(r: VerifyResult | PortalCheckedResult): string {
  let json = JSON.stringify(r);
  if (json.length <= MAX_RESULT_JSON) return json;
  const lean = structuredClone(r) as PortalCheckedResult;
  if (lean.portal) {
    delete lean.portal.lastVisit;
    delete lean.portal.address;
    delete lean.portal.mismatch;
    delete lean.portal.alreadyCheckedInToday;
    if (lean.portal.message !== undefined) lean.portal.message = lean.portal.message.slice(0, 500);
  }
  if (lean.card) {
    delete lean.card.address;
    delete lean.card.parentName;
    delete lean.card.issuedBy;
  }
  json = JSON.stringify(lean);
  if (json.length <= MAX_RESULT_JSON) return json;
  const minimal: Record<string, unknown> = {
    verdict: r.verdict,
    code: r.code,
    reasons: r.reasons.slice(0, 20).map((x) => ({ ...x, message_vi: x.message_vi.slice(0, 200), message_en: x.message_en.slice(0, 200) })),
    checks: [],
    checkedAt: r.checkedAt,
    truncated: true,
  };
  if (r.portalCode !== undefined) minimal.portalCode = r.portalCode;
  if ('portal' in r) minimal.portal = { state: r.portal.state, code: r.portal.code?.slice(0, 40), checkedAt: r.portal.checkedAt };
  return JSON.stringify(minimal);
}

/** `012090001234` → `********1234`. */
export function maskCccd(cccd: string | null): string | null {
  if (cccd === null) return null;
  return cccd.length <= 4 ? '*'.repeat(cccd.length) : '*'.repeat(cccd.length - 4) + cccd.slice(-4);
}

/** SQLite hands back text, integers or null for these columns. */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? v.toString() : '');
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const codes = (v: unknown): string[] => JSON.parse(str(v)) as string[];

export function checkFromRow(row: Row): CardCheckRecord {
  return {
    id: str(row.id),
    createdAt: Number(row.created_at),
    answeredAt: numOrNull(row.answered_at),
    facility: str(row.facility),
    deskId: str(row.desk_id),
    operator: str(row.operator),
    operatorName: str(row.operator_name),
    operatorCccd: strOrNull(row.operator_cccd),
    source: strOrNull(row.source) as CardCheckSource | null,
    cardNumber: strOrNull(row.card_number),
    maSoBhxh: strOrNull(row.ma_so_bhxh),
    cccd: strOrNull(row.cccd),
    localVerdict: str(row.local_verdict) as Verdict,
    localCode: str(row.local_code),
    verdict: str(row.verdict) as Verdict,
    code: str(row.code),
    reasonCodes: codes(row.reason_codes),
    portalState: str(row.portal_state) as PortalState,
    portalCode: strOrNull(row.portal_code),
    portalMessage: strOrNull(row.portal_message),
    latencyMs: numOrNull(row.latency_ms),
    attempts: numOrNull(row.attempts),
    local: JSON.parse(str(row.local_json)) as VerifyResult,
    result: JSON.parse(str(row.result_json)) as PortalCheckedResult,
    qrText: strOrNull(row.qr_text),
    visitId: strOrNull(row.visit_id),
    linkedAt: numOrNull(row.linked_at),
  };
}

/** A row of card-check-queries.ts AUDIT_COLUMNS (the re-check's columns as `r_*`). */
export function auditFromRow(row: Row): CardCheckAuditRow {
  return {
    id: str(row.id),
    createdAt: Number(row.created_at),
    answeredAt: numOrNull(row.answered_at),
    facility: str(row.facility),
    deskId: str(row.desk_id),
    operator: str(row.operator),
    operatorName: str(row.operator_name),
    source: strOrNull(row.source) as CardCheckSource | null,
    cardNumber: strOrNull(row.card_number),
    maSoBhxh: strOrNull(row.ma_so_bhxh),
    cccdMasked: maskCccd(strOrNull(row.cccd)),
    localVerdict: str(row.local_verdict) as Verdict,
    localCode: str(row.local_code),
    verdict: str(row.verdict) as Verdict,
    code: str(row.code),
    reasonCodes: codes(row.reason_codes),
    portalState: str(row.portal_state) as PortalState,
    portalCode: strOrNull(row.portal_code),
    portalMessage: strOrNull(row.portal_message),
    latencyMs: numOrNull(row.latency_ms),
    attempts: numOrNull(row.attempts),
    visitId: strOrNull(row.visit_id),
    recheck:
      row.r_at === null || row.r_at === undefined
        ? null
        : {
            at: Number(row.r_at),
            state: str(row.r_state) as RecheckState,
            portalCode: strOrNull(row.r_portal_code),
            verdict: str(row.r_verdict) as Verdict,
            code: str(row.r_code),
            flagged: Number(row.r_flagged) === 1,
          },
  };
}

export function recheckFromRow(row: Row): RecheckRecord {
  return {
    seq: Number(row.seq),
    id: str(row.id),
    visitId: str(row.visit_id),
    cardCheckId: str(row.card_check_id),
    at: Number(row.at),
    state: str(row.state) as RecheckState,
    portalCode: strOrNull(row.portal_code),
    portalMessage: strOrNull(row.portal_message),
    latencyMs: numOrNull(row.latency_ms),
    attempts: numOrNull(row.attempts),
    verdict: str(row.verdict) as Verdict,
    code: str(row.code),
    reasonCodes: codes(row.reason_codes),
    flagged: Number(row.flagged) === 1,
  };
}

/** A row of recheck-repo.ts flaggedRechecks: the re-check's columns and the check's desk, operator and card. */
export function flaggedFromRow(row: Row): FlaggedRecheck {
  return {
    ...recheckFromRow(row),
    deskId: str(row.desk_id),
    operator: str(row.operator),
    cardNumber: strOrNull(row.card_number),
    maSoBhxh: strOrNull(row.ma_so_bhxh),
    originalVerdict: str(row.original_verdict) as Verdict,
  };
}
