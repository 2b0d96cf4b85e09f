/** Small JSON file helpers for the issuer tool: size-capped reads, atomic writes. */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';

const MAX_FILE_BYTES = 32 * 1024 * 1024;

export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Reads and parses a JSON file; ISSUER_DIR_INVALID (with the path, never the content) otherwise. */
export async function readJsonFile(path: string): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError('ISSUER_DIR_INVALID', `${path} cannot be read (${code})`, { path }, { cause: err });
  }
  if (buf.byteLength > MAX_FILE_BYTES) throw new AppError('ISSUER_DIR_INVALID', `${path} is too large`, { path });
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new AppError('ISSUER_DIR_INVALID', `${path} is not valid JSON`, { path }, { cause: err });
  }
}

let tmpCounter = 0;

/**
 * Writes JSON (2-space indented, trailing newline) via a temporary file and rename, so a reader
 * (the kiosk refreshing its trust store) never sees half a file.
 */
export async function writeJsonFile(path: string, value: unknown, opts: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: opts.mode ?? 0o644, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
