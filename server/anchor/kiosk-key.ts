/**
 * The kiosk's checkpoint key: a P-256 key pair created at first start in the data folder
 * (`checkpoint-key.json`, mode 0600, the private JWK), used only to sign checkpoints. Its public
 * key is pinned by the medical-history store the first time this kiosk's API key sends one (or
 * registered there beforehand by its thumbprint). Losing the file means a new key the store will
 * refuse (CHECKPOINT_KEY_MISMATCH) until the agency re-registers this kiosk: back it up with the
 * data folder.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { ConfigError } from '../errors.js';
import { jwkThumbprint, publicJwk } from './checkpoint.js';

export const KIOSK_KEY_FILE = 'checkpoint-key.json';

export interface KioskKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  /** RFC 7638 thumbprint of the public key: the kiosk's identity at the store. */
  thumbprint: string;
}

export function kioskKeyPath(dataDir: string): string {
  return join(dataDir, KIOSK_KEY_FILE);
}

async function fromPrivate(privateKey: KeyObject): Promise<KioskKey> {
  const pub = publicJwk(privateKey);
  return { privateKey, publicJwk: pub, thumbprint: await jwkThumbprint(pub) };
}

/** Reads the kiosk key; undefined when there is none yet. Throws ConfigError for a damaged file. */
export async function readKioskKey(dataDir: string): Promise<KioskKey | undefined> {
  const file = kioskKeyPath(dataDir);
  if (!existsSync(file)) return undefined;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new ConfigError([`${file}: readable by others (mode ${mode.toString(8)}); chmod 600 it`]);
  let key: KeyObject;
  try {
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    key = createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, format: 'jwk' });
    // The JWK import takes x, y as given: a private part that does not match them (a damaged or
    // spliced file) would sign checkpoints that never verify under the key the kiosk announces.
    const probe = Buffer.from('bhyt-kiosk/checkpoint-key/self-test');
    if (!verify('sha256', probe, createPublicKey(key), sign('sha256', probe, key))) throw new Error('the key halves disagree');
  } catch {
    throw new ConfigError([`${file}: not a P-256 private key (JWK); restore it from the backup of the data folder`]);
  }
  try {
    return await fromPrivate(key);
  } catch {
    throw new ConfigError([`${file}: not a P-256 key`]);
  }
}

/** Reads the kiosk key, creating it (0600, written whole then renamed) on first start. */
export async function loadOrCreateKioskKey(dataDir: string): Promise<{ key: KioskKey; created: boolean }> {
  const existing = await readKioskKey(dataDir);
  if (existing) return { key: existing, created: false };
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = kioskKeyPath(dataDir);
  const tmp = `${file}.tmp-${process.pid}`;
  // A start that crashed before the rename left it; in a container the next start often has the same pid.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, JSON.stringify(privateKey.export({ format: 'jwk' })) + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return { key: await fromPrivate(privateKey), created: true };
}
