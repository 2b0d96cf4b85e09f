import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteVisitStore, STORE_DB_FILE, STORE_MIGRATIONS } from '../../../server/history-store/sqlite-visit-store.js';
import { validateItem } from '../../../server/history-store/validate-visit.js';
import type { PreparedVisit } from '../../../server/history-store/visit-store.js';
import { MAX_BATCH_ITEMS } from '../../../server/wire/history-store.js';
import { NOW, visit } from './fixtures.js';

let store: SqliteVisitStore;
beforeEach(async () => {
  store = await SqliteVisitStore.open(mkdtempSync(join(tmpdir(), 'visit-store-')));
});
afterEach(async () => {
  await store.close();
});

function prepare(raws: Record<string, unknown>[]): PreparedVisit[] {
  return raws.map((raw, index) => {
    const c = validateItem(raw, '12001', NOW);
    if (!c.ok) throw new Error(c.code);
    return { index, visit: c.visit, contentHash: c.contentHash, checkedInMs: c.checkedInMs };
  });
}

describe('SqliteVisitStore.storeBatch', () => {
  it('stores a full batch with every field intact, in one go', async () => {
    const raws = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) =>
      visit({
        checkedInAt: new Date(Date.parse('2025-12-31T16:59:00.000Z') + i * 1000).toISOString(),
        ...(i % 2 ? { cardNumber: undefined } : {}),
      }),
    );
    const results = await store.storeBatch(prepare(raws), NOW);
    expect(results.map((r) => r.status)).toEqual(raws.map(() => 'stored'));
    expect(results.map((r) => r.index)).toEqual(raws.map((_, i) => i));
    expect(await store.count()).toBe(MAX_BATCH_ITEMS);
    const held = await store.facilityVisits({ facility: '12001', limit: 1000 });
    expect(held).toHaveLength(MAX_BATCH_ITEMS);
    expect(held[0]).toEqual({
      id: raws[0]!.id,
      facility: '12001',
      maSoBhxh: '0123456789',
      cardNumber: 'HS4010123456789',
      visitType: '01',
      checkedInAt: '2025-12-31T16:59:00.000Z',
      checkedInMs: Date.parse('2025-12-31T16:59:00.000Z'),
      verdict: 'accepted',
      source: 'signed',
      receivedAt: NOW,
    });
    expect(held[1]!.cardNumber).toBeUndefined();
    // 17:00Z on 31 December is already the next year in Vietnam.
    expect((await store.patientBook('0123456789', 2025, undefined)).length).toBe(60);
    expect((await store.patientBook('0123456789', 2026, undefined)).length).toBe(MAX_BATCH_ITEMS - 60);
  });

  it('answers duplicates and conflicts against held visits and within the batch itself', async () => {
    const [a, b] = [visit(), visit()];
    await store.storeBatch(prepare([a]), NOW);
    const c = visit();
    const results = await store.storeBatch(prepare([a, { ...a, visitType: '02' }, b, b, { ...b, verdict: 'needs_review' }, c]), NOW + 1);
    expect(results.map((r) => [r.index, r.status, r.code])).toEqual([
      [0, 'duplicate', undefined],
      [1, 'conflict', 'ID_CONFLICT'],
      [2, 'stored', undefined],
      [3, 'duplicate', undefined],
      [4, 'conflict', 'ID_CONFLICT'],
      [5, 'stored', undefined],
    ]);
    expect(await store.count()).toBe(3);
  });
});

describe('SqliteVisitStore.open', () => {
  /** A store database exactly as the store wrote it before it used server/db/migrate.ts: PRAGMA user_version. */
  async function legacyDatabase(dir: string, ...rows: string[]): Promise<void> {
    const legacyMigration = `CREATE TABLE visits (
       recv_seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, facility TEXT NOT NULL, ma_so_bhxh TEXT NOT NULL,
       card_number TEXT, visit_type TEXT NOT NULL, checked_in_at TEXT NOT NULL, checked_in_ms INTEGER NOT NULL,
       vn_year INTEGER NOT NULL, verdict TEXT NOT NULL, source TEXT NOT NULL, content_hash TEXT NOT NULL, received_at INTEGER NOT NULL);
     CREATE INDEX visits_patient_year ON visits (ma_so_bhxh, vn_year, checked_in_ms);
     CREATE INDEX visits_facility_time ON visits (facility, checked_in_ms, id);`;
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(join(dir, STORE_DB_FILE), (err) => (err ? reject(err) : resolve(d)));
    });
    const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
    await exec('PRAGMA journal_mode = WAL;');
    await exec(`BEGIN IMMEDIATE; ${legacyMigration} PRAGMA user_version = 1; COMMIT;`);
    for (const r of rows) await exec(r);
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }

  it('opens a database of the old user_version scheme: adopts it, keeps its visits, runs nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visit-store-legacy-'));
    await legacyDatabase(
      dir,
      `INSERT INTO visits (id, facility, ma_so_bhxh, card_number, visit_type, checked_in_at, checked_in_ms, vn_year, verdict, source, content_hash, received_at)
       VALUES ('old-1', '12001', '0123456789', NULL, '01', '2026-11-25T02:00:00.000Z', ${Date.parse('2026-11-25T02:00:00Z')}, 2026, 'accepted', 'signed', 'h', 1)`,
    );
    const old = await SqliteVisitStore.open(dir, NOW);
    try {
      expect(await old.count()).toBe(1);
      expect((await old.patientBook('0123456789', 2026, undefined)).map((b) => [b.id, b.date])).toEqual([['old-1', '2026-11-25']]);
      expect((await old.storeBatch(prepare([visit()]), NOW)).map((r) => r.status)).toEqual(['stored']);
      expect(await old.count()).toBe(2);
    } finally {
      await old.close();
    }
    const again = await SqliteVisitStore.open(dir, NOW + 1);
    try {
      expect(await again.count()).toBe(2);
    } finally {
      await again.close();
    }
    const versions = await new Promise<unknown[]>((resolve, reject) => {
      const db = new sqlite3.Database(join(dir, STORE_DB_FILE), sqlite3.OPEN_READONLY, (err) => {
        if (err) return reject(err);
        db.all('SELECT version, name, applied_at FROM schema_version', (e, r) => db.close(() => (e ? reject(e) : resolve(r))));
      });
    });
    expect(versions).toEqual([{ version: 1, name: STORE_MIGRATIONS[0]!.name, applied_at: NOW }]);
  });

  it('creates a new database file 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visit-store-new-'));
    const s = await SqliteVisitStore.open(dir, NOW);
    await s.close();
    expect(statSync(join(dir, STORE_DB_FILE)).mode & 0o777).toBe(0o600);
  });
});
