/**
 * Password hashing with scrypt (node:crypto), a per-user random salt and pinned parameters
 * stored with the hash, so they can be raised later without breaking old hashes.
 * Format: `scrypt$N$r$p$<salt b64url>$<hash b64url>`.
 */
import { scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Random } from '../clock.js';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;
/** Anything stranger than these bounds is refused before the (expensive) scrypt call. */
const MAX_N = 1 << 20;

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keyLen, { ...opts, maxmem: 256 * opts.N! * opts.r! }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, random: Random): Promise<string> {
  const salt = random.bytes(SALT_LEN);
  const key = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time comparison; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every(Number.isInteger) || n < 2 || n > MAX_N || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length < 16 || expected.length > 64) return false;
  const actual = await scrypt(password, salt, expected.length, { N: n, r, p });
  return timingSafeEqual(actual, expected);
}

/** Rules for a new password: long enough to matter, short enough not to be a DoS on scrypt. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function passwordProblem(password: string): string | undefined {
  if ([...password].length < PASSWORD_MIN) return `the password must have at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `the password must have at most ${PASSWORD_MAX} characters`;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'the password must not contain control characters';
  return undefined;
}

/** A random password a person can type: 16 characters, no look-alikes (≈ 80 bits). */
export function randomPassword(random: Random): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFHJKLMNPRTUVWXY3479';
  const bytes = random.bytes(32);
  let out = '';
  for (const b of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (b >= 256 - (256 % alphabet.length)) continue;
    out += alphabet[b % alphabet.length];
    if (out.length === 16) break;
  }
  if (out.length < 16) return out + randomPassword(random).slice(0, 16 - out.length);
  return out.replace(/(.{4})(?=.)/g, '$1-');
}
