import { Router, type RequestHandler } from 'express';
import type { Clock } from '../../clock.js';
import { AppError, queryField } from '../../errors.js';
import type { Role } from '../../users/types.js';
import type { VisitRepository } from '../../visits/visit-repo.js';
import { toVisit, type Visit } from '../../visits/visit-view.js';
import { BOM, CSV_HEADER, csvLine, visitCsvLine } from '../../audit/csv.js';
import {
  CSV_PARAMS,
  encodeCursor,
  LIST_PARAMS,
  MAX_SUMMARY_DAYS,
  parseCursor,
  parseFilter,
  parseLimit,
  SUMMARY_PARAMS,
  vnDay,
  vnDayStartMs,
} from '../../audit/filters.js';
import { currentUser } from './session-auth.js';
import type { SyncState } from '../../sync/outbox-repo.js';

const CSV_BATCH = 250;
const DAY_MS = 86_400_000;

/**
 * The auditor's API (role auditor only). Every read is itself recorded in audit_reads (who,
 * when, which endpoint, which filter) before the data is sent.
 */
/** Sync state of visits, from the sync module's outbox (server/sync/outbox-repo.ts). */
export interface AuditSyncStates {
  statesFor(visitIds: readonly string[]): Promise<Map<string, SyncState>>;
  parked(opts: { limit: number; afterSeq?: number }): Promise<SyncState[]>;
}

/** What an auditor sees of a visit's sync: no internal retry schedule, the outcome and why. */
export interface SyncView {
  /** none: never sent (a rejected attempt has no outbox row). */
  state: 'none' | SyncState['state'];
  attempts?: number;
  sentAt?: string;
  lastError?: string;
  parkedReason?: string;
}

/** A visit as GET /api/audit/visits lists it. */
export type AuditVisit = Visit & { sync: SyncView };

export function syncView(s: SyncState | undefined): SyncView {
  if (!s) return { state: 'none' };
  return {
    state: s.state,
    attempts: s.attempts,
    ...(s.sentAt !== null ? { sentAt: new Date(s.sentAt).toISOString() } : {}),
    ...(s.lastError !== null ? { lastError: s.lastError } : {}),
    ...(s.parkedReason !== null ? { parkedReason: s.parkedReason } : {}),
  };
}

