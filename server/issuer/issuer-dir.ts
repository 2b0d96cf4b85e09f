/**
 * File-level operations on an issuer directory (layout.ts): create it, add keys, read it back
 * checked, pick the signing key, revoke rids. Every write is atomic; private keys are written
 * owner-only.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { CardSigner } from '../card/issue.js';
import { AppError } from '../errors.js';
import { parseIssuerKey, parseRevocationList } from '../trust/build-snapshot.js';
import type { PublicJwk } from '../trust/types.js';
import { emptyCrl, withRevocation, type CrlFile } from './crl.js';
import { fileExists, readJsonFile, writeJsonFile } from './json-file.js';
import { generateIssuerKey, privateKeyFromJwk, type KeyWindow } from './keys.js';
import { issuerPaths } from './layout.js';

export interface IssuerMeta {
  iss: string;
  name: string;
  demo: boolean;
}

export interface IssuerDir {
  dir: string;
  meta: IssuerMeta;
  keys: PublicJwk[];
  /** kid → revocation list (keys without a list file are absent) */
  crl: Map<string, CrlFile>;
}

const ISS = /^https:\/\/[^\s/]+(\/\S*)?$/;

function invalid(detail: string): AppError {
  return new AppError('ISSUER_DIR_INVALID', detail);
}

/** Creates an empty issuer directory (no keys yet). Refuses to overwrite an existing one. */
export async function createIssuerDir(dir: string, meta: IssuerMeta): Promise<void> {
  if (!ISS.test(meta.iss) || meta.iss.endsWith('/')) {
    throw new AppError('ISSUER_INPUT_INVALID', 'iss must be an https URL without a trailing slash');
  }
  if (!meta.name.trim()) throw new AppError('ISSUER_INPUT_INVALID', 'issuer name is required');
  const p = issuerPaths(dir);
  if (await fileExists(p.meta)) throw new AppError('ISSUER_DIR_EXISTS', `${p.meta} already exists`);
  await mkdir(p.crlDir, { recursive: true });
  await mkdir(p.privateDir, { recursive: true, mode: 0o700 });
  await writeJsonFile(p.jwks, { keys: [] });
  await writeJsonFile(p.meta, { iss: meta.iss, name: meta.name, demo: meta.demo });
}

export async function isIssuerDir(dir: string): Promise<boolean> {
  return fileExists(issuerPaths(dir).meta);
}

/** Reads and checks the directory's public side (issuer.json, jwks.json, CRL files). */
export async function readIssuerDir(dir: string): Promise<IssuerDir> {
  const p = issuerPaths(dir);
  const rawMeta = (await readJsonFile(p.meta)) as Partial<IssuerMeta> | null;
  if (typeof rawMeta !== 'object' || rawMeta === null || typeof rawMeta.iss !== 'string' || !ISS.test(rawMeta.iss)) {
    throw invalid(`${p.meta}: iss must be an https URL`);
  }
  const meta: IssuerMeta = {
    iss: rawMeta.iss,
    name: typeof rawMeta.name === 'string' && rawMeta.name.trim() ? rawMeta.name : rawMeta.iss,
    demo: rawMeta.demo === true,
  };
  const rawJwks = (await readJsonFile(p.jwks)) as { keys?: unknown } | null;
  if (typeof rawJwks !== 'object' || rawJwks === null || !Array.isArray(rawJwks.keys)) throw invalid(`${p.jwks}: keys must be an array`);
  const problems: string[] = [];
  const keys: PublicJwk[] = [];
  for (const [i, raw] of rawJwks.keys.entries()) {
    // The kiosk's own key checks: what this tool writes must be what the kiosk accepts.
    const key = parseIssuerKey(raw, meta.iss, `${p.jwks} keys[${i}]`, problems);
    if (key) keys.push(raw as PublicJwk);
  }
  const crl = new Map<string, CrlFile>();
  for (const key of keys) {
    const path = p.crl(key.kid);
    if (!(await fileExists(path))) continue;
    const raw = await readJsonFile(path);
    if (parseRevocationList(raw, key.kid, path, problems)) crl.set(key.kid, raw as CrlFile);
  }
  if (problems.length > 0) throw new AppError('ISSUER_DIR_INVALID', problems.join('; '), { problems });
  return { dir, meta, keys, crl };
}

