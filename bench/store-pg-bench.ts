/**
 * storePg: the medical-history store on PostgreSQL (a throw-away cluster with durable defaults,
 * bench/pg-cluster.ts), measured three ways:
 *
 * - ingest: 8 kiosk-like senders, one facility key each, posting batches of 500 to the store
 *   process (`--db URL`) concurrently — visits/s through the HTTP API, batch latency;
 * - drain: one real kiosk draining a 20,000-visit backlog into it (bench/sync-bench.ts, the same
 *   measurement as sync.visitsPerSecond on SQLite);
 * - book: the yearly-book query (agency reader) p50/p99 over BENCH_BOOK_ROWS visits (default
 *   5,000,000), the same generated rows loaded into both backends' real schemas, queried through
 *   each VisitStore. Rows are generated, not sent over HTTP: patients with 0–30 visits a year
 *   (a third none, the rest 1 + an exponential of mean 2.5, capped at 30), four years, mostly at
 *   the patient's own facility. The load drops the secondary indexes, bulk-inserts, and rebuilds
 *   them from the definitions the migrations made (read back from the catalog), as a DBA would.
 *
 * Warm-cache figures: the data fit in memory on the bench machine; docs/scaling.md scales them.
 */
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Random } from '../server/clock.js';
import { openDatabase } from '../server/db/database.js';
import { PgVisitStore } from '../server/history-store/pg-visit-store.js';
import { SqliteVisitStore, STORE_DB_FILE } from '../server/history-store/sqlite-visit-store.js';
import type { VisitStore } from '../server/history-store/visit-store.js';
import { silentLogger } from '../server/logger.js';
import { uuidv7 } from '../server/visits/uuidv7.js';
import { vietnamYear } from '../server/wire/vietnam-time.js';
import { startBenchPg } from './pg-cluster.js';
import { freePort, startProcess } from './processes.js';
import { percentile, round } from './stats.js';
import { benchSync } from './sync-bench.js';

const SENDERS = 8;
const BATCH = 500;
const YEARS = [2022, 2023, 2024, 2025];
const FACILITIES = 2000;
const LOAD_CHUNK = 20_000;
const BOOK_QUERIES = 2000;