export function auditRoutes(deps: {
  visits: VisitRepository;
  clock: Clock;
  requireRole: (...roles: Role[]) => RequestHandler;
  sync: AuditSyncStates;
}): Router {
  const r = Router();
  const auditor = deps.requireRole('auditor');
  const record = (username: string, endpoint: string, filter: unknown) =>
    deps.visits.recordAuditRead(username, endpoint, filter, deps.clock.now());

  r.get('/api/audit/visits', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const { filter, echo } = parseFilter(q, LIST_PARAMS);
    const limit = parseLimit(q);
    const beforeSeq = parseCursor(q);
    await record(currentUser(res).username, 'visits', { ...echo, limit, ...(beforeSeq !== undefined ? { cursor: beforeSeq } : {}) });
    // One extra row tells whether another page exists without a count query.
    const rows = await deps.visits.search(filter, { limit: limit + 1, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // Each visit's sync state (rejected attempts have none: they are never sent).
    const states = await deps.sync.statesFor(page.map((row) => row.id));
    res.json({
      items: page.map((row): AuditVisit => ({ ...toVisit(row, { audit: true }), sync: syncView(states.get(row.id)) })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    });
  });

  r.get('/api/audit/visits.csv', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const { filter, echo } = parseFilter(q, CSV_PARAMS);
    await record(currentUser(res).username, 'visits.csv', echo);
    const stamp = vnDay(deps.clock.now());
    res.status(200);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="visits-${stamp}.csv"` });
    res.write(BOM + csvLine(CSV_HEADER));
    // Streamed in keyset batches: each batch is one short queued read, so check-ins at the
    // desk keep flowing while a large export runs, and memory stays flat.
    let beforeSeq: number | undefined;
    for (;;) {
      if (res.destroyed) return;
      const rows = await deps.visits.search(filter, { limit: CSV_BATCH, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
      let chunk = '';
      for (const row of rows) chunk += visitCsvLine(row);
      if (chunk && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      if (rows.length < CSV_BATCH) break;
      beforeSeq = rows[rows.length - 1]!.seq;
    }
    res.end();
  });

  r.get('/api/audit/summary', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const parsed = parseFilter(q, SUMMARY_PARAMS);
    let top = 10;
    if (q.top !== undefined) {
      if (typeof q.top !== 'string' || !/^\d{1,2}$/.test(q.top) || Number(q.top) < 1 || Number(q.top) > 50) {
        throw new AppError('QUERY_INVALID', '"top" must be 1–50.', queryField('top'));
      }
      top = Number(q.top);
    }
    // Default range: the last 30 Vietnam days including today.
    const today = vnDay(deps.clock.now());
    const toDay = parsed.toDay ?? today;
    const fromDay = parsed.fromDay ?? vnDay(vnDayStartMs(toDay)! - 29 * DAY_MS);
    const fromMs = vnDayStartMs(fromDay)!;
    const toMs = vnDayStartMs(toDay)! + DAY_MS;
    if ((toMs - fromMs) / DAY_MS > MAX_SUMMARY_DAYS) {
      throw new AppError('DATE_RANGE_TOO_LARGE', `A summary covers at most ${MAX_SUMMARY_DAYS} days.`, queryField('from'));
    }
    if (fromMs >= toMs) throw new AppError('DATE_RANGE_INVALID', '"from" must not be after "to".', queryField('from'));
    const filter = { ...parsed.filter, fromMs, toMs };
    await record(currentUser(res).username, 'summary', { ...parsed.echo, from: fromDay, to: toDay, top });
    const [counts, reasons] = [await deps.visits.countsPerDay(filter), await deps.visits.topRejectReasons(filter, top)];
    // Every day of the range appears, zeros included, so charts need no gap logic.
    const days: Array<{ day: string; accepted: number; needs_review: number; rejected: number; total: number }> = [];
    const byDay = new Map<string, (typeof days)[number]>();
    for (let t = fromMs; t < toMs; t += DAY_MS) {
      const d = { day: vnDay(t), accepted: 0, needs_review: 0, rejected: 0, total: 0 };
      days.push(d);
      byDay.set(d.day, d);
    }
    const totals = { accepted: 0, needs_review: 0, rejected: 0, total: 0 };
    for (const c of counts) {
      const d = byDay.get(c.day);
      if (!d) continue;
      d[c.verdict] += c.n;
      d.total += c.n;
      totals[c.verdict] += c.n;
      totals.total += c.n;
    }
    res.json({ from: fromDay, to: toDay, days, totals, topRejectReasons: reasons.map((x) => ({ code: x.code, count: x.n })) });
  });

  r.get('/api/audit/integrity', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    parseFilter(q, []);
    await record(currentUser(res).username, 'integrity', {});
    const rep = await deps.visits.verifyChain();
    res.json({
      intact: rep.intact,
      count: rep.count,
      headSeq: rep.headSeq,
      headHash: rep.headHash,
      checkedAt: new Date(deps.clock.now()).toISOString(),
      ...(rep.firstBrokenSeq !== undefined ? { firstBrokenSeq: rep.firstBrokenSeq } : {}),
      ...(rep.problem ? { problem: rep.problem } : {}),
    });
  });

  /**
   * Visits the medical-history store refused (conflict or invalid), parked with the reason:
   * never retried forever, never silently dropped. Oldest first; `cursor` continues.
   */
  r.get('/api/audit/sync/parked', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    parseFilter(q, ['limit', 'cursor']);
    const limit = parseLimit(q);
    const afterSeq = parseCursor(q);
    await record(currentUser(res).username, 'sync/parked', { limit, ...(afterSeq !== undefined ? { cursor: afterSeq } : {}) });
    const rows = await deps.sync.parked({ limit: limit + 1, ...(afterSeq !== undefined ? { afterSeq } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    res.json({
      items: page.map((s) => ({ visitId: s.visitId, seq: s.visitSeq, ...syncView(s) })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.visitSeq) : null,
    });
  });

  /** Who read what: the auditors' own trail (newest first). */
  r.get('/api/audit/reads', auditor, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    parseFilter(q, ['limit']);
    const limit = parseLimit(q);
    await record(currentUser(res).username, 'reads', { limit });
    const rows = await deps.visits.auditReads(limit);
    res.json({
      items: rows.map((x) => ({
        id: x.id,
        at: new Date(x.at).toISOString(),
        username: x.username,
        endpoint: x.endpoint,
        filter: safeJson(x.filter),
      })),
    });
  });
  return r;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
