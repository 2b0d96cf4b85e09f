/**
 * Every SQL statement of the card-check record (tables `card_checks`, `visit_rechecks`,
 * migration 2 in server/db/schema.ts): parameterised always; rows become domain types here.
 *
 * A card check is written once when the desk asks (`insert`), gets the portal's answer once
 * (`recordAnswer`: pending → done / unavailable / config, guarded by the WHERE clause and by a
 * trigger), and is linked at most once to the visit it became (`linkVisit`, which also forgets
 * the scanned text: the visit row keeps it). Re-checks of visits are append-only records.
 */
import type { Database, Queryable, Row } from '../db/database.js';
import { isConstraintError } from '../db/database.js';
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
  maSoBhxh?: string;
  verdict?: Verdict;
  reasonCode?: string;
  operator?: string;
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

/** A visit checked in while the portal was unavailable, and the check it was made from. */
export interface AwaitingRecheck {
  visitId: string;
  cardCheckId: string;
}

/** What the RecheckWorker needs from the visit log. */
export interface RecheckSource {
  awaitingRecheck(limit: number): Promise<AwaitingRecheck[]>;
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

const CHECK_COLUMNS = `c.id, c.created_at, c.answered_at, c.facility, c.desk_id, c.operator, c.operator_name, c.operator_cccd,
  c.source, c.card_number, c.ma_so_bhxh, c.cccd, c.local_verdict, c.local_code, c.verdict, c.code, c.reason_codes,
  c.portal_state, c.portal_code, c.portal_message, c.latency_ms, c.attempts, c.local_json, c.result_json, c.qr_text,
  c.visit_id, c.linked_at`;

const AUDIT_COLUMNS = `c.id, c.created_at, c.answered_at, c.facility, c.desk_id, c.operator, c.operator_name, c.source,
  c.card_number, c.ma_so_bhxh, c.cccd, c.local_verdict, c.local_code, c.verdict, c.code, c.reason_codes, c.portal_state,
  c.portal_code, c.portal_message, c.latency_ms, c.attempts, c.visit_id,
  r.at AS r_at, r.state AS r_state, r.portal_code AS r_portal_code, r.verdict AS r_verdict, r.code AS r_code, r.flagged AS r_flagged`;

const RECHECK_COLUMNS = `r.seq, r.id, r.visit_id, r.card_check_id, r.at, r.state, r.portal_code, r.portal_message, r.latency_ms,
  r.attempts, r.verdict, r.code, r.reason_codes, r.flagged`;

/** SQLite hands back text, integers or null for these columns. */
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? v.toString() : '');
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const codes = (v: unknown): string[] => JSON.parse(str(v)) as string[];

