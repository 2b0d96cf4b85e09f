import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from '../../../server/trust/refresh/atomic-write.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const OLD = JSON.stringify({ updatedAt: '2026-11-24T00:00:00Z', which: 'old' });

describe('atomic trust-store writes', () => {
  it('replaces the file whole', async () => {
    dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'trust-cache.json');
    await writeFile(path, OLD);
    await writeFileAtomic(path, '{"which":"new"}');
    expect(await readFile(path, 'utf8')).toBe('{"which":"new"}');
    expect(await readdir(dir)).toEqual(['trust-cache.json']);
  });

  it('a failure between the temp write and the rename leaves the old file and no temp file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'trust-cache.json');
    await writeFile(path, OLD);
    await expect(
      writeFileAtomic(path, 'x'.repeat(100_000), {
        hooks: {
          beforeRename: () => {
            throw Object.assign(new Error('simulated crash'), { code: 'ENOSPC' });
          },
        },
      }),
    ).rejects.toThrow('simulated crash');
    expect(await readFile(path, 'utf8')).toBe(OLD);
    expect(await readdir(dir)).toEqual(['trust-cache.json']);
  });

  it('a process killed (SIGKILL) mid-write leaves the old file intact; the leftover temp file is cleaned up', async () => {
    dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'trust-cache.json');
    await writeFile(path, OLD);
    const moduleUrl = pathToFileURL(resolve(process.cwd(), 'server/trust/refresh/atomic-write.ts')).href;
    const child = join(dir, 'writer.mts');
    // The child writes a large new store and stops just before the rename, says so, and waits
    // to be killed: the worst moment for a crash.
    await writeFile(
      child,
      `import { writeFileAtomic } from ${JSON.stringify(moduleUrl)};
       await writeFileAtomic(${JSON.stringify(path)}, JSON.stringify({ which: 'new', pad: 'y'.repeat(2_000_000) }), {
         hooks: { beforeRename: () => new Promise(() => { process.stdout.write('ready\\n'); setInterval(() => {}, 1000); }) },
       });`,
    );
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((res, rej) => {
      proc.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) res();
      });
      proc.once('exit', (code) => rej(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((res) => proc.once('exit', (_code, signal) => res(signal)));
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await readFile(path, 'utf8')).toBe(OLD);
    const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(leftovers).toHaveLength(1);
    expect(await removeStaleTempFiles(path)).toBe(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toHaveLength(0);
  });
});
