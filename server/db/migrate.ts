/**
 * Versioned schema migrations, applied at start inside one IMMEDIATE transaction so two
 * processes starting together (the service and the `user` CLI) cannot both apply one. A
 * database newer than this code is refused rather than used half-understood. The one runner of
 * both services' databases (the kiosk's visit log, the medical-history store).
 */
import { DatabaseError, type Database } from './database.js';

export interface Migration {
  /** 1, 2, 3 … in order, never reused. */
  version: number;
  name: string;
  sql: string;
}

export async function currentSchemaVersion(db: Database): Promise<number> {
  const t = await db.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!t || t.n === 0) return 0;
  const r = await db.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
  return r?.v ?? 0;
}

export interface MigrateOptions {
  /**
   * The database may come from the older scheme that counted applied migrations in
   * `PRAGMA user_version` (the medical-history store before it used this runner): with no
   * schema_version table yet, versions 1 … user_version are recorded as applied, not re-run.
   */
  adoptUserVersion?: boolean;
}

/** Applies the migrations not yet applied; returns the versions applied now. */
export async function migrate(db: Database, migrations: readonly Migration[], now: number, opts: MigrateOptions = {}): Promise<number[]> {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]!.version !== i + 1) throw new DatabaseError('migrations must be numbered 1, 2, 3 … without gaps');
  }
  return db.transaction(async (tx) => {
    const had = opts.adoptUserVersion
      ? await tx.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
      : undefined;
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    if (opts.adoptUserVersion && had?.n === 0) {
      const legacy = (await tx.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
      if (legacy > migrations.length) {
        throw new DatabaseError(`database schema version ${legacy} is newer than this program knows (${migrations.length})`);
      }
      for (const m of migrations.slice(0, legacy)) {
        await tx.run('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
      }
    }
    const r = await tx.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    const current = r?.v ?? 0;
    if (current > migrations.length) {
      throw new DatabaseError(`database schema version ${current} is newer than this program knows (${migrations.length})`);
    }
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
      applied.push(m.version);
    }
    return applied;
  });
}
