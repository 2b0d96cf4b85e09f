import { describe, expect, it } from 'vitest';
import { VisitCodeCache, type VisitCodeFetch } from '../../../kiosk-ui/check-in/visit-codes-cache.js';
import type { VisitCodeTable } from '../../../server/wire/check-in-report.js';

const table = (date: string): VisitCodeTable => ({ date, categories: [], types: [], defaultType: '01' });

function fake(answers: Array<VisitCodeTable | 'fail'>) {
  let calls = 0;
  const fetchCodes: VisitCodeFetch = async () => {
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    return a === 'fail' ? { ok: false } : { ok: true, body: a };
  };
  return { fetchCodes, calls: () => calls };
}

describe('VisitCodeCache', () => {
  it('asks once per Vietnam day, concurrent callers sharing the request', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z'); // 17:00 in Hà Nội
    const f = fake([table('2026-12-01'), table('2026-12-02')]);
    const cache = new VisitCodeCache(f.fetchCodes, () => now);
    const [a, b] = await Promise.all([cache.load(), cache.load()]);
    expect(a?.date).toBe('2026-12-01');
    expect(b).toBe(a);
    expect(await cache.load()).toBe(a);
    expect(f.calls()).toBe(1);
    now = Date.parse('2026-12-01T17:00:00Z'); // midnight in Hà Nội
    expect(cache.current).toBeUndefined();
    expect((await cache.load())?.date).toBe('2026-12-02');
    expect(f.calls()).toBe(2);
  });

  it('keeps no failure: undefined now, asked again next time; forgets on sign-out', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const f = fake(['fail', table('2026-12-01')]);
    const cache = new VisitCodeCache(f.fetchCodes, () => now);
    expect(await cache.load()).toBeUndefined();
    expect((await cache.load())?.date).toBe('2026-12-01');
    cache.clear();
    expect(cache.current).toBeUndefined();
  });
});
