import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { VISIT_COLUMNS, VISIT_SELECT, visitFromRow, visitValues, type VisitRow } from '../../../server/visits/visit-record.js';

describe('the visit column list', () => {
  it('is the visits table, column for column and in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-cols-'));
    const { db } = await openKioskDatabase(dir, 0);
    try {
      const cols = await db.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', ['visits']);
      expect(cols.map((c) => c.name)).toEqual([...VISIT_COLUMNS]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the SELECT list, the bound values and the read mapping the same order; a read row keeps only the columns', () => {
    const row = Object.fromEntries(VISIT_COLUMNS.map((c, i) => [c, c === 'operator_cccd' ? null : i])) as unknown as VisitRow;
    expect(VISIT_SELECT.split(', ')).toEqual(VISIT_COLUMNS.map((c) => `v.${c}`));
    expect(visitValues(row)).toEqual(VISIT_COLUMNS.map((c) => row[c]));
    const read = visitFromRow({ ...row, has_outbox: 1 });
    expect(read).toEqual(row);
    expect(Object.keys(read)).toEqual([...VISIT_COLUMNS]);
  });
});
