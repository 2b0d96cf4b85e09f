import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, LOCK_FILE_NAME } from '../../../server/db/data-dir-lock.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';

describe('lockDataDir', () => {
  it('one holder at a time (in this process too); released, it can be taken again', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kiosk-lock-')), 'data');
    const lock = await lockDataDir(dir);
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dir, LOCK_FILE_NAME)).mode & 0o777).toString(8)).toBe('600');
    const second = await lockDataDir(dir).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirLockedError);
    expect(second).toMatchObject({ code: 'DATA_DIR_LOCKED' });
    expect((second as Error).message).toMatch(/in use by another kiosk service/);
    // The visit log itself stays open to others (the user and audit CLIs).
    const { db } = await openKioskDatabase(dir, 0);
    await db.close();
    await lock.release();
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('a holder that dies (SIGKILL) leaves nothing stuck', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-lock-'));
    const script = `import { lockDataDir } from ${JSON.stringify(join(process.cwd(), 'server/db/data-dir-lock.ts'))};
await lockDataDir(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const lock = await lockDataDir(dir);
    await lock.release();
  });
});
