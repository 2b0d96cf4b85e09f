import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

const visit = (n: number) => ({
  id: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  facility: '12001',
  desk_id: 'desk-1',
  operator: 'a',
  operator_name: 'A',
  operator_cccd: null,
  recorded_at: 1000 + n,
  checked_at: 'x',
  visit_type: '01',
  verdict: 'accepted' as const,
  code: 'OK',
  reason_codes: '["OK"]',
  review_note: null,
  source: 'signed',
  card_key: `card:${n}`,
  card_number: null,
  ma_so_bhxh: null,
  card_json: null,
  issuer: null,
  key_id: null,
  rid: null,
  demo: 0,
  qr_text: 'q',
});

async function log(n: number) {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-verify-'));
  ({ db } = await openKioskDatabase(dir, 0));
  const writer = new VisitWriter(db);
  await writer.init();
  for (let i = 1; i <= n; i++) await writer.record(visit(i));
  return { db, writer };
}

describe('verifyChain', () => {
  it('an empty log is intact at the genesis hash; a written one at the writer head', async () => {
    const empty = await log(0);
    expect(await verifyChain(empty.db)).toEqual({ intact: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
    await empty.db.close();
    db = undefined;
    const { db: d, writer } = await log(3);
    expect(await verifyChain(d)).toEqual({ intact: true, count: 3, headSeq: 3, headHash: writer.head.hash });
  });

  it('a sync record whose visit is gone, and removed append-only triggers, are breaks', async () => {
    const { db: d } = await log(2);
    await d.exec('DROP TRIGGER visits_no_delete');
    expect(await verifyChain(d)).toMatchObject({ intact: false, problem: 'TRIGGERS_MISSING' });
    await d.exec('PRAGMA foreign_keys = OFF; DELETE FROM visits WHERE seq = 2; PRAGMA foreign_keys = ON');
    expect(await verifyChain(d)).toMatchObject({ intact: false, firstBrokenSeq: 2, problem: 'OUTBOX_ORPHAN' });
  });
});
