/**
 * A small promisified wrapper over one `sqlite3` connection.
 *
 * Why one connection and a queue: SQLite allows one writer at a time and node-sqlite3 runs
 * statements on a thread pool. If two requests each ran BEGIN … COMMIT on the same connection
 * their statements would interleave into one transaction. So every use of the connection goes
 * through a FIFO queue: a transaction (or a single auto-commit statement) runs to completion
 * before the next one starts. Inside `transaction(fn)` use only the `tx` handed to `fn`; calling
 * the Database itself from inside would wait for itself, so that is detected and refused.
 *
 * Prepared statements are cached per SQL text (check-in is the hot path: a handful of
 * statements per transaction, no re-parsing). The cache is bounded (MAX_CACHED_STATEMENTS, least
 * recently used goes first): every prepared statement holds native memory (its compiled program
 * and its last bound values) for as long as it lives, and SQL texts built from filters (auditor
 * searches) would otherwise accumulate for the life of the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;
export type Params = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;
export type Row = Record<string, unknown>;

export interface RunResult {
  changes: number;
  lastID: number;
}

/** What a transaction body (and a queued read) may do with the connection. */
export interface Queryable {
  run(sql: string, params?: Params): Promise<RunResult>;
  get<T = Row>(sql: string, params?: Params): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: Params): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export interface Tx extends Queryable {
  /** Runs right after COMMIT succeeded, before the next queued job starts (never on rollback). */
  afterCommit(fn: () => void): void;
}

export interface OpenOptions {
  /** How long a statement waits for another process's lock (the CLI, `audit verify`), ms. */
  busyTimeoutMs?: number;
  /** Open an existing file only (no create), e.g. for `audit verify`. */
  mustExist?: boolean;
  /**
   * A read-only connection to an existing WAL database (implies mustExist): its reads see what
   * is committed without queueing behind the writer's transactions (the medical-history store).
   */
  readOnly?: boolean;
}

export class DatabaseError extends Error {
  readonly code = 'DATABASE_ERROR';
}

/** `sqlite3` errors carry `code` like SQLITE_CONSTRAINT; keep them recognisable. */
export function isConstraintError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'SQLITE_CONSTRAINT';
}

const insideJob = new AsyncLocalStorage<Database>();

/** Prepared statements kept per connection (the hot path uses about a dozen). */
export const MAX_CACHED_STATEMENTS = 64;

interface CachedStatement {
  ready: Promise<sqlite3.Statement>;
  /** Calls currently using it: an entry in use is never finalised by eviction. */
  users: number;
}

export class Database implements Queryable {
  readonly file: string;
  #db: sqlite3.Database;
  /** Map order is recency order (a use re-inserts the entry last). */
  #statements = new Map<string, CachedStatement>();
  /** Finalisations of evicted statements still under way (close waits for them). */
  #finalizing = new Set<Promise<void>>();
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;
  #pending = 0;

  /** Use `openDatabase`. */
  constructor(file: string, db: sqlite3.Database) {
    this.file = file;
    this.#db = db;
  }

