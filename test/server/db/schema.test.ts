import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';
import { visitContent } from '../../helpers/visit-content.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

describe('kiosk schema', () => {
  it('triggers refuse UPDATE and DELETE of visits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiosk-visits-'));
    ({ db } = await openKioskDatabase(dir, 0));
    const repo = new VisitWriter(db);
    await repo.init();
    await db.transaction((tx) => repo.insert(tx, visitContent(1)));
    await expect(db.run("UPDATE visits SET verdict = 'rejected'")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM visits')).rejects.toThrow(/append-only/);
  });
});
