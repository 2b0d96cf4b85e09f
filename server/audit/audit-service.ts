/**
 * The auditor's reads of the visit log, with the rules that are not HTTP: every read is recorded
 * in audit_reads (who, when, which endpoint, which filter) before any data is returned; the
 * summary's default range, its bounds and its per-day aggregation; the integrity view; the
 * keyset paging of lists. The routes (server/http/routes/audit.ts) parse the query
 * (./filters.ts), call one method and render the answer.
 */
import type { Clock } from '../clock.js';
import { AppError, queryField } from '../errors.js';
import type { SyncState } from '../sync/outbox-repo.js';
import type { IntegrityReport } from '../visits/chain.js';
import type { AnchorIntegrity } from '../anchor/integrity.js';
import type { AuditIntegrity } from '../wire/audit.js';
import type { Verdict, VisitRow } from '../visits/visit-record.js';
import type { AuditReadRow, VisitFilter, VisitQueries } from '../visits/visit-queries.js';
import { foldedMatch } from './fold.js';
import { encodeCursor, MAX_SUMMARY_DAYS, auditDayStartMs, type ParsedFilter } from './filters.js';
import { vietnamDay } from '../wire/vietnam-time.js';

const DAY_MS = 86_400_000;
/** The summary's default range: this many Vietnam days, ending today (or at `to`). */
export const DEFAULT_SUMMARY_DAYS = 30;
/** Rows per batch of the CSV export: each batch is one short queued read. */
export const CSV_BATCH = 250;

/** Sync state of visits, from the sync module's outbox (server/sync/outbox-repo.ts). */
export interface AuditSyncStates {
  statesFor(visitIds: readonly string[]): Promise<Map<string, SyncState>>;
  parked(opts: { limit: number; afterSeq?: number }): Promise<SyncState[]>;
}

/** Re-checks of visits checked in while the portal was unavailable (server/card-checks/). */
export interface AuditRechecks {
  /** The latest re-check of each visit that has one. */
  latestRechecksOfVisits(visitIds: readonly string[]): Promise<Map<string, VisitRecheckRow>>;
}

export interface VisitRecheckRow {
  at: number;
  state: 'done' | 'not_checkable';
  portalCode: string | null;
  verdict: Verdict;
  flagged: boolean;
}

export interface AuditServiceDeps {
  visits: Pick<
    VisitQueries,
    'search' | 'countsPerDay' | 'topRejectReasons' | 'recordAuditRead' | 'auditReads' | 'operatorNames' | 'patientNames'
  >;
  verifyChain: () => Promise<IntegrityReport>;
  /** Absent: the view has no card-check log or anchor parts (tests of the visit chain alone). */
  anchorIntegrity?: () => Promise<AnchorIntegrity>;
  sync: AuditSyncStates;
  clock: Clock;
  /** Absent: no visit shows a re-check. */
  rechecks?: AuditRechecks;
}

/** One page of a keyset-paged list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type VerdictCounts = { accepted: number; needs_review: number; rejected: number; total: number };

export interface AuditSummary {
  from: string;
  to: string;
  /** Every Vietnam day of the range, zeros included, so charts need no gap logic. */
  days: Array<{ day: string } & VerdictCounts>;
  totals: VerdictCounts;
  topRejectReasons: Array<{ code: string; count: number }>;
}

/** The integrity view is the wire's (server/wire/audit.ts). */
export type IntegrityView = AuditIntegrity;

export interface AuditReadView {
  id: number;
  at: string;
  username: string;
  endpoint: string;
  filter: unknown;
}

export class AuditService {
  constructor(private readonly d: AuditServiceDeps) {}

