import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { AppError } from '../../../server/errors.js';
import { AuditService, type AuditServiceDeps } from '../../../server/audit/audit-service.js';
import { parseFilter, SUMMARY_PARAMS, type ParsedFilter } from '../../../server/audit/filters.js';
import type { SyncState } from '../../../server/sync/outbox-repo.js';
import type { VisitRow } from '../../../server/visits/visit-record.js';

const NOW = Date.parse('2026-11-25T03:00:00Z'); // 10:00 in Vietnam

function world(opts: { rows?: number } = {}) {
  const log: string[] = [];
  const reads: Array<{ username: string; endpoint: string; filter: unknown; at: number }> = [];
  const rows = Array.from({ length: opts.rows ?? 0 }, (_, i) => ({ seq: i + 1, id: `v${i + 1}` }) as VisitRow).reverse();
  const parked: SyncState[] = [1, 2, 3].map((seq) => ({
    visitSeq: seq,
    visitId: `v${seq}`,
    state: 'parked',
    attempts: 1,
    lastError: null,
    nextAttemptAt: null,
    sentAt: null,
    parkedReason: 'CONFLICT',
  }));
  const deps: AuditServiceDeps = {
    clock: fixedClock(NOW),
    visits: {
      search: (_f, page) => {
        log.push('search');
        const from = page.beforeSeq === undefined ? rows : rows.filter((r) => r.seq < page.beforeSeq!);
        return Promise.resolve(from.slice(0, page.limit));
      },
      countsPerDay: () => {
        log.push('counts');
        return Promise.resolve([
          { day: '2026-11-24', verdict: 'accepted', n: 3 },
          { day: '2026-11-25', verdict: 'rejected', n: 2 },
          { day: '2026-11-25', verdict: 'needs_review', n: 1 },
        ]);
      },
      topRejectReasons: (_f, limit) => Promise.resolve([{ code: 'CARD_EXPIRED', n: 2 }].slice(0, limit)),
      operatorNames: () => Promise.resolve([]),
      patientNames: () => Promise.resolve([]),
      recordAuditRead: (username, endpoint, filter, at) => {
        log.push(`record:${endpoint}`);
        reads.push({ username, endpoint, filter, at });
        return Promise.resolve();
      },
      auditReads: () =>
        Promise.resolve([
          { id: 2, at: NOW, username: 'kiem-toan', endpoint: 'reads', filter: '{"limit":5}' },
          { id: 1, at: NOW, username: 'kiem-toan', endpoint: 'visits', filter: 'not json' },
        ]),
    },
    verifyChain: () => {
      log.push('verify');
      return Promise.resolve({ intact: false, count: 4, headSeq: 4, headHash: 'ab', firstBrokenSeq: 3, problem: 'HASH_MISMATCH' as never });
    },
    sync: {
      statesFor: (ids) => Promise.resolve(new Map(parked.filter((p) => ids.includes(p.visitId)).map((p) => [p.visitId, p]))),
      parked: (o) => Promise.resolve(parked.filter((p) => o.afterSeq === undefined || p.visitSeq > o.afterSeq).slice(0, o.limit)),
    },
  };
  return { audit: new AuditService(deps), log, reads };
}

const filter = (q: Record<string, string> = {}): ParsedFilter => parseFilter(q, SUMMARY_PARAMS);

async function codeOf(p: Promise<unknown>): Promise<[string, unknown, unknown]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  return [e.code, e.extra?.field, e.extra?.param];
}

