import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { VisitRepository, type VisitRecordedEvent } from '../../../server/visits/visit-repo.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

function content(n: number, verdict: 'accepted' | 'rejected' = 'accepted') {
  return {
    id: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    facility: '12001',
    desk_id: 'desk-1',
    operator: 'a',
    operator_name: 'A',
    operator_cccd: null,
    recorded_at: 1000 + n,
    checked_at: 'x',
    visit_type: '01',
    verdict,
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
  };
}

describe('VisitRepository', () => {
  it('appends with an outbox row (not for rejected), advances the head after commit, notifies listeners', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-visits-'));
    ({ db } = await openKioskDatabase(dir, 0));
    const repo = new VisitRepository(db);
    await repo.init();
    const events: VisitRecordedEvent[] = [];
    const seen = new Promise<void>((resolve) => repo.onVisitRecorded((e) => (events.push(e), events.length === 2 && resolve())));
    await db.transaction((tx) => repo.insert(tx, content(1)));
    await expect(
      db.transaction(async (tx) => {
        await repo.insert(tx, content(2));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow();
    expect(repo.head.seq).toBe(1);
    await db.transaction((tx) => repo.insert(tx, content(3, 'rejected')));
    await seen;
    expect(events.map((e) => [e.seq, e.outbox])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await db.all('SELECT visit_seq, state FROM sync_outbox')).toEqual([{ visit_seq: 1, state: 'pending' }]);
    expect(await repo.verifyChain()).toMatchObject({ intact: true, count: 2, headSeq: 2 });
    // A restarted service reads the head back.
    const again = new VisitRepository(db);
    await again.init();
    expect(again.head).toEqual(repo.head);
  });

  it('triggers refuse UPDATE and DELETE of visits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-visits-'));
    ({ db } = await openKioskDatabase(dir, 0));
    const repo = new VisitRepository(db);
    await repo.init();
    await db.transaction((tx) => repo.insert(tx, content(1)));
    await expect(db.run("UPDATE visits SET verdict = 'rejected'")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM visits')).rejects.toThrow(/append-only/);
  });
});
