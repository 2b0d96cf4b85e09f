/**
 * The auditor's reads of the online card checks (GET /api/audit/card-checks, its CSV, and the
 * flagged re-checks), with the visit log's rules: every read is recorded in audit_reads (who,
 * when, which endpoint, which filter) before any data is returned; lists are keyset-paged, one
 * extra row telling whether another page exists. The routes parse the query
 * (server/card-checks/audit-filters.ts, server/audit/filters.ts), call one method and render.
 */
import { encodeCardCheckCursor, type ParsedCardCheckQuery } from '../card-checks/audit-filters.js';
import type { CardCheckQueries } from '../card-checks/card-check-queries.js';
import type { RecheckRepository } from '../card-checks/recheck-repo.js';
import type { CardCheckAuditRow, CardCheckCursor, CardCheckFilter, FlaggedRecheck } from '../card-checks/records.js';
import type { Clock } from '../clock.js';
import type { VisitQueries } from '../visits/visit-queries.js';
import type { Page } from './audit-service.js';
import { encodeCursor } from './filters.js';
import { foldedMatch } from './fold.js';
import { vietnamDay } from '../wire/vietnam-time.js';

/** Rows per batch of the card-check CSV (each batch one short queued read). */
export const CARD_CHECK_CSV_BATCH = 250;

/** The card checks' stores an auditor reads: the checks' search and their re-checks. */
export interface CardCheckAuditStores {
  queries: Pick<CardCheckQueries, 'search' | 'searchAll' | 'operatorNames'>;
  rechecks: Pick<RecheckRepository, 'flaggedRechecks' | 'rechecksOfVisit'>;
}

export interface CardCheckAuditDeps extends CardCheckAuditStores {
  visits: Pick<VisitQueries, 'recordAuditRead'>;
  clock: Clock;
}

export class CardCheckAudit {
  constructor(private readonly d: CardCheckAuditDeps) {}

  /**
   * The filter with the typed operator resolved as the visit audit does: by username or any
   * name they made checks under, with or without diacritics (no match: no rows, never all).
   */
  async #resolve(parsed: ParsedCardCheckQuery): Promise<CardCheckFilter> {
    const op = parsed.operatorText;
    if (op === undefined) return parsed.filter;
    const names = await this.d.queries.operatorNames();
    return {
      ...parsed.filter,
      operators: [...new Set(names.filter((n) => foldedMatch(op, n.operator, n.operator_name)).map((n) => n.operator))],
    };
  }

  #record(reader: string, endpoint: string, filter: unknown): Promise<void> {
    return this.d.visits.recordAuditRead(reader, endpoint, filter, this.d.clock.now());
  }

  /** Card checks, newest first. */
  async list(
    reader: string,
    q: { parsed: ParsedCardCheckQuery; limit: number; before: CardCheckCursor | undefined },
  ): Promise<Page<CardCheckAuditRow>> {
    const { parsed, limit, before } = q;
    await this.#record(reader, 'card-checks', {
      ...parsed.echo,
      limit,
      ...(before !== undefined ? { cursor: encodeCardCheckCursor(before) } : {}),
    });
    const rows = await this.d.queries.search(await this.#resolve(parsed), {
      limit: limit + 1,
      ...(before !== undefined ? { before } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > limit && last ? encodeCardCheckCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** The CSV export: records the read, then yields every matching check in batches. */
  async export(reader: string, parsed: ParsedCardCheckQuery): Promise<{ stamp: string; batches: AsyncGenerator<CardCheckAuditRow[]> }> {
    await this.#record(reader, 'card-checks.csv', parsed.echo);
    const filter = await this.#resolve(parsed);
    return { stamp: vietnamDay(this.d.clock.now()), batches: this.d.queries.searchAll(filter, CARD_CHECK_CSV_BATCH) };
  }

  /** Re-checks that came back rejected or could not be made, newest first. */
  async flagged(reader: string, q: { limit: number; beforeSeq: number | undefined }): Promise<Page<FlaggedRecheck>> {
    const { limit, beforeSeq } = q;
    await this.#record(reader, 'rechecks/flagged', { limit, ...(beforeSeq !== undefined ? { cursor: beforeSeq } : {}) });
    const rows = await this.d.rechecks.flaggedRechecks({ limit: limit + 1, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }
}
