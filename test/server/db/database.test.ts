import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CACHED_STATEMENTS, openDatabase, type Database } from '../../../server/db/database.js';
import { migrate } from '../../../server/db/migrate.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { KIOSK_MIGRATIONS } from '../../../server/db/schema.js';

const dirs: string[] = [];
const open: Database[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kiosk-db-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file 0600 (with -wal/-shm alike) in WAL mode with foreign keys and a busy timeout', async () => {
    const dir = join(tempDir(), 'nested');
    const { db, fresh } = await openKioskDatabase(dir, 0);
    open.push(db);
    expect(fresh).toBe(true);
    for (const f of ['kiosk.sqlite', 'kiosk.sqlite-wal', 'kiosk.sqlite-shm']) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect((await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))!.journal_mode).toBe('wal');
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys).toBe(1);
    expect((await db.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous).toBe(1); // NORMAL
    expect((await db.get<{ timeout: number }>('PRAGMA busy_timeout'))!.timeout).toBe(5000);
  });

  it('applies migrations once, recording schema_version; refuses a newer schema', async () => {
    const dir = tempDir();
    const a = await openKioskDatabase(dir, 1);
    await a.db.close();
    const b = await openKioskDatabase(dir, 2);
    open.push(b.db);
    expect(b.fresh).toBe(false);
    expect(await b.db.all('SELECT version, applied_at FROM schema_version')).toEqual(
      KIOSK_MIGRATIONS.map((m) => ({ version: m.version, applied_at: 1 })),
    );
    await b.db.run("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 3)");
    await expect(migrate(b.db, KIOSK_MIGRATIONS, 4)).rejects.toThrow(/newer/);
  });
});

describe('openDatabase readOnly', () => {
  it('reads what the writer committed, refuses to write, and needs an existing file', async () => {
    const file = join(tempDir(), 't.sqlite');
    const writer = await openDatabase(file);
    open.push(writer);
    await writer.exec('CREATE TABLE t (v INTEGER)');
    const reader = await openDatabase(file, { readOnly: true });
    open.push(reader);
    await writer.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES (1)');
    });
    expect(await reader.all('SELECT v FROM t')).toEqual([{ v: 1 }]);
    await expect(reader.run('INSERT INTO t (v) VALUES (2)')).rejects.toThrow(/readonly/i);
    await expect(openDatabase(join(tempDir(), 'missing.sqlite'), { readOnly: true })).rejects.toThrow(/no database/);
  });
});

describe('Database transactions', () => {
  it('serialises transactions on the one connection: no interleaving, no lost updates', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await db.exec('CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO c VALUES (1, 0);');
    await Promise.all(
      Array.from({ length: 40 }, () =>
        db.transaction(async (tx) => {
          const { n } = (await tx.get<{ n: number }>('SELECT n FROM c WHERE id = 1'))!;
          await new Promise((r) => setImmediate(r)); // give other requests every chance to interleave
          await tx.run('UPDATE c SET n = ? WHERE id = 1', [n + 1]);
        }),
      ),
    );
    expect((await db.get<{ n: number }>('SELECT n FROM c'))!.n).toBe(40);
  });

  it('rolls back on a throw, runs afterCommit hooks only on commit, and refuses nested use', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await db.exec('CREATE TABLE t (v TEXT)');
    const hooks: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (?)', ['lost']);
        tx.afterCommit(() => hooks.push('rolled back'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (?)', ['kept']);
      tx.afterCommit(() => hooks.push('committed'));
    });
    expect(await db.all('SELECT v FROM t')).toEqual([{ v: 'kept' }]);
    expect(hooks).toEqual(['committed']);
    await expect(db.transaction(async () => db.get('SELECT 1'))).rejects.toThrow(/nested/);
    // The queue keeps working after failures.
    expect(await db.get('SELECT count(*) AS n FROM t')).toEqual({ n: 1 });
  });

  it('reports SQL errors to the caller without poisoning the statement cache', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await expect(db.get('SELECT * FROM missing')).rejects.toThrow(/no such table/);
    await db.exec('CREATE TABLE missing (x INTEGER)');
    expect(await db.get('SELECT * FROM missing')).toBeUndefined();
  });
});

describe('Database statement cache', () => {
  it('is bounded: the least recently used idle statements are finalised, and re-prepared when used again', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await db.exec('CREATE TABLE t (v INTEGER)');
    const texts = Array.from({ length: MAX_CACHED_STATEMENTS + 20 }, (_, i) => `SELECT ${i} AS n, count(*) AS c FROM t`);
    for (const [i, sql] of texts.entries()) expect(await db.get(sql)).toEqual({ n: i, c: 0 });
    expect(db.cachedStatements).toBe(MAX_CACHED_STATEMENTS);
    // An evicted text still works (prepared again).
    expect(await db.get(texts[0]!)).toEqual({ n: 0, c: 0 });
    expect(db.cachedStatements).toBe(MAX_CACHED_STATEMENTS);
  });

  it('never finalises a statement in use: many texts at once inside one job', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await db.exec('CREATE TABLE t (v INTEGER)');
    const n = MAX_CACHED_STATEMENTS * 2;
    const out = await db.read((q) =>
      Promise.all(Array.from({ length: n }, (_, i) => q.get<{ n: number }>(`SELECT ${i} AS n FROM (SELECT 1)`))),
    );
    expect(out.map((r) => r?.n)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(db.cachedStatements).toBeLessThanOrEqual(MAX_CACHED_STATEMENTS);
    await db.close(); // waits for the evicted statements' finalisation
  });
});

describe('Database.autocommit', () => {
  it('runs a job without BEGIN: its statement commits alone; hooks run on success, are dropped on a throw', async () => {
    const db = await openDatabase(join(tempDir(), 't.sqlite'));
    open.push(db);
    await db.exec('CREATE TABLE t (v TEXT UNIQUE)');
    const hooks: string[] = [];
    await db.autocommit(async (q) => {
      await q.run('INSERT INTO t VALUES (?)', ['a']);
      q.afterCommit(() => hooks.push('a'));
    });
    await expect(
      db.autocommit(async (q) => {
        await q.run('INSERT INTO t VALUES (?)', ['a']); // UNIQUE: the statement fails, nothing written
        q.afterCommit(() => hooks.push('never'));
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    expect(hooks).toEqual(['a']);
    expect(await db.all('SELECT v FROM t')).toEqual([{ v: 'a' }]);
    await expect(db.autocommit(async () => db.get('SELECT 1'))).rejects.toThrow(/nested/);
  });
});
