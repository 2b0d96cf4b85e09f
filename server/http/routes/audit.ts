import type { AnchorIntegrity } from '../../anchor/integrity.js';
import { Router, type RequestHandler } from 'express';
import { AppError, queryField } from '../../errors.js';
import type { Clock } from '../../clock.js';
import { AuditService, type AuditRechecks, type AuditSyncStates, type VisitRecheckRow } from '../../audit/audit-service.js';
import { CardCheckAudit, type CardCheckAuditStores } from '../../audit/card-check-audit.js';
import { CARD_CHECK_CSV_HEADER, cardCheckCsvLine } from '../../card-checks/csv.js';
import {
  CARD_CHECK_CSV_PARAMS,
  CARD_CHECK_LIST_PARAMS,
  parseCardCheckCursor,
  parseCardCheckFilter,
} from '../../card-checks/audit-filters.js';
import type { CardCheckAuditRow } from '../../card-checks/records.js';
import { BOM, csvHeader, csvLine, visitCsvLine, type CsvLang } from '../../audit/csv.js';
import {
  CSV_PARAMS,
  LIST_PARAMS,
  parseCursor,
  parseFilter,
  parseLimit,
  parseTop,
  rejectUnknownParams,
  SUMMARY_PARAMS,
} from '../../audit/filters.js';
import type { SyncState } from '../../sync/outbox-repo.js';
import type { Role } from '../../users/types.js';
import type { IntegrityReport } from '../../visits/chain.js';
import type { VisitQueries } from '../../visits/visit-queries.js';
import { toVisit } from '../../visits/visit-view.js';
import type {
  AuditIntegrity,
  AuditReads,
  AuditSummary,
  AuditVisit,
  AuditVisitPage,
  Page,
  ParkedVisit,
  SyncView,
} from '../../wire/audit.js';
import type { VisitRecheck } from '../../wire/visit.js';
import { currentUser } from './session-auth.js';

export type { AuditSyncStates } from '../../audit/audit-service.js';

export function recheckView(r: VisitRecheckRow): VisitRecheck {
  return {
    state: r.state,
    ...(r.portalCode !== null ? { code: r.portalCode } : {}),
    verdict: r.verdict,
    flagged: r.flagged,
    at: new Date(r.at).toISOString(),
  };
}

/** A card check as auditors see it: times as ISO instants. */
function cardCheckView(c: CardCheckAuditRow): Record<string, unknown> {
  return {
    ...c,
    createdAt: new Date(c.createdAt).toISOString(),
    answeredAt: c.answeredAt === null ? null : new Date(c.answeredAt).toISOString(),
    recheck: c.recheck === null ? null : { ...c.recheck, at: new Date(c.recheck.at).toISOString() },
  };
}

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

/**
 * The auditor's API (role auditor only): each route parses its query (server/audit/filters.ts),
 * calls the AuditService (which records the read in audit_reads before any data is returned)
 * and renders the answer.
 */
