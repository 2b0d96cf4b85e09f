/**
 * Crash-safe file replacement: write a temporary file in the same folder, fsync it, rename it
 * over the target, fsync the folder. A reader (or the kiosk after a power cut) sees either the
 * whole old file or the whole new one, never half of either.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteHooks {
  /** Called after the temp file is durable and before the rename (tests simulate a crash here). */
  beforeRename?(tempPath: string): Promise<void> | void;
}

const TEMP_SUFFIX = '.tmp';

function tempNameFor(path: string): string {
  // Same folder (rename is atomic only within one file system), unique per writer.
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some file systems refuse fsync on a directory; the rename has happened either way.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number; hooks?: AtomicWriteHooks } = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = tempNameFor(path);
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', opts.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await opts.hooks?.beforeRename?.(temp);
    await rename(temp, path);
    renamed = true;
    await fsyncDir(dir);
  } finally {
    if (!renamed) await rm(temp, { force: true });
  }
}

/**
 * Removes temp files a killed writer left next to `path` (they are never read: the target is
 * only ever replaced by rename). Returns how many were removed.
 */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  return stale.length;
}
