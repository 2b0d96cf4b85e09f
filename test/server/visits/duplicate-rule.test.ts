import { describe, expect, it } from 'vitest';
import { NOT_COVERED, RecentVisits, SLACK_MS, type RecentVisit } from '../../../server/visits/duplicate-rule.js';

const v = (seq: number, card: string, at: number, verdict: RecentVisit['verdict'] = 'accepted'): RecentVisit => ({
  seq,
  facility: '12001',
  card_key: card,
  recorded_at: at,
  verdict,
});

describe('RecentVisits (the duplicate rule in memory)', () => {
  it('answers the newest non-rejected visit of the card at the facility at or after `since`', () => {
    const r = new RecentVisits(600_000);
    r.load([], null);
    r.add([v(1, 'A', 1_000), v(2, 'A', 5_000, 'rejected'), v(3, 'B', 2_000)]);
    expect(r.find('12001', 'A', 0)).toBe(1);
    expect(r.find('12001', 'A', 1_001)).toBeUndefined(); // the rejected attempt never counts
    expect(r.find('99999', 'A', 0)).toBeUndefined();
    // Out of clock order: the newest visit recorded within the window, as the SQL rule answers.
    r.add([v(4, 'C', 9_000), v(5, 'C', 3_000)]);
    expect(r.find('12001', 'C', 0)).toBe(5);
    expect(r.find('12001', 'C', 4_000)).toBe(4);
  });

  it('says when `since` is older than what it holds, and forgets only what no covered question can match', () => {
    const window = 600_000;
    const r = new RecentVisits(window);
    r.load([v(1, 'OLD', 0)], 0);
    expect(r.find('12001', 'OLD', -window)).toBe(1);
    // Thousands of later visits move the window on and let the index sweep.
    const later = Array.from({ length: 3000 }, (_, i) => v(2 + i, `N${i}`, 10 * window + i));
    r.add(later);
    expect(r.find('12001', 'OLD', -window)).toBe(NOT_COVERED);
    expect(r.find('12001', 'N0', 10 * window - window)).toBe(2);
    expect(r.find('12001', 'N0', 10 * window - window - SLACK_MS - 3000)).toBe(NOT_COVERED);
    expect(r.size).toBe(3000);
  });
});
