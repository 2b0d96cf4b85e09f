/**
 * The visit log's anchor against the attacks that a self-contained hash chain cannot see (#14
 * item 2), with real processes on 127.0.0.1: a kiosk that synced (its checkpoints at the
 * reference store) is stopped, copies of its data folder are tampered with raw SQL, as someone
 * with the file would, and `audit verify` judges each copy as an auditor runs it: alone (which
 * the attacks pass), against the store (`--store`) and against a checkpoint written down
 * (`--expect-hash-at`). A kiosk restarted on a tampered copy finds its checkpoint refused.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, contentOf, GENESIS_HASH, type VisitRow } from '../../server/visits/chain.js';
import { systemClock, systemRandom } from '../../server/clock.js';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { hashPassword } from '../../server/users/password.js';
import { UserRepository } from '../../server/users/user-repo.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { maSoFor } from '../../test-support/seed-visits.js';
import {
  createReceptionist,
  freePort,
  kioskStatus,
  pollUntil,
  startKioskProcess,
  startStoreProcess,
  writeKeysFile,
  type Child,
} from '../server/sync/processes.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const KEY = 'anchor-e2e-key-facility-12001-aaaa';
const PASSWORD = 'correct horse battery';
const VISITS = 8;

let root: string;
let issuer: TestIssuer;
let store: Child;
let source: string;
/** The last checkpoint the kiosk had anchored, as an auditor would print it from the status. */
let printed: { seq: number; hash: string };
const children: Child[] = [];

async function track<T extends Child>(p: Promise<T>): Promise<T> {
  const c = await p;
  children.push(c);
  return c;
}

function kiosk(dataDir: string): Promise<Child> {
  return freePort().then((port) =>
    track(
      startKioskProcess({
        port,
        dataDir,
        trustFile: issuer.trustFile,
        syncUrl: store.url,
        syncKey: KEY,
        flags: ['--checkpoint-interval', '1', '--sync-max-backoff', '1'],
      }),
    ),
  );
}

async function checkIn(k: Child, from: number, n: number): Promise<void> {
  const login = await fetch(`${k.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'letan1', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  for (let i = from; i < from + n; i++) {
    const card = await issuer.issue({ cardNumber: `DN412${maSoFor(i)}` });
    const res = await fetch(`${k.url}/api/check-ins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ qr: card.qrText }),
    });
    expect(res.status).toBe(201);
  }
}

async function createUser(dataDir: string, username: string, role: 'auditor'): Promise<void> {
  const { db } = await openKioskDatabase(dataDir, Date.now());
  try {
    await new UserRepository(db, systemClock).create({
      username,
      displayName: 'Kiểm toán Kiểm thử',
      cccd: '001090000002',
      role,
      passwordHash: await hashPassword(PASSWORD, systemRandom),
    });
  } finally {
    await db.close();
  }
}

