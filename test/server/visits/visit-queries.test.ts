import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { VisitQueries } from '../../../server/visits/visit-queries.js';
import { VISIT_COLUMNS } from '../../../server/visits/visit-record.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';
import { visitContent } from '../../helpers/visit-content.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-24T17:00:00Z'); // midnight, 25 Nov in Vietnam
let db: Database;
let dir: string;
let q: VisitQueries;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-queries-'));
  ({ db } = await openKioskDatabase(dir, 0));
  const writer = new VisitWriter(db);
  await writer.init();
  const rows: Array<[string, 'accepted' | 'needs_review' | 'rejected', number, string[]]> = [
    ['desk-1', 'accepted', T0 + 1, ['OK']],
    ['desk-2', 'rejected', T0 + 2, ['CARD_EXPIRED']],
    ['desk-1', 'rejected', T0 + DAY + 3, ['CARD_EXPIRED', 'SIGNATURE_INVALID']],
    ['desk-1', 'needs_review', T0 + DAY + 4, ['TRUST_STALE']],
  ];
  for (const [i, [desk, verdict, at, codes]] of rows.entries()) {
    await writer.record(
      visitContent(i + 1, {
        desk_id: desk,
        operator: i % 2 ? 'b' : 'a',
        operator_name: 'X',
        recorded_at: at,
        verdict,
        code: codes[0]!,
        reason_codes: JSON.stringify(codes),
        card_key: `card:${i}`,
        card_number: `DN41212000000${i}`,
      }),
    );
  }
  q = new VisitQueries(db);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('VisitQueries', () => {
  it('recent visits of a desk and one visit by seq, as stored visits (the columns, nothing else)', async () => {
    expect((await q.recentAtDesk('12001', 'desk-1', 2)).map((v) => v.seq)).toEqual([4, 3]);
    const one = await q.bySeq(2);
    expect(Object.keys(one!)).toEqual([...VISIT_COLUMNS]);
    expect(one).toMatchObject({ seq: 2, desk_id: 'desk-2', verdict: 'rejected' });
    expect(await q.bySeq(99)).toBeUndefined();
  });

  it('searches newest first with filters and keyset pages', async () => {
    expect((await q.search({}, { limit: 10 })).map((v) => v.seq)).toEqual([4, 3, 2, 1]);
    expect((await q.search({}, { limit: 2, beforeSeq: 3 })).map((v) => v.seq)).toEqual([2, 1]);
    expect((await q.search({ reasonCode: 'CARD_EXPIRED', desk: 'desk-1' }, { limit: 10 })).map((v) => v.seq)).toEqual([3]);
    expect((await q.search({ fromMs: T0 + DAY, operator: 'b' }, { limit: 10 })).map((v) => v.seq)).toEqual([4]);
    expect((await q.search({ cardNumber: 'DN412120000000', verdict: 'accepted' }, { limit: 10 })).map((v) => v.seq)).toEqual([1]);
  });

  it('counts per Vietnam day and verdict, and the top reject reasons', async () => {
    expect(await q.countsPerDay({})).toEqual([
      { day: '2026-11-25', verdict: 'accepted', n: 1 },
      { day: '2026-11-25', verdict: 'rejected', n: 1 },
      { day: '2026-11-26', verdict: 'needs_review', n: 1 },
      { day: '2026-11-26', verdict: 'rejected', n: 1 },
    ]);
    expect(await q.topRejectReasons({}, 5)).toEqual([
      { code: 'CARD_EXPIRED', n: 2 },
      { code: 'SIGNATURE_INVALID', n: 1 },
    ]);
  });

  it('records and lists the auditors’ reads, newest first', async () => {
    await q.recordAuditRead('kiem-tra', 'visits', { limit: 5 }, T0);
    await q.recordAuditRead('kiem-tra', 'summary', {}, T0 + 1);
    expect(await q.auditReads(10)).toEqual([
      { id: 2, at: T0 + 1, username: 'kiem-tra', endpoint: 'summary', filter: '{}' },
      { id: 1, at: T0, username: 'kiem-tra', endpoint: 'visits', filter: '{"limit":5}' },
    ]);
  });
});