function checkFromRow(row: Row): CardCheckRecord {
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

function auditFromRow(row: Row): CardCheckAuditRow {
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

function recheckFromRow(row: Row): RecheckRecord {
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

/** The portal columns of a merged result (pending / not_needed / off: no code, no latency). */
function portalColumns(r: PortalCheckedResult) {
  const p = r.portal;
  return {
    state: p.state,
    code: p.code ?? null,
    message: p.message === undefined ? null : p.message.slice(0, 500),
    latencyMs: p.latencyMs ?? null,
    attempts: p.attempts ?? null,
  };
}

function whereClause(f: CardCheckFilter): { where: string[]; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, v?: string | number) => {
    where.push(sql);
    if (v !== undefined) params.push(v);
  };
  if (f.fromMs !== undefined) add('c.created_at >= ?', f.fromMs);
  if (f.toMs !== undefined) add('c.created_at < ?', f.toMs);
  if (f.cardNumber !== undefined) add('c.card_number = ?', f.cardNumber);
  if (f.maSoBhxh !== undefined) add('c.ma_so_bhxh = ?', f.maSoBhxh);
  if (f.verdict !== undefined) add('c.verdict = ?', f.verdict);
  if (f.reasonCode !== undefined) add('EXISTS (SELECT 1 FROM json_each(c.reason_codes) j WHERE j.value = ?)', f.reasonCode);
  if (f.operator !== undefined) add('c.operator = ?', f.operator);
  if (f.desk !== undefined) add('c.desk_id = ?', f.desk);
  if (f.portalCode !== undefined) add('c.portal_code = ?', f.portalCode);
  if (f.portalState !== undefined) add('c.portal_state = ?', f.portalState);
  if (f.source !== undefined) add('c.source = ?', f.source);
  if (f.linked === true) add('c.visit_id IS NOT NULL');
  if (f.linked === false) add('c.visit_id IS NULL');
  return { where, params };
}

export class CardCheckRepository implements RecheckSource {
  constructor(private readonly db: Database) {}

  async insert(c: NewCardCheck): Promise<CardCheckRecord> {
    const p = portalColumns(c.result);
    const answeredAt = p.state === 'pending' ? null : c.createdAt;
    await this.db.run(
      `INSERT INTO card_checks (id, created_at, answered_at, facility, desk_id, operator, operator_name, operator_cccd, source,
         card_number, ma_so_bhxh, cccd, local_verdict, local_code, verdict, code, reason_codes, portal_state, portal_code,
         portal_message, latency_ms, attempts, local_json, result_json, qr_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id,
        c.createdAt,
        answeredAt,
        c.facility,
        c.deskId,
        c.operator,
        c.operatorName,
        c.operatorCccd,
        c.source,
        c.cardNumber,
        c.maSoBhxh,
        c.cccd,
        c.local.verdict,
        c.local.code,
        c.result.verdict,
        c.result.code,
        JSON.stringify(c.result.reasons.map((r) => r.code)),
        p.state,
        p.code,
        p.message,
        p.latencyMs,
        p.attempts,
        boundedResultJson(c.local),
        boundedResultJson(c.result),
        c.qrText,
      ],
    );
    const row = await this.get(c.id);
    if (!row) throw new Error('unreachable: the card check just inserted is missing');
    return row;
  }

  /**
   * The portal's answer (done / unavailable / config) of a pending check, once: false when the
   * check is not pending any more (answered already, or unknown).
   */
  async recordAnswer(id: string, result: PortalCheckedResult, at: number): Promise<boolean> {
    const p = portalColumns(result);
    if (p.state !== 'done' && p.state !== 'unavailable' && p.state !== 'config') throw new Error(`not an answer: ${p.state}`);
    const r = await this.db.run(
      `UPDATE card_checks SET answered_at = ?, verdict = ?, code = ?, reason_codes = ?, portal_state = ?, portal_code = ?,
         portal_message = ?, latency_ms = ?, attempts = ?, result_json = ?
       WHERE id = ? AND portal_state = 'pending'`,
      [
        at,
        result.verdict,
        result.code,
        JSON.stringify(result.reasons.map((x) => x.code)),
        p.state,
        p.code,
        p.message,
        p.latencyMs,
        p.attempts,
        boundedResultJson(result),
        id,
      ],
    );
    return r.changes === 1;
  }

  async get(id: string, q: Queryable = this.db): Promise<CardCheckRecord | undefined> {
    const row = await q.get(`SELECT ${CHECK_COLUMNS} FROM card_checks c WHERE c.id = ?`, [id]);
    return row ? checkFromRow(row) : undefined;
  }

  /** Checks still pending (after a restart: the ones a crash interrupted). */
  async pendingIds(): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>("SELECT id FROM card_checks WHERE portal_state = 'pending' ORDER BY created_at, id");
    return rows.map((r) => r.id);
  }

  /**
   * Records which visit a check became and forgets its scanned text. `q` lets the check-in run
   * it inside the visit's own transaction. False when the check is unknown or linked already.
   */
  async linkVisit(cardCheckId: string, visitId: string, at: number, q: Queryable = this.db): Promise<boolean> {
    const r = await q.run('UPDATE card_checks SET visit_id = ?, linked_at = ?, qr_text = NULL WHERE id = ? AND visit_id IS NULL', [
      visitId,
      at,
      cardCheckId,
    ]);
    return r.changes === 1;
  }

  /** Auditors' search, newest first; `before` continues a page. Every value is a bound parameter. */
  async search(filter: CardCheckFilter, page: { before?: CardCheckCursor; limit: number }): Promise<CardCheckAuditRow[]> {
    const { where, params } = whereClause(filter);
    if (page.before !== undefined) {
      where.push('(c.created_at < ? OR (c.created_at = ? AND c.id < ?))');
      params.push(page.before.createdAt, page.before.createdAt, page.before.id);
    }
    params.push(page.limit);
    const rows = await this.db.all(
      `SELECT ${AUDIT_COLUMNS} FROM card_checks c LEFT JOIN visit_rechecks r ON r.card_check_id = c.id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
      params,
    );
    return rows.map(auditFromRow);
  }

  /** The whole search in batches (CSV export): one short query per batch, never the whole set in memory. */
  async *searchAll(filter: CardCheckFilter, batchSize = 500): AsyncGenerator<CardCheckAuditRow[]> {
    let before: CardCheckCursor | undefined;
    for (;;) {
      const rows = await this.search(filter, { limit: batchSize, ...(before ? { before } : {}) });
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1]!;
      before = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Visits checked in while the portal was unavailable and not re-checked yet, oldest first. */
  async awaitingRecheck(limit: number): Promise<AwaitingRecheck[]> {
    const rows = await this.db.all<{ id: string; visit_id: string }>(
      `SELECT c.id, c.visit_id FROM card_checks c
        WHERE c.portal_state = 'unavailable' AND c.visit_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM visit_rechecks r WHERE r.card_check_id = c.id)
        ORDER BY c.created_at, c.id LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ visitId: r.visit_id, cardCheckId: r.id }));
  }

  async countAwaitingRecheck(): Promise<number> {
    const r = await this.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM card_checks c WHERE c.portal_state = 'unavailable' AND c.visit_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM visit_rechecks r WHERE r.card_check_id = c.id)`,
    );
    return r?.n ?? 0;
  }

  /** Appends a re-check record; false when the check has one already (one conclusive re-check each). */
  async appendRecheck(r: NewRecheck): Promise<boolean> {
    try {
      await this.db.run(
        `INSERT INTO visit_rechecks (id, visit_id, card_check_id, at, state, portal_code, portal_message, latency_ms, attempts,
           verdict, code, reason_codes, flagged)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          r.id,
          r.visitId,
          r.cardCheckId,
          r.at,
          r.state,
          r.portalCode,
          r.portalMessage === null ? null : r.portalMessage.slice(0, 500),
          r.latencyMs,
          r.attempts,
          r.verdict,
          r.code,
          JSON.stringify(r.reasonCodes),
          r.flagged ? 1 : 0,
        ],
      );
      return true;
    } catch (err) {
      if (isConstraintError(err) && (await this.recheckOf(r.cardCheckId)) !== undefined) return false;
      throw err;
    }
  }

  async recheckOf(cardCheckId: string): Promise<RecheckRecord | undefined> {
    const row = await this.db.get(`SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.card_check_id = ?`, [cardCheckId]);
    return row ? recheckFromRow(row) : undefined;
  }

  /** The re-checks recorded beside a visit (an auditor's visit page). */
  async rechecksOfVisit(visitId: string): Promise<RecheckRecord[]> {
    const rows = await this.db.all(`SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.visit_id = ? ORDER BY r.seq`, [visitId]);
    return rows.map(recheckFromRow);
  }

  /** The latest re-check of each of these visits (one query: an auditor's page of visits). */
  async latestRechecksOfVisits(visitIds: readonly string[]): Promise<Map<string, RecheckRecord>> {
    const out = new Map<string, RecheckRecord>();
    if (visitIds.length === 0) return out;
    const rows = await this.db.all(
      `SELECT ${RECHECK_COLUMNS} FROM visit_rechecks r WHERE r.visit_id IN (SELECT value FROM json_each(?)) ORDER BY r.seq`,
      [JSON.stringify(visitIds)],
    );
    for (const row of rows) {
      const r = recheckFromRow(row);
      out.set(r.visitId, r);
    }
    return out;
  }

  /** Flagged re-checks, newest first; `beforeSeq` continues a page. */
  async flaggedRechecks(page: { beforeSeq?: number; limit: number }): Promise<FlaggedRecheck[]> {
    const params: Array<string | number> = [];
    let cond = 'r.flagged = 1';
    if (page.beforeSeq !== undefined) {
      cond += ' AND r.seq < ?';
      params.push(page.beforeSeq);
    }
    params.push(page.limit);
    const rows = await this.db.all(
      `SELECT ${RECHECK_COLUMNS}, c.desk_id, c.operator, c.card_number, c.ma_so_bhxh, c.verdict AS original_verdict
         FROM visit_rechecks r JOIN card_checks c ON c.id = r.card_check_id
        WHERE ${cond} ORDER BY r.seq DESC LIMIT ?`,
      params,
    );
    return rows.map((row) => ({
      ...recheckFromRow(row),
      deskId: str(row.desk_id),
      operator: str(row.operator),
      cardNumber: strOrNull(row.card_number),
      maSoBhxh: strOrNull(row.ma_so_bhxh),
      originalVerdict: str(row.original_verdict) as Verdict,
    }));
  }
}
