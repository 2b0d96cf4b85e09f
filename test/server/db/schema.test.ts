import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

function content(n: number) {
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
  };
}

describe('kiosk schema', () => {
  it('triggers refuse UPDATE and DELETE of visits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-visits-'));
    ({ db } = await openKioskDatabase(dir, 0));
    const repo = new VisitWriter(db);
    await repo.init();
    await db.transaction((tx) => repo.insert(tx, content(1)));
    await expect(db.run("UPDATE visits SET verdict = 'rejected'")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM visits')).rejects.toThrow(/append-only/);
  });
});
