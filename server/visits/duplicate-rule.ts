/**
 * The duplicate-visit rule, in one place: a check-in is the same visit as an earlier one when the
 * same card (card_key) has a non-rejected visit at the same facility recorded at or after `since`
 * (the start of the duplicate window); the answer is the newest such visit.
 *
 * `RecentVisits` answers it from memory: an index of the log's recent non-rejected visits, loaded
 * from the table at start and fed every committed visit. That is exact only because this process
 * is the log's only writer, which the service enforces with the data-folder lock
 * (server/db/data-dir-lock.ts). The index holds every non-rejected visit recorded at or after
 * `coveredFrom` (the newest visit's time minus the window and a slack); a question about an
 * older `since` (the clock went back by more than the slack) is answered by the same predicate
 * in SQL, `DUPLICATE_SQL`. Every write path (lone, grouped, inside a transaction) and the
 * needs-review lookup ask through the writer's one method, so they cannot disagree.
 */
import { VISIT_SELECT, type VisitRow } from './visit-record.js';

/** The rule as SQL (the visits_card_window index answers it): facility, card_key, since. */
export const DUPLICATE_SQL = `SELECT ${VISIT_SELECT} FROM visits v
 WHERE v.facility = ? AND v.card_key = ? AND v.recorded_at >= ? AND v.verdict != 'rejected'
 ORDER BY v.seq DESC LIMIT 1`;

/** Kept beyond the duplicate window: check-ins committed out of their clock order, small clock steps. */
export const SLACK_MS = 10 * 60_000;

/** `since` is older than what the index holds: ask the table (DUPLICATE_SQL). */
export const NOT_COVERED = Symbol('not covered');

const keyOf = (facility: string, cardKey: string) => `${facility}\u0000${cardKey}`;

/** The columns the index needs (also what init() loads from the table). */
export type RecentVisit = Pick<VisitRow, 'seq' | 'facility' | 'card_key' | 'recorded_at' | 'verdict'>;

export class RecentVisits {
  readonly #keepMs: number;
  /** Per facility + card: its indexed visits, ascending seq (almost always one). */
  #byCard = new Map<string, Array<{ seq: number; at: number }>>();
  #newestAt = Number.NEGATIVE_INFINITY;
  #coveredFrom = Number.NEGATIVE_INFINITY;
  #size = 0;
  #addedSincePrune = 0;

  /** `windowMs`: the longest duplicate window asked about. */
  constructor(windowMs: number) {
    this.#keepMs = windowMs + SLACK_MS;
  }

  /** The window the table must be loaded with: visits recorded at or after (newest − this). */
  get keepMs(): number {
    return this.#keepMs;
  }

  /** Starts over from the table's recent visits (`newestAt`: the newest visit's time, any verdict). */
  load(visits: Iterable<RecentVisit>, newestAt: number | null): void {
    this.#byCard.clear();
    this.#size = 0;
    this.#addedSincePrune = 0;
    this.#newestAt = newestAt ?? Number.NEGATIVE_INFINITY;
    this.#coveredFrom = this.#newestAt - this.#keepMs;
    this.add(visits);
  }

  /**
   * The seq of the newest non-rejected visit of this card at this facility recorded at or after
   * `since`; undefined when there is none; NOT_COVERED when `since` is older than the index.
   */
  find(facility: string, cardKey: string, since: number): number | undefined | typeof NOT_COVERED {
    if (since < this.#coveredFrom) return NOT_COVERED;
    const list = this.#byCard.get(keyOf(facility, cardKey));
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.at >= since) return list[i]!.seq;
    return undefined;
  }

  /** Committed visits (in seq order); rejected attempts are not indexed (they never count). */
  add(visits: Iterable<RecentVisit>): void {
    for (const v of visits) {
      if (v.recorded_at > this.#newestAt) this.#newestAt = v.recorded_at;
      if (v.verdict === 'rejected') continue;
      const key = keyOf(v.facility, v.card_key);
      const list = this.#byCard.get(key);
      if (list) list.push({ seq: v.seq, at: v.recorded_at });
      else this.#byCard.set(key, [{ seq: v.seq, at: v.recorded_at }]);
      this.#size++;
      this.#addedSincePrune++;
    }
    this.#coveredFrom = Math.max(this.#coveredFrom, this.#newestAt - this.#keepMs);
    // Amortised: a sweep costs the index's size and runs once that many visits were added.
    if (this.#addedSincePrune >= Math.max(1024, this.#size / 2)) this.#prune();
  }

  /** Number of indexed visits (tests). */
  get size(): number {
    return this.#size;
  }

  /** Drops visits recorded before coveredFrom: no question the index answers can match them. */
  #prune(): void {
    const cutoff = this.#coveredFrom;
    for (const [key, list] of this.#byCard) {
      if (list.every((e) => e.at >= cutoff)) continue; // the usual case: nothing to drop, nothing allocated
      const kept = list.filter((e) => e.at >= cutoff);
      this.#size -= list.length - kept.length;
      if (kept.length === 0) this.#byCard.delete(key);
      else this.#byCard.set(key, kept);
    }
    this.#addedSincePrune = 0;
  }
}