/** GET /api/audit/integrity as the auditor. */
async function integrity(k: Child): Promise<any> {
  const login = await fetch(`${k.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'kiemtoan1', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const res = await fetch(`${k.url}/api/audit/integrity`, { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0]! } });
  expect(res.status).toBe(200);
  return res.json();
}

/** Waits until the store has accepted a checkpoint of the whole visit log. */
async function anchoredAt(k: Child, seq: number): Promise<{ seq: number; hash: string }> {
  const s = await pollUntil(async () => {
    const st = await kioskStatus(k.url);
    return st.anchor?.lastAnchored?.visits?.seq === seq ? st : undefined;
  }, `a checkpoint at visit ${seq}`);
  return s.anchor.lastAnchored.visits;
}

function copy(): string {
  const dir = mkdtempSync(join(root, 'copy-'));
  cpSync(source, dir, { recursive: true });
  unlinkSync(join(dir, 'kiosk.lock'));
  return dir;
}

function verify(dataDir: string, ...extra: string[]): { code: number | null; report: any; err: string } {
  const r = spawnSync(TSX, ['server/cli/audit.ts', 'verify', '--data-dir', dataDir, '--json', ...extra], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  let report: unknown;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    report = r.stdout;
  }
  return { code: r.status, report, err: r.stderr };
}

const againstStore = () => ['--store', store.url, '--store-key', KEY];
const againstPrinted = () => ['--expect-hash-at', `${printed.seq}:${printed.hash}`];

function withDb<T>(dir: string, fn: (db: sqlite3.Database) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, 'kiosk.sqlite'), (err) => {
      if (err) return reject(err);
      fn(db).then(
        (v) => db.close(() => resolve(v)),
        (e: Error) => db.close(() => reject(e)),
      );
    });
  });
}
const all = (db: sqlite3.Database, sql: string) => new Promise<any[]>((res, rej) => db.all(sql, (e, r) => (e ? rej(e) : res(r as any[]))));
const exec = (db: sqlite3.Database, sql: string) => new Promise<void>((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res())));
const lit = (v: string | number | null | undefined) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

/**
 * Rewrites the visit log the way an attacker with the file and this project's source would:
 * `edit` returns the rows to keep (changed as wished); they are numbered 1… and re-chained with
 * correct hashes, their sync records follow them, and the append-only triggers are put back, so
 * the log verifies on its own.
 */
async function rewrite(dir: string, edit: (rows: VisitRow[]) => VisitRow[]): Promise<void> {
  await withDb(dir, async (db) => {
    const triggers = await all(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'");
    const rows = (await all(db, 'SELECT * FROM visits ORDER BY seq')) as VisitRow[];
    const outbox = await all(db, 'SELECT * FROM sync_outbox');
    const kept = edit(rows);
    let prev = GENESIS_HASH;
    const rebuilt = kept.map((r, i) => {
      const content = { ...contentOf(r), seq: i + 1 };
      const hash = chainHash(prev, content);
      const row = { ...content, prev_hash: prev, hash };
      prev = hash;
      return row;
    });
    const seqOf = new Map(rebuilt.map((r) => [r.id, r.seq]));
    const sql = [
      'PRAGMA foreign_keys = OFF;',
      'BEGIN;',
      'DROP TRIGGER visits_no_update;',
      'DROP TRIGGER visits_no_delete;',
      'DELETE FROM sync_outbox;',
      'DELETE FROM visits;',
      ...rebuilt.map((r) => {
        const cols = Object.keys(r);
        return `INSERT INTO visits (${cols.join(',')}) VALUES (${cols.map((c) => lit((r as Record<string, string | number | null>)[c])).join(',')});`;
      }),
      ...outbox
        .filter((o) => seqOf.has(o.visit_id))
        .map((o) => {
          const cols = Object.keys(o);
          const v = { ...o, visit_seq: seqOf.get(o.visit_id) };
          return `INSERT INTO sync_outbox (${cols.join(',')}) VALUES (${cols.map((c) => lit(v[c])).join(',')});`;
        }),
      // A forged visit gets its sync record too, as the kiosk would write it.
      ...rebuilt
        .filter((r) => r.verdict !== 'rejected' && !outbox.some((o) => o.visit_id === r.id))
        .map((r) => `INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (${r.seq}, ${lit(r.id)});`),
      ...triggers.map((t) => `${t.sql};`),
      'COMMIT;',
    ];
    await exec(db, sql.join('\n'));
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'anchor-e2e-'));
  issuer = await makeTestIssuer({ now: Date.now() });
  const keysFile = writeKeysFile(root, { [KEY]: '12001' });
  store = await track(startStoreProcess({ port: await freePort(), dataDir: mkdtempSync(join(root, 'store-')), keysFile }));
  source = mkdtempSync(join(root, 'kiosk-'));
  await createReceptionist(source, 'letan1', PASSWORD);
  await createUser(source, 'kiemtoan1', 'auditor');
  const k = await kiosk(source);
  await checkIn(k, 0, VISITS);
  printed = await anchoredAt(k, VISITS);
  // The auditor's integrity view shows the anchor and that nothing waits to be anchored.
  const view = await integrity(k);
  expect(view).toMatchObject({ intact: true, headSeq: VISITS, cardChecks: { intact: true } });
  expect(view.anchor).toMatchObject({ enabled: true, lastCheckpoint: { visits: printed }, notAnchored: { visits: 0 } });
  expect(view.anchor.lastCheckpoint.ageSec).toBeGreaterThanOrEqual(0);
  await k.kill('SIGTERM');
  children.splice(children.indexOf(k), 1);
}, 120_000);
afterEach(async () => {
  // Kiosks started by a test; the store lives for the whole file.
  await Promise.all(children.filter((c) => c !== store).map((c) => c.kill('SIGKILL')));
  children.splice(0, children.length, store);
});
afterAll(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
  await issuer?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('the anchored visit log (real kiosk, store and audit CLI)', () => {
  it('an honest log: intact alone, against the store and against the printed checkpoint', () => {
    const dir = copy();
    const alone = verify(dir);
    expect(alone.code).toBe(0);
    const stored = verify(dir, ...againstStore());
    expect(stored.code, JSON.stringify(stored.report)).toBe(0);
    expect(stored.report.anchor.checkpoints).toBeGreaterThanOrEqual(1);
    expect(stored.report.anchor.latest.visits).toEqual(printed);
    expect(verify(dir, ...againstPrinted()).code).toBe(0);
  });

  it('the tail cut off (the last visits and their sync records deleted): caught by the store and by the printed checkpoint', async () => {
    const dir = copy();
    await rewrite(dir, (rows) => rows.slice(0, VISITS - 3));
    expect(verify(dir).code).toBe(0); // the chain alone cannot see it
    const stored = verify(dir, ...againstStore());
    expect(stored.code).toBe(1);
    expect(stored.report).toMatchObject({ intact: false, problem: 'CHECKPOINT_MISSING', brokenLog: 'visits' });
    expect(verify(dir, ...againstPrinted()).report).toMatchObject({ intact: false, problem: 'CHECKPOINT_MISSING', firstBrokenSeq: VISITS });
  });

  it('a row edited and every later hash recomputed: caught', async () => {
    const dir = copy();
    await rewrite(dir, (rows) => rows.map((r) => (r.seq === 3 ? { ...r, operator: 'someone_else' } : r)));
    expect(verify(dir).code).toBe(0);
    expect(verify(dir, ...againstStore()).report).toMatchObject({ intact: false, problem: 'CHECKPOINT_MISMATCH' });
    expect(verify(dir, ...againstPrinted()).report).toMatchObject({
      intact: false,
      problem: 'CHECKPOINT_MISMATCH',
      firstBrokenSeq: VISITS,
    });
  });

  it('a middle row deleted and the chain renumbered: caught', async () => {
    const dir = copy();
    await rewrite(dir, (rows) => rows.filter((r) => r.seq !== 4));
    expect(verify(dir).code).toBe(0);
    expect(verify(dir, ...againstStore()).code).toBe(1);
    expect(verify(dir, ...againstPrinted()).report).toMatchObject({ intact: false, problem: 'CHECKPOINT_MISSING' });
  });

  it('what it cannot catch: a correctly chained row forged after the last checkpoint passes (docs/security.md)', async () => {
    const dir = copy();
    await rewrite(dir, (rows) => [...rows, { ...rows[rows.length - 1]!, id: '019abcde-0000-7000-8000-0000000000f0', card_key: 'forged' }]);
    expect(verify(dir, ...againstStore()).code).toBe(0);
    expect(verify(dir, ...againstPrinted()).code).toBe(0);
  });

  it('the store refuses the checkpoint of a kiosk restarted on a cut log (CHECKPOINT_ROLLBACK) and of a rewritten one (CHECKPOINT_FORK)', async () => {
    const cut = copy();
    await rewrite(cut, (rows) => rows.slice(0, VISITS - 3));
    let k = await kiosk(cut);
    let s = await pollUntil(async () => {
      const st = await kioskStatus(k.url);
      return st.anchor?.refused ? st : undefined;
    }, 'the refusal');
    expect(s.anchor.refused).toBe('CHECKPOINT_ROLLBACK');
    expect(s.warnings).toContain('CHECKPOINT_REFUSED');
    // The kiosk's own record of its anchor was left in place: the auditor's view sees the cut at once.
    expect(await integrity(k)).toMatchObject({ intact: false, problem: 'CHECKPOINT_MISSING', brokenLog: 'visits', firstBrokenSeq: VISITS });
    await k.kill('SIGTERM');

    const rewritten = copy();
    await rewrite(rewritten, (rows) => rows.map((r) => (r.seq === 2 ? { ...r, operator: 'someone_else' } : r)));
    k = await kiosk(rewritten);
    s = await pollUntil(async () => {
      const st = await kioskStatus(k.url);
      return st.anchor?.refused ? st : undefined;
    }, 'the refusal');
    expect(s.anchor.refused).toBe('CHECKPOINT_FORK');
  });

  it('a kiosk whose key was replaced is refused (CHECKPOINT_KEY_MISMATCH), and the audit says the key differs', async () => {
    const dir = copy();
    unlinkSync(join(dir, 'checkpoint-key.json'));
    const k = await kiosk(dir); // creates a new key
    const s = await pollUntil(async () => {
      const st = await kioskStatus(k.url);
      return st.anchor?.refused ? st : undefined;
    }, 'the refusal');
    expect(s.anchor.refused).toBe('CHECKPOINT_KEY_MISMATCH');
    await k.kill('SIGTERM');
    expect(verify(dir, ...againstStore()).report).toMatchObject({ intact: false, problem: 'KIOSK_KEY_DIFFERS' });
  });

  it('a printed checkpoint stays checkable as the honest log grows; the store anchors the new head', async () => {
    const dir = copy();
    const k = await kiosk(dir);
    await checkIn(k, 100, 2);
    const head = await anchoredAt(k, VISITS + 2);
    await k.kill('SIGTERM');
    expect(verify(dir, ...againstPrinted()).code).toBe(0);
    const stored = verify(dir, ...againstStore());
    expect(stored.code, JSON.stringify(stored.report)).toBe(0);
    expect(stored.report.anchor.latest.visits).toEqual(head);
  });
});
