/**
 * The visit codes (GET /api/visit-codes) the desk offers before a check-in, fetched once after
 * sign-in and kept for the Vietnam day they were fetched for (the table holds for days; a desk
 * running past midnight asks again). A failed fetch is not kept: the next sign-in (or call) asks
 * again, and meanwhile the desk sends no visitCategory (the server proposes one).
 */
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import { vietnamDay } from '../../server/wire/vietnam-time.js';
import { getVisitCodes } from '../api/client.js';

export type VisitCodeFetch = () => Promise<{ ok: true; body: VisitCodeTable } | { ok: false }>;

export class VisitCodeCache {
  private table: VisitCodeTable | undefined;
  private inFlight: Promise<VisitCodeTable | undefined> | undefined;

  constructor(
    private readonly fetchCodes: VisitCodeFetch = getVisitCodes,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The cached table when it is today's (no request). */
  get current(): VisitCodeTable | undefined {
    return this.table !== undefined && this.table.date === vietnamDay(this.now()) ? this.table : undefined;
  }

  /** Today's table: the cached one, else one request (shared by concurrent callers); undefined when it failed. */
  load(): Promise<VisitCodeTable | undefined> {
    const cached = this.current;
    if (cached) return Promise.resolve(cached);
    this.inFlight ??= this.fetchCodes()
      .then((res) => {
        if (res.ok) this.table = res.body;
        return res.ok ? res.body : undefined;
      })
      .catch(() => undefined)
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Signed out: forget the table (the next operator's session fetches it again). */
  clear(): void {
    this.table = undefined;
  }
}