/**
 * Generates a key and publishes it: private file (0600), public JWK appended to jwks.json, an
 * empty revocation list. Returns the new kid.
 */
export async function addIssuerKey(dir: string, window: KeyWindow): Promise<{ kid: string; publicJwk: PublicJwk }> {
  const issuer = await readIssuerDir(dir);
  const p = issuerPaths(dir);
  const key = await generateIssuerKey(window);
  await mkdir(p.privateDir, { recursive: true, mode: 0o700 });
  await writeJsonFile(p.privateKey(key.kid), key.privateJwk, { mode: 0o600 });
  await chmod(p.privateKey(key.kid), 0o600);
  await writeJsonFile(p.crl(key.kid), emptyCrl(key.kid));
  // The public key goes out last: a published key always has its private half and its list.
  await writeJsonFile(p.jwks, { keys: [...issuer.keys, key.publicJwk] });
  return { kid: key.kid, publicJwk: key.publicJwk };
}

function isActive(key: PublicJwk, nowSec: number): boolean {
  return key.revoked !== true && (key.nbf === undefined || key.nbf <= nowSec) && (key.exp === undefined || nowSec < key.exp);
}

export interface LoadedSigner {
  signer: CardSigner;
  /** False when an explicitly chosen key is outside its window or revoked (cards will be KEY_INACTIVE). */
  active: boolean;
}

/**
 * The signer for issuing at `now`: the given kid, or else the active key with the latest nbf
 * (the newest key after a rotation).
 */
export async function loadSigner(dir: string, opts: { now: number; kid?: string }): Promise<LoadedSigner> {
  const issuer = await readIssuerDir(dir);
  const nowSec = Math.floor(opts.now / 1000);
  let chosen: PublicJwk | undefined;
  if (opts.kid !== undefined) {
    chosen = issuer.keys.find((k) => k.kid === opts.kid);
    if (!chosen) throw new AppError('ISSUER_KEY_NOT_FOUND', 'no key with this kid in the issuer directory');
  } else {
    const active = issuer.keys.filter((k) => isActive(k, nowSec));
    chosen = active.reduce<PublicJwk | undefined>(
      (best, k) => (best === undefined || (k.nbf ?? 0) >= (best.nbf ?? 0) ? k : best),
      undefined,
    );
    if (!chosen) throw new AppError('ISSUER_NO_ACTIVE_KEY', 'the issuer has no key active at this time (run keygen)');
  }
  const path = issuerPaths(dir).privateKey(chosen.kid);
  if (!(await fileExists(path))) throw new AppError('ISSUER_KEY_NOT_FOUND', `private key file missing: ${path}`);
  const { key } = privateKeyFromJwk(await readJsonFile(path), path);
  return { signer: { iss: issuer.meta.iss, kid: chosen.kid, privateKey: key }, active: isActive(chosen, nowSec) };
}

export interface RevokeResult {
  kid: string;
  entry: string;
  ctr: number;
  changed: boolean;
}

/**
 * Adds `rid` (or `rid.<beforeSec>`) to a key's revocation list and bumps its ctr. The key
 * defaults to the current signing key.
 */
export async function revokeRid(dir: string, opts: { rid: string; now: number; kid?: string; beforeSec?: number }): Promise<RevokeResult> {
  const issuer = await readIssuerDir(dir);
  let kid = opts.kid;
  if (kid === undefined) kid = (await loadSigner(dir, { now: opts.now })).signer.kid;
  else if (!issuer.keys.some((k) => k.kid === kid))
    throw new AppError('ISSUER_KEY_NOT_FOUND', 'no key with this kid in the issuer directory');
  const list = issuer.crl.get(kid) ?? emptyCrl(kid);
  const change = withRevocation(list, opts.rid, opts.beforeSec);
  if (change.changed) await writeJsonFile(issuerPaths(dir).crl(kid), change.list);
  return { kid, entry: change.entry, ctr: change.list.ctr, changed: change.changed };
}