describe('AuditService.summary', () => {
  it('defaults to the last 30 Vietnam days including today, every day listed, zeros included', async () => {
    const { audit, reads } = world();
    const s = await audit.summary('kiem-toan', { parsed: filter(), top: 10 });
    expect([s.from, s.to]).toEqual(['2026-10-27', '2026-11-25']);
    expect(s.days).toHaveLength(30);
    expect(s.days.at(-2)).toEqual({ day: '2026-11-24', accepted: 3, needs_review: 0, rejected: 0, total: 3 });
    expect(s.days.at(-1)).toEqual({ day: '2026-11-25', accepted: 0, needs_review: 1, rejected: 2, total: 3 });
    expect(s.totals).toEqual({ accepted: 3, needs_review: 1, rejected: 2, total: 6 });
    expect(s.topRejectReasons).toEqual([{ code: 'CARD_EXPIRED', count: 2 }]);
    expect(reads).toEqual([
      { username: 'kiem-toan', endpoint: 'summary', filter: { from: '2026-10-27', to: '2026-11-25', top: 10 }, at: NOW },
    ]);
  });

  it('a given `to` ends the default range; more than 366 days or from after to are refused, naming `from`', async () => {
    const { audit, reads } = world();
    const s = await audit.summary('kiem-toan', { parsed: filter({ to: '2026-01-31' }), top: 5 });
    expect([s.from, s.to, s.days.length]).toEqual(['2026-01-02', '2026-01-31', 30]);
    expect(await codeOf(audit.summary('kiem-toan', { parsed: filter({ from: '2024-01-01', to: '2026-01-01' }), top: 5 }))).toEqual([
      'DATE_RANGE_TOO_LARGE',
      'from',
      'from',
    ]);
    expect(await codeOf(audit.summary('kiem-toan', { parsed: filter({ from: '2026-12-01' }), top: 5 }))).toEqual([
      'DATE_RANGE_INVALID',
      'from',
      'from',
    ]);
    // A refused summary records no read.
    expect(reads).toHaveLength(1);
  });
});

describe('AuditService reads', () => {
  it('records every read before the data is read', async () => {
    const { audit, log } = world({ rows: 3 });
    await audit.listVisits('kiem-toan', { parsed: filter(), limit: 2, beforeSeq: undefined });
    await audit.integrity('kiem-toan');
    await audit.parked('kiem-toan', { limit: 2, afterSeq: undefined });
    await audit.reads('kiem-toan', 5);
    const { batches } = await audit.exportVisits('kiem-toan', filter());
    for await (const _ of batches(() => false));
    expect(log).toEqual([
      'record:visits',
      'search',
      'record:integrity',
      'verify',
      'record:sync/parked',
      'record:reads',
      'record:visits.csv',
      'search',
    ]);
  });

  it('pages lists by keyset: one extra row says whether there is a next page', async () => {
    const { audit } = world({ rows: 3 });
    const first = await audit.listVisits('kiem-toan', { parsed: filter(), limit: 2, beforeSeq: undefined });
    expect(first.items.map((x) => [x.row.seq, x.sync?.state])).toEqual([
      [3, 'parked'],
      [2, 'parked'],
    ]);
    expect(first.nextCursor).toBe(Buffer.from('v1:2').toString('base64url'));
    const last = await audit.listVisits('kiem-toan', { parsed: filter(), limit: 2, beforeSeq: 2 });
    expect([last.items.map((x) => x.row.seq), last.nextCursor]).toEqual([[1], null]);
    const parked = await audit.parked('kiem-toan', { limit: 2, afterSeq: undefined });
    expect([parked.items.map((p) => p.visitSeq), parked.nextCursor]).toEqual([[1, 2], Buffer.from('v1:2').toString('base64url')]);
  });

  it('the integrity view and the read trail', async () => {
    const { audit } = world();
    expect(await audit.integrity('kiem-toan')).toEqual({
      intact: false,
      count: 4,
      headSeq: 4,
      headHash: 'ab',
      checkedAt: new Date(NOW).toISOString(),
      firstBrokenSeq: 3,
      problem: 'HASH_MISMATCH',
    });
    expect(await audit.reads('kiem-toan', 5)).toEqual([
      { id: 2, at: new Date(NOW).toISOString(), username: 'kiem-toan', endpoint: 'reads', filter: { limit: 5 } },
      { id: 1, at: new Date(NOW).toISOString(), username: 'kiem-toan', endpoint: 'visits', filter: null },
    ]);
  });

  it('the CSV export stops reading when the client is gone', async () => {
    const { audit, log } = world({ rows: 600 });
    const { stamp, batches } = await audit.exportVisits('kiem-toan', filter());
    expect(stamp).toBe('2026-11-25');
    const sizes: number[] = [];
    for await (const rows of batches(() => sizes.length === 2)) sizes.push(rows.length);
    expect(sizes).toEqual([250, 250]);
    expect(log.filter((x) => x === 'search')).toHaveLength(2);
  });
});