/** mulberry32: a small deterministic generator, so every run loads the same rows into both stores. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFrom(next: () => number): Random {
  return {
    bytes(n) {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
}

const facilityCode = (i: number) => `${String(10 + (i % 90)).padStart(2, '0')}${String(Math.floor(i / 90)).padStart(3, '0')}`;
const maSo = (p: number) => String(3_000_000_000 + p);

async function createDb(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    // An identifier cannot be a bind parameter; the names are this file's constants.
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

async function benchIngest(workDir: string, url: string, batchesPerSender: number) {
  const keys: Record<string, string> = {};
  const senders = Array.from({ length: SENDERS }, (_, i) => {
    const key = `bench-ingest-key-${i}-${'x'.repeat(16)}`;
    const facility = facilityCode(i);
    keys[key] = facility;
    return { key, facility };
  });
  const keysFile = join(workDir, 'ingest-keys.json');
  writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const next = prng(7);
  const random = randomFrom(next);
  const now = Date.now();
  // Bodies built before the clock starts: the figure is the store's, not the generator's.
  const bodies = senders.map((s) =>
    Array.from({ length: batchesPerSender + 1 }, () =>
      JSON.stringify({
        visits: Array.from({ length: BATCH }, () => {
          const at = now - Math.floor(next() * 3 * 86_400_000);
          const m = maSo(Math.floor(next() * 5_000_000));
          return {
            id: uuidv7(at, random),
            facility: s.facility,
            maSoBhxh: m,
            cardNumber: `HS401${m}`,
            visitType: '01',
            checkedInAt: new Date(at).toISOString(),
            verdict: 'accepted',
            source: 'signed',
          };
        }),
      }),
    ),
  );
  const port = await freePort();
  const store = await startProcess({
    entry: ['dist/server/history-store/main.js', '--port', String(port), '--db', url, '--keys', keysFile],
    port,
    readyPath: '/healthz',
  });
  try {
    const post = async (key: string, body: string) => {
      const t0 = performance.now();
      const res = await fetch(`${store.url}/v1/visits:batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
      });
      const out = (await res.json()) as { results?: { status: string }[] };
      if (res.status !== 200 || out.results?.some((r) => r.status !== 'stored')) throw new Error(`batch refused (${res.status})`);
      return performance.now() - t0;
    };
    // One warm-up batch per sender (connections, JIT, the pool) outside the timing.
    await Promise.all(senders.map((s, i) => post(s.key, bodies[i]![0]!)));
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      senders.map(async (s, i) => {
        for (const body of bodies[i]!.slice(1)) latencies.push(await post(s.key, body));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const visits = SENDERS * batchesPerSender * BATCH;
    return {
      senders: SENDERS,
      batchSize: BATCH,
      visits,
      seconds: round(seconds, 2),
      visitsPerSecond: round(visits / seconds),
      batchP50Ms: round(percentile(latencies, 50), 1),
      batchP99Ms: round(percentile(latencies, 99), 1),
      storeRssMb: Math.round(store.rssMb()),
    };
  } finally {
    await store.stop();
  }
}

interface Chunk {
  ids: string[];
  years: number[];
  facilities: string[];
  maSos: string[];
  checkedIn: string[];
  checkedInMs: number[];
  hashes: string[];
}

/** Generates the book data set in chunks; counts the patients it used in `used`. */
function* bookRows(total: number, used: { patients: number }): Generator<Chunk, void, undefined> {
  const next = prng(2025);
  const random = randomFrom(next);
  let made = 0;
  let chunk: Chunk = { ids: [], years: [], facilities: [], maSos: [], checkedIn: [], checkedInMs: [], hashes: [] };
  for (let p = 0; made < total; p++) {
    const home = Math.floor(next() * FACILITIES);
    for (const year of YEARS) {
      const k = next() < 1 / 3 ? 0 : Math.min(30, 1 + Math.floor(-Math.log(1 - next()) * 2.5));
      const start = Date.UTC(year, 0, 1) - 7 * 3_600_000;
      for (let j = 0; j < k && made < total; j++, made++) {
        const at = start + Math.floor(next() * 365 * 86_400_000);
        const id = uuidv7(at, random);
        chunk.ids.push(id);
        chunk.years.push(vietnamYear(at));
        chunk.facilities.push(facilityCode(next() < 0.8 ? home : Math.floor(next() * FACILITIES)));
        chunk.maSos.push(maSo(p));
        chunk.checkedIn.push(new Date(at).toISOString());
        chunk.checkedInMs.push(at);
        chunk.hashes.push(hash('sha256', id, 'hex'));
        if (chunk.ids.length === LOAD_CHUNK) {
          yield chunk;
          chunk = { ids: [], years: [], facilities: [], maSos: [], checkedIn: [], checkedInMs: [], hashes: [] };
        }
      }
    }
    used.patients = p + 1;
  }
  if (chunk.ids.length > 0) yield chunk;
}

async function timeBooks(store: VisitStore, patients: number, concurrency: number) {
  const next = prng(99);
  const qs = Array.from({ length: BOOK_QUERIES }, () => ({ m: maSo(Math.floor(next() * patients)), y: YEARS[Math.floor(next() * 4)]! }));
  for (const q of qs.slice(0, 200)) await store.patientBook(q.m, q.y, undefined);
  const latencies: number[] = [];
  let items = 0;
  let i = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < qs.length) {
        const q = qs[i++]!;
        const s = performance.now();
        const book = await store.patientBook(q.m, q.y, undefined);
        items += book.length;
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    queries: qs.length,
    concurrency,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    booksPerSecond: round(qs.length / seconds),
    meanItems: round(items / qs.length, 2),
  };
}

