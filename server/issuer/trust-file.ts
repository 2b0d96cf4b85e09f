/**
 * Edits the kiosk's trust file (spec §5) so that it trusts an issuer directory: `jwks` and
 * `crl` are written as paths relative to the trust file (server/trust/load-file.ts resolves
 * them), so a key or revocation change in the issuer directory reaches the kiosk with no copy.
 * `updatedAt` is bumped on every change: that is how the kiosk notices and judges freshness.
 */
import { dirname, relative, sep } from 'node:path';
import { AppError } from '../errors.js';
import { loadTrustFile } from '../trust/load-file.js';
import type { TrustSnapshot } from '../trust/types.js';
import { fileExists, readJsonFile, writeJsonFile } from './json-file.js';
import { readIssuerDir } from './issuer-dir.js';
import { issuerPaths } from './layout.js';

interface TrustFileRaw {
  updatedAt?: string;
  issuers?: Record<string, unknown>[];
  [k: string]: unknown;
}

function relPath(trustFile: string, target: string): string {
  return relative(dirname(trustFile), target).split(sep).join('/');
}

async function readRaw(trustFile: string): Promise<TrustFileRaw> {
  if (!(await fileExists(trustFile))) return {};
  const raw = await readJsonFile(trustFile);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError('TRUST_FILE_INVALID', `${trustFile} is not a JSON object`);
  }
  const file = raw as TrustFileRaw;
  if (file.issuers !== undefined && !Array.isArray(file.issuers))
    throw new AppError('TRUST_FILE_INVALID', `${trustFile}: issuers must be an array`);
  return file;
}

/**
 * Adds or updates the trust entry for the issuer in `issuerDir` (creating the trust file when
 * absent) and sets updatedAt to `now`. Other issuers in the file are left as they are. The
 * result is loaded back through the kiosk's own loader, so a file the kiosk would refuse is
 * reported here, not at the kiosk. `mode`: the file's permissions (default 0644, a published
 * trust file; the kiosk's data folder writes its demo trust 0600).
 */
export async function trustIssuerDir(
  trustFile: string,
  issuerDir: string,
  now: number,
  opts: { mode?: number } = {},
): Promise<TrustSnapshot> {
  const issuer = await readIssuerDir(issuerDir);
  const p = issuerPaths(issuerDir);
  const crl: Record<string, string> = {};
  for (const kid of issuer.crl.keys()) crl[kid] = relPath(trustFile, p.crl(kid));
  const entry: Record<string, unknown> = {
    iss: issuer.meta.iss,
    name: issuer.meta.name,
    ...(issuer.meta.demo ? { demo: true } : {}),
    jwks: relPath(trustFile, p.jwks),
    crl,
  };
  const file = await readRaw(trustFile);
  const issuers = [...(file.issuers ?? [])];
  const at = issuers.findIndex((e) => typeof e === 'object' && e !== null && e.iss === issuer.meta.iss);
  // Keep members this tool does not manage (e.g. refreshUrl) on an existing entry.
  if (at === -1) issuers.push(entry);
  else issuers[at] = { ...issuers[at], ...entry };
  await writeJsonFile(
    trustFile,
    { ...file, updatedAt: new Date(now).toISOString(), issuers },
    opts.mode !== undefined ? { mode: opts.mode } : {},
  );
  return loadTrustFile(trustFile);
}

/** True when the trust file exists and lists this issuer. */
export async function trustFileListsIssuer(trustFile: string, iss: string): Promise<boolean> {
  if (!(await fileExists(trustFile))) return false;
  const file = await readRaw(trustFile);
  return (file.issuers ?? []).some((e) => typeof e === 'object' && e !== null && e.iss === iss);
}
