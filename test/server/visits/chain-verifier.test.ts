import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';
import { visitContent } from '../../helpers/visit-content.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

async function log(n: number) {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-verify-'));
  ({ db } = await openKioskDatabase(dir, 0));
  const writer = new VisitWriter(db);
  await writer.init();
  for (let i = 1; i <= n; i++) await writer.record(visitContent(i));
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