  /**
   * The filter with the typed names resolved: an operator matches by username or by any name
   * they were recorded under, a patient by the name on the card, both with or without
   * diacritics and in any case (parts of names too).
   */
  async #resolve(parsed: ParsedFilter): Promise<VisitFilter> {
    const filter: VisitFilter = { ...parsed.filter };
    const op = parsed.operatorText;
    if (op !== undefined) {
      const names = await this.d.visits.operatorNames();
      filter.operators = [...new Set(names.filter((n) => foldedMatch(op, n.operator, n.operator_name)).map((n) => n.operator))];
    }
    const patient = parsed.nameText;
    if (patient !== undefined) {
      const names = await this.d.visits.patientNames();
      filter.patientNames = names.filter((n) => foldedMatch(patient, n));
    }
    return filter;
  }

  #record(reader: string, endpoint: string, filter: unknown): Promise<void> {
    return this.d.visits.recordAuditRead(reader, endpoint, filter, this.d.clock.now());
  }

  /** The visit log, newest first, with each visit's sync state (rejected attempts have none). */
  async listVisits(
    reader: string,
    q: { parsed: ParsedFilter; limit: number; beforeSeq: number | undefined },
  ): Promise<Page<{ row: VisitRow; sync: SyncState | undefined; recheck: VisitRecheckRow | undefined }>> {
    const { parsed, limit, beforeSeq } = q;
    await this.#record(reader, 'visits', { ...parsed.echo, limit, ...(beforeSeq !== undefined ? { cursor: beforeSeq } : {}) });
    // One extra row tells whether another page exists without a count query.
    const filter = await this.#resolve(parsed);
    const rows = await this.d.visits.search(filter, { limit: limit + 1, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const states = await this.d.sync.statesFor(page.map((row) => row.id));
    const checked = page.filter((row) => row.card_check_id !== null).map((row) => row.id);
    const rechecks =
      this.d.rechecks && checked.length > 0 ? await this.d.rechecks.latestRechecksOfVisits(checked) : new Map<string, VisitRecheckRow>();
    return {
      items: page.map((row) => ({ row, sync: states.get(row.id), recheck: rechecks.get(row.id) })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    };
  }

  /**
   * The CSV export: records the read, then `batches` yields the matching visits in keyset
   * batches, so check-ins at the desk keep flowing while a large export runs and memory stays
   * flat. `stopped` is asked before each batch (the client went away: read no more). `stamp` is
   * today's Vietnam day, for the file name.
   */
  async exportVisits(
    reader: string,
    parsed: ParsedFilter,
    lang: 'vi' | 'en' = 'en',
  ): Promise<{ stamp: string; batches: (stopped: () => boolean) => AsyncGenerator<VisitRow[]> }> {
    await this.#record(reader, 'visits.csv', { ...parsed.echo, ...(lang === 'vi' ? {} : { lang }) });
    const visits = this.d.visits;
    const filter = await this.#resolve(parsed);
    async function* batches(stopped: () => boolean): AsyncGenerator<VisitRow[]> {
      let beforeSeq: number | undefined;
      for (;;) {
        if (stopped()) return;
        const rows = await visits.search(filter, { limit: CSV_BATCH, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
        yield rows;
        if (rows.length < CSV_BATCH) return;
        beforeSeq = rows[rows.length - 1]!.seq;
      }
    }
    return { stamp: vietnamDay(this.d.clock.now()), batches };
  }

  /**
   * Counts per Vietnam day by verdict, and the top reject reasons. Without `from` / `to` the
   * range is the last 30 Vietnam days including today; at most MAX_SUMMARY_DAYS days.
   */
  async summary(reader: string, q: { parsed: ParsedFilter; top: number }): Promise<AuditSummary> {
    const { parsed, top } = q;
    const { fromDay, toDay, fromMs, toMs } = this.#summaryRange(parsed);
    const filter: VisitFilter = { ...(await this.#resolve(parsed)), fromMs, toMs };
    await this.#record(reader, 'summary', { ...parsed.echo, from: fromDay, to: toDay, top });
    const [counts, reasons] = [await this.d.visits.countsPerDay(filter), await this.d.visits.topRejectReasons(filter, top)];
    const days: AuditSummary['days'] = [];
    const byDay = new Map<string, AuditSummary['days'][number]>();
    for (let t = fromMs; t < toMs; t += DAY_MS) {
      const d = { day: vietnamDay(t), accepted: 0, needs_review: 0, rejected: 0, total: 0 };
      days.push(d);
      byDay.set(d.day, d);
    }
    const totals: VerdictCounts = { accepted: 0, needs_review: 0, rejected: 0, total: 0 };
    for (const c of counts) {
      const d = byDay.get(c.day);
      if (!d) continue;
      d[c.verdict] += c.n;
      d.total += c.n;
      totals[c.verdict] += c.n;
      totals.total += c.n;
    }
    return { from: fromDay, to: toDay, days, totals, topRejectReasons: reasons.map((x) => ({ code: x.code, count: x.n })) };
  }

  #summaryRange(parsed: ParsedFilter): { fromDay: string; toDay: string; fromMs: number; toMs: number } {
    const toDay = parsed.toDay ?? vietnamDay(this.d.clock.now());
    const fromDay = parsed.fromDay ?? vietnamDay(auditDayStartMs(toDay)! - (DEFAULT_SUMMARY_DAYS - 1) * DAY_MS);
    const fromMs = auditDayStartMs(fromDay)!;
    const toMs = auditDayStartMs(toDay)! + DAY_MS;
    if ((toMs - fromMs) / DAY_MS > MAX_SUMMARY_DAYS) {
      throw new AppError('DATE_RANGE_TOO_LARGE', `A summary covers at most ${MAX_SUMMARY_DAYS} days.`, queryField('from'));
    }
    if (fromMs >= toMs) throw new AppError('DATE_RANGE_INVALID', '"from" must not be after "to".', queryField('from'));
    return { fromDay, toDay, fromMs, toMs };
  }

  /**
   * Walks both logs now (the visit chain, the card-check log) and checks them against the last
   * checkpoint the store accepted: `intact` only when all three agree; `problem` names the first
   * disagreement. `anchor` tells how fresh the anchor is (its age, the entries not anchored yet).
   */
  async integrity(reader: string): Promise<IntegrityView> {
    await this.#record(reader, 'integrity', {});
    const rep = await this.d.verifyChain();
    const now = this.d.clock.now();
    const view: IntegrityView = {
      intact: rep.intact,
      count: rep.count,
      headSeq: rep.headSeq,
      headHash: rep.headHash,
      checkedAt: new Date(now).toISOString(),
      ...(rep.firstBrokenSeq !== undefined ? { firstBrokenSeq: rep.firstBrokenSeq } : {}),
      ...(rep.problem ? { problem: rep.problem } : {}),
    };
    if (!this.d.anchorIntegrity) return view;
    const a = await this.d.anchorIntegrity();
    const cc = a.cardChecks;
    view.cardChecks = {
      intact: cc.intact,
      count: cc.count,
      headSeq: cc.headSeq,
      headHash: cc.headHash,
      ...(cc.problem ? { problem: cc.problem } : {}),
      ...(cc.firstBrokenSeq !== undefined ? { firstBrokenSeq: cc.firstBrokenSeq } : {}),
    };
    const last = a.lastCheckpoint;
    view.anchor = {
      enabled: a.enabled,
      lastCheckpoint: last
        ? {
            visits: last.visits,
            cardChecks: last.cardChecks,
            signedAt: new Date(last.signedAt).toISOString(),
            anchoredAt: new Date(last.anchoredAt).toISOString(),
            ageSec: Math.max(0, Math.round((now - last.anchoredAt) / 1000)),
          }
        : null,
      notAnchored: {
        visits: Math.max(0, rep.headSeq - (last?.visits.seq ?? 0)),
        cardChecks: Math.max(0, cc.headSeq - (last?.cardChecks.seq ?? 0)),
      },
    };
    if (view.intact && !cc.intact) {
      view.intact = false;
      view.problem = cc.problem;
      view.brokenLog = 'cardChecks';
      if (cc.firstBrokenSeq !== undefined) view.firstBrokenSeq = cc.firstBrokenSeq;
    } else if (view.intact && a.finding) {
      view.intact = false;
      view.problem = a.finding.problem;
      view.brokenLog = a.finding.log;
      view.firstBrokenSeq = a.finding.seq;
    }
    return view;
  }

  /**
   * Visits the medical-history store refused (conflict or invalid), parked with the reason:
   * never retried forever, never silently dropped. Oldest first.
   */
  async parked(reader: string, q: { limit: number; afterSeq: number | undefined }): Promise<Page<SyncState>> {
    const { limit, afterSeq } = q;
    await this.#record(reader, 'sync/parked', { limit, ...(afterSeq !== undefined ? { cursor: afterSeq } : {}) });
    const rows = await this.d.sync.parked({ limit: limit + 1, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor(last.visitSeq) : null };
  }

  /** Who read what: the auditors' own trail, newest first (this read included). */
  async reads(reader: string, limit: number): Promise<AuditReadView[]> {
    await this.#record(reader, 'reads', { limit });
    const rows: AuditReadRow[] = await this.d.visits.auditReads(limit);
    return rows.map((x) => ({
      id: x.id,
      at: new Date(x.at).toISOString(),
      username: x.username,
      endpoint: x.endpoint,
      filter: safeJson(x.filter),
    }));
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
