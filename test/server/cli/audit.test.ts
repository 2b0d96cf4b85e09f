import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, type VisitRow } from '../../../server/visits/chain.js';
import { startLogKiosk } from '../visits/fixtures.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
let source: string;
const dirs: string[] = [];

/** `npm run -s audit -- verify --data DIR` (spawned, as an auditor would run it). */
function verify(dataDir: string, ...extra: string[]) {
  const r = spawnSync(TSX, ['server/cli/audit.ts', 'verify', '--data', dataDir, ...extra], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A copy of the five-visit log to tamper with, and raw SQL against it (no kiosk code). */
function copyLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-tamper-'));
  dirs.push(dir);
  copyFileSync(join(source, 'kiosk.sqlite'), join(dir, 'kiosk.sqlite'));
  return dir;
}

function sql(dir: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, 'kiosk.sqlite'), (err) => {
      if (err) return reject(err);
      db.exec(text, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

function rows(dir: string): Promise<VisitRow[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(join(dir, 'kiosk.sqlite'), (err) => {
      if (err) return reject(err);
      db.all('SELECT * FROM visits ORDER BY seq', (e, r) => db.close(() => (e ? reject(e) : resolve(r as VisitRow[]))));
    });
  });
}

const q = (s: string | number | null) => (s === null ? 'NULL' : typeof s === 'number' ? String(s) : `'${s.replace(/'/g, "''")}'`);
function insertSql(r: VisitRow): string {
  const cols = Object.keys(r) as Array<keyof VisitRow>;
  return `INSERT INTO visits (${cols.join(',')}) VALUES (${cols.map((c) => q(r[c])).join(',')});`;
}

beforeAll(async () => {
  const k = await startLogKiosk();
  for (let i = 0; i < 5; i++) {
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(i) } });
    expect(r.status).toBe(201);
  }
  source = k.dataDir;
  await k.close(); // closing checkpoints the WAL into the main file
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm run audit -- verify', () => {
  it('exits 0 on an intact log and prints count and head hash', () => {
    const r = verify(copyLog());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^intact: 5 visits, head seq 5, head hash [0-9a-f]{64}/);
  });

  it('a changed row: exit 1 naming its seq', async () => {
    const dir = copyLog();
    await sql(dir, "DROP TRIGGER visits_no_update; UPDATE visits SET verdict = 'rejected' WHERE seq = 3;");
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ intact: false, firstBrokenSeq: 3, problem: 'HASH_MISMATCH' });
    expect(verify(dir).out).toMatch(/^BROKEN at seq 3:/);
  });

  it('a deleted row in the middle: exit 1 naming the missing seq', async () => {
    const dir = copyLog();
    await sql(dir, 'DROP TRIGGER visits_no_delete; DELETE FROM sync_outbox WHERE visit_seq = 2; DELETE FROM visits WHERE seq = 2;');
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ firstBrokenSeq: 2, problem: 'SEQ_GAP' });
  });

  it('the last row deleted: exit 1 naming it (its sync record remains)', async () => {
    const dir = copyLog();
    await sql(dir, 'PRAGMA foreign_keys = OFF; DROP TRIGGER visits_no_delete; DELETE FROM visits WHERE seq = 5;');
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ firstBrokenSeq: 5, problem: 'OUTBOX_ORPHAN' });
  });

  it('an inserted row at the end with a made-up hash: exit 1 naming it', async () => {
    const dir = copyLog();
    const last = (await rows(dir))[4]!;
    const forged: VisitRow = { ...last, seq: 6, id: '019abcde-0000-7000-8000-000000000006', prev_hash: last.hash, hash: 'f'.repeat(64) };
    await sql(dir, insertSql(forged) + ` INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (6, '${forged.id}');`);
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ firstBrokenSeq: 6, problem: 'HASH_MISMATCH' });
  });

  it('a row inserted with a forged seq (correctly hashed, linked to the head): exit 1 naming it', async () => {
    const dir = copyLog();
    const last = (await rows(dir))[4]!;
    const content = { ...last, seq: 9, id: '019abcde-0000-7000-8000-000000000009' };
    const { prev_hash: _p, hash: _h, ...c } = content;
    const forged: VisitRow = { ...content, prev_hash: last.hash, hash: chainHash(last.hash, c) };
    await sql(dir, insertSql(forged) + ` INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (9, '${forged.id}');`);
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ firstBrokenSeq: 9, problem: 'SEQ_GAP' });
  });

  it('a correctly chained row inserted without going through the kiosk (no sync record): exit 1 naming it', async () => {
    const dir = copyLog();
    const last = (await rows(dir))[4]!;
    const c = { ...last, seq: 6, id: '019abcde-0000-7000-8000-000000000016' };
    const { prev_hash: _p, hash: _h, ...content } = c;
    await sql(dir, insertSql({ ...c, prev_hash: last.hash, hash: chainHash(last.hash, content) }));
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ firstBrokenSeq: 6, problem: 'OUTBOX_MISSING' });
  });

  it('dropped append-only triggers are reported even when every row is intact', async () => {
    const dir = copyLog();
    await sql(dir, 'DROP TRIGGER visits_no_update;');
    const r = verify(dir, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ problem: 'TRIGGERS_MISSING' });
  });

  it('--expect-head catches a log whose end was cut off', () => {
    const dir = copyLog();
    const head = JSON.parse(verify(dir, '--json').out).headHash as string;
    expect(verify(dir, '--expect-head', head).code).toBe(0);
    expect(verify(dir, '--expect-head', '0'.repeat(64)).code).toBe(1);
  });

  it("takes --data-dir (the service's name) as well as --data", () => {
    const r = spawnSync(TSX, ['server/cli/audit.ts', 'verify', '--data-dir', copyLog()], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^intact: 5 visits/);
  });

  it('usage errors and a missing database exit 2', () => {
    expect(verify(join(tmpdir(), 'no-such-kiosk-dir-xyz')).code).toBe(2);
    const r = spawnSync(TSX, ['server/cli/audit.ts', 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(verify(copyLog(), '--bogus').code).toBe(2);
  });
});
