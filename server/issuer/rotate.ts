/**
 * `issuer rotate`: a new signing key from now on, the old one retired. The retired key stays
 * published with its window closed at `now` (exp), so the cards it issued while active keep
 * verifying, while a card it signs afterwards is KEY_INACTIVE at every kiosk (spec §3 step 5).
 * `issue` then picks the new key (loadSigner: the active key with the latest nbf).
 */
import { chmod, mkdir } from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { PublicJwk } from '../trust/types.js';
import { emptyCrl } from './crl.js';
import { readIssuerDir } from './issuer-dir.js';
import { writeJsonFile } from './json-file.js';
import { generateIssuerKey } from './keys.js';
import { issuerPaths } from './layout.js';

export const DEFAULT_ROTATED_KEY_YEARS = 5;

export interface RotateResult {
  newKid: string;
  /** Keys whose window was closed at `now`. */
  retiredKids: string[];
  nbf: number;
  exp: number;
}

function activeAt(k: PublicJwk, sec: number): boolean {
  return k.revoked !== true && (k.nbf === undefined || k.nbf <= sec) && (k.exp === undefined || sec < k.exp);
}

export async function rotateIssuerKey(dir: string, opts: { now: number; exp?: number }): Promise<RotateResult> {
  const issuer = await readIssuerDir(dir);
  const nowSec = Math.floor(opts.now / 1000);
  const exp = opts.exp ?? nowSec + DEFAULT_ROTATED_KEY_YEARS * 365 * 86_400;
  if (exp <= nowSec) throw new AppError('ISSUER_INPUT_INVALID', 'the new key must expire after now');
  const p = issuerPaths(dir);
  const key = await generateIssuerKey({ nbf: nowSec, exp });

  await mkdir(p.privateDir, { recursive: true, mode: 0o700 });
  await writeJsonFile(p.privateKey(key.kid), key.privateJwk, { mode: 0o600 });
  await chmod(p.privateKey(key.kid), 0o600);
  await writeJsonFile(p.crl(key.kid), emptyCrl(key.kid));

  // Every key active now (usually one) is retired in the same write that publishes the new key.
  const retiredKids: string[] = [];
  const keys = issuer.keys.map((k) => {
    if (!activeAt(k, nowSec)) return k;
    retiredKids.push(k.kid);
    return { ...k, exp: nowSec };
  });
  await writeJsonFile(p.jwks, { keys: [...keys, key.publicJwk] });
  return { newKid: key.kid, retiredKids, nbf: nowSec, exp };
}
