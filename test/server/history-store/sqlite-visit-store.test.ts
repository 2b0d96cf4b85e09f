import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteVisitStore, STORE_DB_FILE, STORE_MIGRATIONS } from '../../../server/history-store/sqlite-visit-store.js';
import { NOW, prepare, visit } from './fixtures.js';

// What both backends must do alike is in visit-store.test.ts; this file is SQLite's own.

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
    // Version 1 adopted from user_version (not re-run), the later ones applied at the first open.
    expect(versions).toEqual(STORE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: NOW })));
  });

  it('creates a new database file 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visit-store-new-'));
    const s = await SqliteVisitStore.open(dir, NOW);
    await s.close();
    expect(statSync(join(dir, STORE_DB_FILE)).mode & 0o777).toBe(0o600);
  });
});
