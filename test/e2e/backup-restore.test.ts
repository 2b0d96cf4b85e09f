/**
 * Backups of a running kiosk (real processes for the tools: `node --import tsx server/cli/…`):
 * a backup taken while 500 desks' worth of check-ins are in flight restores to a log that
 * verifies and holds every visit acknowledged before the backup began; a restore is refused while
 * a service holds the folder, and over a newer log without --force (which keeps the old one aside).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { kioskDbPath } from '../../server/db/open-kiosk-db.js';
import { verifyChain } from '../../server/visits/chain-verifier.js';
import { spawnTsx } from '../helpers/spawn-tsx.js';
import { startLogKiosk } from '../server/visits/fixtures.js';

const CONCURRENCY = 500;

/** The tool's one JSON line (its report), wherever its stderr notes landed beside it. */
function jsonLine(output: string): unknown {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`no JSON line in:\n${output}`);
  return JSON.parse(line);
}

async function tool(script: string, args: string[]) {
  const p = spawnTsx(script, args);
  const code = await p.exited;
  return { code, output: p.output() };
}

async function visitIds(dataDir: string): Promise<Set<string>> {
  const db = await openDatabase(kioskDbPath(dataDir), { mustExist: true });
  try {
    return new Set((await db.all<{ id: string }>('SELECT id FROM visits')).map((r) => r.id));
  } finally {
    await db.close();
  }
}

describe('backup and restore', () => {
  it('a backup during 500 concurrent check-ins restores to a verified log with every visit acknowledged before it began', async () => {
    const k = await startLogKiosk();
    const acked: string[] = [];
    const out = mkdtempSync(join(tmpdir(), 'kiosk-backups-'));
    let backupDone = false;
    let next = 0;
    let afterBackup = 0;
    let firstWave!: () => void;
    const firstWaveDone = new Promise<void>((r) => (firstWave = r));
    const desk = async () => {
      // Each of the 500 keeps checking in new cards until the backup has finished, then once more.
      for (let i = 0; i < 40; i++) {
        const finishedBefore = backupDone;
        const qr = await k.card(next++);
        const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
        expect(r.status).toBe(201);
        acked.push(r.json.visit.id as string);
        if (acked.length === CONCURRENCY) firstWave();
        if (finishedBefore) {
          afterBackup++;
          return;
        }
      }
    };
    try {
      const desks = Array.from({ length: CONCURRENCY }, () => desk());
      await firstWaveDone;
      const before = new Set(acked);
      const backup = await tool('server/cli/backup.ts', ['--data-dir', k.dataDir, '--out', out + '/', '--keep', '3']);
      backupDone = true;
      await Promise.all(desks);
      expect(backup.code, backup.output).toBe(0);
      const report = jsonLine(backup.output) as { backup: string; visits: number; headSeq: number };
      expect(readdirSync(out)).toEqual([report.backup.slice(out.length + 1)]);
      expect(report.backup).toMatch(/kiosk-\d{8}T\d{6}Z\.sqlite$/);
      // The check-ins went on while it ran: the live log is ahead of the copy.
      expect(afterBackup).toBe(CONCURRENCY);
      expect(acked.length).toBeGreaterThan(report.visits);
      expect(report.visits).toBeGreaterThanOrEqual(before.size);

      const restoredDir = join(mkdtempSync(join(tmpdir(), 'kiosk-restored-')), 'data');
      const restore = await tool('server/cli/restore.ts', ['--from', report.backup, '--data-dir', restoredDir]);
      expect(restore.code, restore.output).toBe(0);
      expect(jsonLine(restore.output)).toMatchObject({ visits: report.visits, previous: null, kioskKey: 'missing' });
      // …and says, beside it, what a restored folder without its kiosk key means.
      expect(restore.output).toContain('restore: note: no kiosk key (checkpoint-key.json)');
      const restored = await visitIds(restoredDir);
      expect(restored.size).toBe(report.visits);
      for (const id of before) expect(restored.has(id)).toBe(true);
      const db = await openDatabase(kioskDbPath(restoredDir), { mustExist: true });
      try {
        expect(await verifyChain(db)).toMatchObject({ intact: true, count: report.visits, headSeq: report.headSeq });
      } finally {
        await db.close();
      }

      // While the service holds its folder, a restore into it is refused.
      const busy = await tool('server/cli/restore.ts', ['--from', report.backup, '--data-dir', k.dataDir]);
      expect(busy.code).toBe(2);
      expect(busy.output).toMatch(/in use by another kiosk service/);
      await k.close();
      // The live log is newer than the backup: refused without --force, kept aside with it.
      const newer = await tool('server/cli/restore.ts', ['--from', report.backup, '--data-dir', k.dataDir]);
      expect(newer.code).toBe(1);
      expect(newer.output).toMatch(/refused: the log in .* is newer than the backup/);
      expect((await visitIds(k.dataDir)).size).toBe(acked.length);
      const forced = await tool('server/cli/restore.ts', ['--from', report.backup, '--data-dir', k.dataDir, '--force']);
      expect(forced.code, forced.output).toBe(0);
      const previous = (jsonLine(forced.output) as { previous: string }).previous;
      expect(previous).toMatch(/kiosk\.sqlite\.before-restore-\d{8}T\d{6}Z$/);
      expect(existsSync(previous)).toBe(true);
      expect((await visitIds(k.dataDir)).size).toBe(report.visits);
    } finally {
      backupDone = true;
      await k.close();
    }
  }, 240_000);

  it('--keep rotates only its own timestamped backups; a file that is no visit log is refused', async () => {
    const k = await startLogKiosk({ accounts: false });
    const out = mkdtempSync(join(tmpdir(), 'kiosk-rotate-'));
    try {
      writeFileSync(join(out, 'notes.txt'), 'not a backup');
      for (const name of ['kiosk-20260101T000000Z.sqlite', 'kiosk-20260102T000000Z.sqlite', 'kiosk-20260103T000000Z.sqlite'])
        writeFileSync(join(out, name), '');
      const r = await tool('server/cli/backup.ts', ['--data-dir', k.dataDir, '--out', out, '--keep', '2']);
      expect(r.code, r.output).toBe(0);
      const names = readdirSync(out).sort();
      expect(names).toHaveLength(3);
      expect(names).toContain('notes.txt');
      expect(names).toContain('kiosk-20260103T000000Z.sqlite');
      const bad = await tool('server/cli/restore.ts', ['--from', join(out, 'notes.txt'), '--data-dir', join(out, 'data')]);
      expect(bad.code).not.toBe(0);
      const usage = await tool('server/cli/backup.ts', ['--data-dir', k.dataDir, '--out', join(out, 'one.sqlite'), '--keep', '2']);
      expect(usage.code).toBe(2);
    } finally {
      await k.close();
    }
  }, 120_000);
});