async function benchBook(workDir: string, url: string, rows: number) {
  // The store's own code makes the schema: opened "in 2023", it creates 2022 … 2025 ahead.
  const pgStore = await PgVisitStore.open(url, { now: Date.UTC(2023, 5, 1), logger: silentLogger });
  const sqliteDir = mkdtempSync(join(workDir, 'book-sqlite-'));
  await (await SqliteVisitStore.open(sqliteDir)).close();
  const lite = await openDatabase(join(sqliteDir, STORE_DB_FILE));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let sqliteStore: SqliteVisitStore | undefined;
  try {
    const pgIndexes = (
      await admin.query<{ indexdef: string; indexname: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'visits'")
    ).rows;
    const liteIndexes = await lite.all<{ name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' AND sql IS NOT NULL",
    );
    for (const ix of pgIndexes) await admin.query(`DROP INDEX ${ix.indexname}`);
    await admin.query('ALTER TABLE visit_ids DROP CONSTRAINT visit_ids_pkey');
    for (const ix of liteIndexes) await lite.exec(`DROP INDEX ${ix.name}`);

    const receivedAt = new Date();
    let pgLoadMs = 0;
    let liteLoadMs = 0;
    const used = { patients: 0 };
    for (const c of bookRows(rows, used)) {
      const n = c.ids.length;
      const pgLoad = (async () => {
        const t = performance.now();
        await admin.query(
          `INSERT INTO visit_ids (id, vn_year, content_hash) SELECT id, y, decode(h, 'hex') FROM unnest($1::uuid[], $2::smallint[], $3::text[]) AS t(id, y, h)`,
          [c.ids, c.years, c.hashes],
        );
        await admin.query(
          `INSERT INTO visits (id, checked_in, received_at, vn_year, facility, ma_so_bhxh, visit_type, verdict, source, card_number)
           SELECT id, at, $6, y, f, m, '01', 'accepted', 'signed', 'HS401' || m FROM unnest($1::uuid[], $2::timestamptz[], $3::smallint[], $4::text[], $5::text[]) AS t(id, at, y, f, m)`,
          [c.ids, c.checkedIn, c.years, c.facilities, c.maSos, receivedAt],
        );
        pgLoadMs += performance.now() - t;
      })();
      const liteLoad = (async () => {
        const t = performance.now();
        const json = JSON.stringify(
          Array.from({ length: n }, (_, i) => [
            c.ids[i],
            c.facilities[i],
            c.maSos[i],
            `HS401${c.maSos[i]}`,
            '01',
            c.checkedIn[i],
            c.checkedInMs[i],
            c.years[i],
            'accepted',
            'signed',
            c.hashes[i],
            receivedAt.getTime(),
          ]),
        );
        // The same columns as the SQLite store's own INSERT_ROWS (sqlite-visit-store.ts).
        await lite.run(
          `INSERT INTO visits (id, facility, ma_so_bhxh, card_number, visit_type, checked_in_at, checked_in_ms, vn_year, verdict, source, content_hash, received_at)
           SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7,
                  r.value ->> 8, r.value ->> 9, r.value ->> 10, r.value ->> 11 FROM json_each(?) AS r`,
          [json],
        );
        liteLoadMs += performance.now() - t;
      })();
      await Promise.all([pgLoad, liteLoad]);
    }
    let t = performance.now();
    await admin.query('ALTER TABLE visit_ids ADD PRIMARY KEY (id)');
    // pg_indexes shows a partitioned index as `ON ONLY visits` (the parent alone); rebuilt as
    // `ON visits` it is created on every partition too, as the migration's CREATE INDEX was.
    for (const ix of pgIndexes) await admin.query(ix.indexdef.replace(' ON ONLY ', ' ON '));
    // VACUUM sets the visibility map, without which the book's index-only scans visit the heap.
    await admin.query('VACUUM (ANALYZE) visits');
    await admin.query('VACUUM (ANALYZE) visit_ids');
    const pgIndexMs = performance.now() - t;
    t = performance.now();
    for (const ix of liteIndexes) await lite.exec(ix.sql);
    await lite.exec('ANALYZE');
    const liteIndexMs = performance.now() - t;
    await lite.exec('PRAGMA wal_checkpoint(TRUNCATE)');

    const sizes = (
      await admin.query<{ name: string; heap: string; indexes: string }>(
        `SELECT c.relname AS name, pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes
           FROM pg_class c WHERE c.relkind = 'r' AND (c.relname = 'visit_ids' OR c.relname LIKE 'visits\\_y%') ORDER BY 1`,
      )
    ).rows;
    const mb = (b: number) => round(b / 2 ** 20, 1);
    const partitions: Record<string, unknown> = {};
    let heap = 0;
    let idx = 0;
    for (const s of sizes) {
      const count =
        s.name === 'visit_ids' ? rows : Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${s.name}`)).rows[0]!.n);
      partitions[s.name] = { rows: count, heapMb: mb(Number(s.heap)), indexesMb: mb(Number(s.indexes)) };
      heap += Number(s.heap);
      idx += Number(s.indexes);
    }
    const book = (
      await admin.query<{ b: string; f: string }>(
        `SELECT (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('visits_book')) AS b,
                (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('visits_facility_time')) AS f`,
      )
    ).rows[0]!;
    await lite.close();
    sqliteStore = await SqliteVisitStore.open(sqliteDir);
    const liteFile = statSync(join(sqliteDir, STORE_DB_FILE)).size;
    return {
      rows,
      patients: used.patients,
      years: YEARS,
      postgres: {
        loadSeconds: round(pgLoadMs / 1000, 1),
        indexAndVacuumSeconds: round(pgIndexMs / 1000, 1),
        totalMb: mb(heap + idx),
        heapMb: mb(heap),
        indexesMb: mb(idx),
        bookIndexMb: mb(Number(book.b)),
        facilityIndexMb: mb(Number(book.f)),
        bytesPerVisit: Math.round((heap + idx) / rows),
        partitions,
        sequential: await timeBooks(pgStore, used.patients, 1),
        concurrent8: await timeBooks(pgStore, used.patients, 8),
      },
      sqlite: {
        loadSeconds: round(liteLoadMs / 1000, 1),
        indexSeconds: round(liteIndexMs / 1000, 1),
        fileMb: mb(liteFile),
        bytesPerVisit: Math.round(liteFile / rows),
        sequential: await timeBooks(sqliteStore, used.patients, 1),
        concurrent8: await timeBooks(sqliteStore, used.patients, 8),
      },
    };
  } finally {
    await admin.end().catch(() => undefined);
    await pgStore.close();
    await sqliteStore?.close();
    await lite.close().catch(() => undefined);
    // Gigabytes at the default size: not left behind in the temp folder.
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}

function positiveEnv(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

export async function benchStorePg(workDir: string, trustFile: string): Promise<Record<string, unknown>> {
  const rows = positiveEnv('BENCH_BOOK_ROWS', 5_000_000);
  const batchesPerSender = positiveEnv('BENCH_INGEST_BATCHES', 25);
  const server = await startBenchPg();
  try {
    const out: Record<string, unknown> = { postgres: server.version };
    const say = (what: string) => process.stderr.write(`bench: store-pg: ${what}\n`);
    say(`ingest, ${SENDERS} senders × ${batchesPerSender} batches of ${BATCH}`);
    out.ingest = await benchIngest(workDir, await createDb(server.url, 'ingest'), batchesPerSender);
    say('one kiosk draining 20,000 visits');
    const drain = await benchSync(workDir, trustFile, { name: 'sync-pg', storeArgs: ['--db', await createDb(server.url, 'drain')] });
    out.drain = drain;
    say(`the yearly book over ${rows.toLocaleString('en')} generated visits (BENCH_BOOK_ROWS), on both backends`);
    out.book = await benchBook(workDir, await createDb(server.url, 'book'), rows);
    return out;
  } finally {
    await server.stop();
  }
}
