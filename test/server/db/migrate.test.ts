import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { currentSchemaVersion, migrate, type Migration } from '../../../server/db/migrate.js';

const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
  { version: 2, name: 'b', sql: 'CREATE TABLE b (y INTEGER);' },
];

const dirs: string[] = [];
const open: Database[] = [];
async function freshDb(): Promise<Database> {
  const d = mkdtempSync(join(tmpdir(), 'migrate-'));
  dirs.push(d);
  const db = await openDatabase(join(d, 't.sqlite'));
  open.push(db);
  return db;
}
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('migrate', () => {
  it('applies what is missing, in order, once', async () => {
    const db = await freshDb();
    expect(await migrate(db, MIGRATIONS.slice(0, 1), 1)).toEqual([1]);
    expect(await migrate(db, MIGRATIONS, 2)).toEqual([2]);
    expect(await migrate(db, MIGRATIONS, 3)).toEqual([]);
    expect(await currentSchemaVersion(db)).toBe(2);
    await expect(migrate(db, [MIGRATIONS[1]!], 4)).rejects.toThrow(/numbered/);
  });

  it('with adoptUserVersion, records the versions a PRAGMA user_version database already has instead of re-running them', async () => {
    const db = await freshDb();
    await db.exec('CREATE TABLE a (x INTEGER); PRAGMA user_version = 1;');
    expect(await migrate(db, MIGRATIONS, 5, { adoptUserVersion: true })).toEqual([2]);
    expect(await db.all('SELECT version, name, applied_at FROM schema_version ORDER BY version')).toEqual([
      { version: 1, name: 'a', applied_at: 5 },
      { version: 2, name: 'b', applied_at: 5 },
    ]);
    // Once adopted, user_version no longer counts.
    expect(await migrate(db, MIGRATIONS, 6, { adoptUserVersion: true })).toEqual([]);
  });

  it('refuses a user_version newer than the migrations it knows, changing nothing', async () => {
    const db = await freshDb();
    await db.exec('PRAGMA user_version = 7;');
    await expect(migrate(db, MIGRATIONS, 1, { adoptUserVersion: true })).rejects.toThrow(/newer/);
    expect(await currentSchemaVersion(db)).toBe(0);
  });
});
