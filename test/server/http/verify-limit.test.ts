import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { AddressBuckets, ANONYMOUS_VERIFY_RULE } from '../../../server/http/verify-limit.js';

describe('AddressBuckets', () => {
  it('30 at once per address, then one every 2 s; other addresses are not affected', () => {
    const clock = fixedClock(0);
    const b = new AddressBuckets(clock);
    expect(ANONYMOUS_VERIFY_RULE).toEqual({ capacity: 30, refillPerSec: 0.5 });
    for (let i = 0; i < 30; i++) expect(b.take('10.0.0.9')).toBe(0);
    expect(b.take('10.0.0.9')).toBe(2000);
    expect(b.take('10.0.0.8')).toBe(0);
    clock.advance(1000);
    expect(b.take('10.0.0.9')).toBe(1000);
    clock.advance(1000);
    expect(b.take('10.0.0.9')).toBe(0);
    expect(b.take('10.0.0.9')).toBe(2000);
    clock.advance(3600_000);
    for (let i = 0; i < 30; i++) expect(b.take('10.0.0.9')).toBe(0); // refilled to capacity, never beyond
    expect(b.take('10.0.0.9')).toBeGreaterThan(0);
  });

  it('stays bounded under a flood of addresses; a new address always gets its first request', () => {
    const clock = fixedClock(0);
    const b = new AddressBuckets(clock, { capacity: 2, refillPerSec: 1 }, 100);
    for (let i = 0; i < 1000; i++) {
      expect(b.take(`10.1.${i >> 8}.${i & 255}`)).toBe(0);
      expect(b.size).toBeLessThanOrEqual(100);
      if (i % 10 === 0) clock.advance(1000); // older buckets refill: pruned first
    }
  });
});