export function auditRoutes(deps: {
  visits: VisitQueries;
  verifyChain: () => Promise<IntegrityReport>;
  /** The card-check log and the last anchored checkpoint (server/anchor/integrity.ts). */
  anchorIntegrity?: () => Promise<AnchorIntegrity>;
  clock: Clock;
  requireRole: (...roles: Role[]) => RequestHandler;
  sync: AuditSyncStates;
  /** The card checks (their reads and re-checks); absent: those routes are not mounted. */
  cardChecks?: CardCheckAuditStores & { rechecks: AuditRechecks };
}): Router {
  const r = Router();
  const auditor = deps.requireRole('auditor');
  const audit = new AuditService({
    visits: deps.visits,
    verifyChain: deps.verifyChain,
    ...(deps.anchorIntegrity ? { anchorIntegrity: deps.anchorIntegrity } : {}),
    sync: deps.sync,
    clock: deps.clock,
    ...(deps.cardChecks ? { rechecks: deps.cardChecks.rechecks } : {}),
  });
  const query = (req: Parameters<RequestHandler>[0]) => req.query as Record<string, unknown>;

  r.get('/api/audit/visits', auditor, async (req, res) => {
    const q = query(req);
    const parsed = parseFilter(q, LIST_PARAMS);
    const limit = parseLimit(q);
    const beforeSeq = parseCursor(q);
    const page = await audit.listVisits(currentUser(res).username, { parsed, limit, beforeSeq });
    res.json({
      items: page.items.map(({ row, sync, recheck }): AuditVisit => ({
        ...toVisit(row, { audit: true }),
        sync: syncView(sync),
        ...(recheck ? { recheck: recheckView(recheck) } : {}),
      })),
      nextCursor: page.nextCursor,
    } satisfies AuditVisitPage);
  });

  r.get('/api/audit/visits.csv', auditor, async (req, res) => {
    const { lang: rawLang, ...q } = query(req);
    // Vietnamese headers and values by default (the auditor's file); `lang=en`: the stable English keys and raw values.
    if (rawLang !== undefined && rawLang !== 'vi' && rawLang !== 'en')
      throw new AppError('QUERY_INVALID', 'Query parameter "lang" must be vi or en.', queryField('lang'));
    const lang: CsvLang = rawLang ?? 'vi';
    const parsed = parseFilter(q, CSV_PARAMS);
    const { stamp, batches } = await audit.exportVisits(currentUser(res).username, parsed, lang);
    res.status(200);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="visits-${stamp}.csv"` });
    res.write(BOM + csvLine(csvHeader(lang)));
    let gone = false;
    for await (const rows of batches(() => (gone = res.destroyed))) {
      let chunk = '';
      for (const row of rows) chunk += visitCsvLine(row, lang);
      if (chunk && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    if (gone) return;
    res.end();
  });

  r.get('/api/audit/summary', auditor, async (req, res) => {
    const q = query(req);
    const parsed = parseFilter(q, SUMMARY_PARAMS);
    const top = parseTop(q);
    res.json((await audit.summary(currentUser(res).username, { parsed, top })) satisfies AuditSummary);
  });

  r.get('/api/audit/integrity', auditor, async (req, res) => {
    rejectUnknownParams(query(req), []);
    res.json((await audit.integrity(currentUser(res).username)) satisfies AuditIntegrity);
  });

  /** Parked visits (the store refused them), oldest first; `cursor` continues. */
  r.get('/api/audit/sync/parked', auditor, async (req, res) => {
    const q = query(req);
    rejectUnknownParams(q, ['limit', 'cursor']);
    const limit = parseLimit(q);
    const afterSeq = parseCursor(q);
    const page = await audit.parked(currentUser(res).username, { limit, afterSeq });
    res.json({
      items: page.items.map((s): ParkedVisit => ({ visitId: s.visitId, seq: s.visitSeq, ...syncView(s) })),
      nextCursor: page.nextCursor,
    } satisfies Page<ParkedVisit>);
  });

  if (deps.cardChecks) {
    const checks = new CardCheckAudit({ ...deps.cardChecks, visits: deps.visits, clock: deps.clock });

    /** Online card checks, newest first (no name, birth date, address or QR; the patient's CCCD masked). */
    r.get('/api/audit/card-checks', auditor, async (req, res) => {
      const q = query(req);
      const parsed = parseCardCheckFilter(q, CARD_CHECK_LIST_PARAMS);
      const limit = parseLimit(q);
      const before = parseCardCheckCursor(q);
      const page = await checks.list(currentUser(res).username, { parsed, limit, before });
      res.json({ items: page.items.map(cardCheckView), nextCursor: page.nextCursor });
    });

    r.get('/api/audit/card-checks.csv', auditor, async (req, res) => {
      const parsed = parseCardCheckFilter(query(req), CARD_CHECK_CSV_PARAMS);
      const { stamp, batches } = await checks.export(currentUser(res).username, parsed);
      res.status(200);
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="card-checks-${stamp}.csv"` });
      res.write(BOM + CARD_CHECK_CSV_HEADER);
      for await (const rows of batches) {
        if (res.destroyed) return;
        let chunk = '';
        for (const row of rows) chunk += cardCheckCsvLine(row);
        if (chunk && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    });

    /** Re-checks that came back rejected or could not be made, newest first; `cursor` continues. */
    r.get('/api/audit/rechecks/flagged', auditor, async (req, res) => {
      const q = query(req);
      rejectUnknownParams(q, ['limit', 'cursor']);
      const limit = parseLimit(q);
      const beforeSeq = parseCursor(q);
      const page = await checks.flagged(currentUser(res).username, { limit, beforeSeq });
      res.json({ items: page.items.map((f) => ({ ...f, at: new Date(f.at).toISOString() })), nextCursor: page.nextCursor });
    });
  }

  /** Who read what: the auditors' own trail (newest first). */
  r.get('/api/audit/reads', auditor, async (req, res) => {
    const q = query(req);
    rejectUnknownParams(q, ['limit']);
    const limit = parseLimit(q);
    res.json({ items: await audit.reads(currentUser(res).username, limit) } satisfies AuditReads);
  });
  return r;
}