  /** Number of jobs waiting or running (status, tests). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Runs `fn` inside BEGIN IMMEDIATE … COMMIT, serialised with every other use of this
   * connection. Any throw rolls back and rethrows.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#enqueue(async () => {
      const hooks: Array<() => void> = [];
      const tx: Tx = { ...this.#direct(), afterCommit: (h) => void hooks.push(h) };
      await this.#execRaw('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        await this.#execRaw('ROLLBACK').catch(() => undefined);
        throw err;
      }
      try {
        await this.#execRaw('COMMIT');
      } catch (err) {
        await this.#execRaw('ROLLBACK').catch(() => undefined);
        throw err;
      }
      runHooks(hooks);
      return result;
    });
  }

  /**
   * A queued job without BEGIN … COMMIT: each statement `fn` runs commits on its own (SQLite's
   * implicit per-statement transaction, which also covers whatever triggers that statement
   * fires). For a job whose only write is one statement this saves two round trips through the
   * thread pool per job, which is what bounds the check-in rate (the queue is serial).
   * afterCommit hooks run once `fn` resolved, before the next job starts; when `fn` throws they
   * are dropped, so register them only after the write succeeded and make the write the last
   * thing `fn` can fail at.
   */
  autocommit<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#enqueue(async () => {
      const hooks: Array<() => void> = [];
      const result = await fn({ ...this.#direct(), afterCommit: (h) => void hooks.push(h) });
      runHooks(hooks);
      return result;
    });
  }

  /** Several reads that must see one consistent state (no BEGIN: a read-only job). */
  read<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.#enqueue(() => fn(this.#direct()));
  }

  run(sql: string, params: Params = []): Promise<RunResult> {
    return this.#enqueue(() => this.#direct().run(sql, params));
  }

  get<T = Row>(sql: string, params: Params = []): Promise<T | undefined> {
    return this.#enqueue(() => this.#direct().get<T>(sql, params));
  }

  all<T = Row>(sql: string, params: Params = []): Promise<T[]> {
    return this.#enqueue(() => this.#direct().all<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#enqueue(() => this.#execRaw(sql));
  }

  /** Waits for queued work, finalises statements and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail.catch(() => undefined);
    const entries = [...this.#statements.values()];
    this.#statements.clear();
    for (const e of entries) await finalize(e.ready);
    await Promise.all(this.#finalizing);
    await new Promise<void>((resolve, reject) => this.#db.close((err) => (err ? reject(err) : resolve())));
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new DatabaseError('database is closed'));
    if (insideJob.getStore() === this) {
      // Waiting on our own queue from inside a job would never finish.
      return Promise.reject(new DatabaseError('nested database call inside a transaction: use the tx argument'));
    }
    this.#pending++;
    const run = () => insideJob.run(this, job);
    const p = this.#tail.then(run, run);
    this.#tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p.finally(() => {
      this.#pending--;
    });
  }

  /** Number of prepared statements currently cached (tests). */
  get cachedStatements(): number {
    return this.#statements.size;
  }

  /** Runs `fn` with the cached (or newly prepared) statement for `sql`. */
  async #withStatement<T>(sql: string, fn: (s: sqlite3.Statement) => Promise<T>): Promise<T> {
    let e = this.#statements.get(sql);
    if (e) {
      this.#statements.delete(sql); // re-inserted last: most recently used
    } else {
      const ready = new Promise<sqlite3.Statement>((resolve, reject) => {
        const s = this.#db.prepare(sql, (err) => (err ? reject(err) : resolve(s)));
      });
      const entry: CachedStatement = { ready, users: 0 };
      // A statement that failed to prepare is not cached (the error goes to the caller).
      ready.catch(() => {
        if (this.#statements.get(sql) === entry) this.#statements.delete(sql);
      });
      e = entry;
    }
    this.#statements.set(sql, e);
    e.users++;
    try {
      return await fn(await e.ready);
    } finally {
      e.users--;
      this.#evict();
    }
  }

  /** Finalises the least recently used idle statements beyond the cap. */
  #evict(): void {
    if (this.#statements.size <= MAX_CACHED_STATEMENTS) return;
    for (const [sql, e] of this.#statements) {
      if (this.#statements.size <= MAX_CACHED_STATEMENTS) break;
      if (e.users > 0) continue;
      this.#statements.delete(sql);
      const done = finalize(e.ready).finally(() => this.#finalizing.delete(done));
      this.#finalizing.add(done);
    }
  }

  /** Unqueued access: only ever handed to code already running inside a queued job. */
  #direct(): Queryable {
    return {
      run: (sql, params = []) =>
        this.#withStatement(
          sql,
          (s) =>
            new Promise<RunResult>((resolve, reject) => {
              s.run(params, function (this: sqlite3.RunResult, err: Error | null) {
                if (err) reject(err);
                else resolve({ changes: this.changes, lastID: this.lastID });
              });
            }),
        ),
      // `get` uses `all`: it runs the statement to completion and resets it, so no read
      // transaction stays open between jobs.
      get: async <T>(sql: string, params: Params = []) => (await this.#allRows<T>(sql, params))[0],
      all: <T>(sql: string, params: Params = []) => this.#allRows<T>(sql, params),
      exec: (sql) => this.#execRaw(sql),
    };
  }

  #allRows<T>(sql: string, params: Params): Promise<T[]> {
    return this.#withStatement(
      sql,
      (s) =>
        new Promise<T[]>((resolve, reject) => {
          s.all(params, (err: Error | null, rows: unknown[]) => (err ? reject(err) : resolve(rows as T[])));
        }),
    );
  }

  #execRaw(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.#db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }
}

/** Finalises a (possibly failed) prepared statement; never rejects. */
async function finalize(ready: Promise<sqlite3.Statement>): Promise<void> {
  const s = await ready.catch(() => undefined);
  if (s) await new Promise<void>((r) => s.finalize(() => r()));
}

function runHooks(hooks: ReadonlyArray<() => void>): void {
  for (const h of hooks) {
    try {
      h();
    } catch {
      // The write is committed; a failing listener must not make it look failed.
    }
  }
}

/**
 * Opens (creating when needed) the database file with the services' settings: WAL, busy timeout,
 * foreign keys, synchronous=NORMAL. The file is created with mode 0600 *before* SQLite opens it,
 * so there is no moment when another local user could read the visit log; SQLite gives the -wal
 * and -shm files the same mode as the main file.
 */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<Database> {
  if ((opts.mustExist || opts.readOnly) && !existsSync(file)) throw new DatabaseError(`no database at ${file}`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600); // umask may have narrowed it differently; be exact
  }
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const mode = opts.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE;
    const d = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(d)));
  });
  raw.configure('busyTimeout', opts.busyTimeoutMs ?? 5000);
  const db = new Database(file, raw);
  try {
    // A reader cannot switch the journal mode; it checks below that the writer did.
    if (!opts.readOnly) await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    await db.exec('PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;');
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode');
    if (mode?.journal_mode !== 'wal') throw new DatabaseError('could not switch the database to WAL mode');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
