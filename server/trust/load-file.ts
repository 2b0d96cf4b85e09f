import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TrustStoreError } from '../errors.js';
import { buildTrustSnapshot, type TrustFileJson } from './build-snapshot.js';
import type { TrustSnapshot } from './types.js';

/** Files larger than this are refused: a trust file is kilobytes, a revocation list megabytes. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.byteLength > MAX_FILE_BYTES) throw new TrustStoreError([`${what} is larger than ${MAX_FILE_BYTES} bytes`]);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof TrustStoreError) throw err;
    throw new TrustStoreError([`${what} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`], { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TrustStoreError([`${what} is not valid JSON`], { cause: err });
  }
}

/**
 * Reads the trust file and any `jwks` / `crl` it names by path (relative to the trust file),
 * returning the raw JSON with those inlined: what buildTrustSnapshot takes.
 */
export async function readTrustFileJson(path: string): Promise<TrustFileJson> {
  const raw = await readJson(path, `trust file ${path}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TrustStoreError(['the trust file is not a JSON object']);
  const file = structuredClone(raw) as TrustFileJson & { issuers?: unknown };
  const base = dirname(path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  if (Array.isArray(file.issuers)) {
    for (const [i, entry] of (file.issuers as Record<string, unknown>[]).entries()) {
      if (typeof entry !== 'object' || entry === null) continue;
      if (typeof entry.jwks === 'string') entry.jwks = await readJson(rel(entry.jwks), `issuers[${i}].jwks file`);
      if (typeof entry.crl === 'string') entry.crl = await readJson(rel(entry.crl), `issuers[${i}].crl file`);
      else if (typeof entry.crl === 'object' && entry.crl !== null) {
        // A crl object may map kids to paths of their lists.
        for (const [kid, v] of Object.entries(entry.crl as Record<string, unknown>)) {
          if (typeof v === 'string') (entry.crl as Record<string, unknown>)[kid] = await readJson(rel(v), `issuers[${i}].crl[${kid}] file`);
        }
      }
    }
  }
  return file;
}

export async function loadTrustFile(path: string): Promise<TrustSnapshot> {
  return buildTrustSnapshot(await readTrustFileJson(path));
}
