/**
 * The kiosk's checkpoint key file (server/anchor/kiosk-key.ts): created 0600 on the first call,
 * the same key ever after, refused (ConfigError, the file left as it is) when others can read it
 * or it is damaged; never overwritten.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../server/errors.js';
import { jwkThumbprint, signCheckpoint, verifyCheckpoint } from '../../../server/anchor/checkpoint.js';
import { KIOSK_KEY_FILE, kioskKeyPath, loadOrCreateKioskKey, readKioskKey } from '../../../server/anchor/kiosk-key.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (f: string) => statSync(f).mode & 0o777;

async function configError(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).problems;
}

describe('loadOrCreateKioskKey', () => {
  it('creates the key 0600 on the first call (a private P-256 JWK), and reads the same key on the second', async () => {
    expect(await readKioskKey(dir)).toBeUndefined();
    const first = await loadOrCreateKioskKey(dir);
    expect(first.created).toBe(true);
    const file = kioskKeyPath(dir);
    expect(file).toBe(join(dir, KIOSK_KEY_FILE));
    expect(mode(file)).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', x: first.key.publicJwk.x, y: first.key.publicJwk.y });
    expect(first.key.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: stored.x, y: stored.y });
    expect(first.key.thumbprint).toBe(await calculateJwkThumbprint(first.key.publicJwk, 'sha256'));
    expect(first.key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual([KIOSK_KEY_FILE]);

    const second = await loadOrCreateKioskKey(dir);
    expect(second.created).toBe(false);
    expect(second.key.thumbprint).toBe(first.key.thumbprint);
    expect(second.key.publicJwk).toEqual(first.key.publicJwk);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(stored) + '\n');
    expect((await readKioskKey(dir))!.thumbprint).toBe(first.key.thumbprint);

    // What one signs the other verifies: it is the same private key.
    const claims = {
      v: 1 as const,
      facility: '12001',
      visits: { seq: 0, hash: GENESIS_HASH },
      cardChecks: { seq: 0, hash: GENESIS_HASH },
      signedAt: '2026-11-25T02:00:00.000Z',
    };
    expect(await verifyCheckpoint(await signCheckpoint(claims, second.key.privateKey), first.key.publicJwk)).toEqual(claims);
  });

  it('two data folders get two keys', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kiosk-key-'));
    try {
      const a = await loadOrCreateKioskKey(dir);
      const b = await loadOrCreateKioskKey(other);
      expect(a.key.thumbprint).not.toBe(b.key.thumbprint);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o606])('refuses a key file of mode %s (readable by others) and leaves it as it is', async (m) => {
    const { key } = await loadOrCreateKioskKey(dir);
    const file = kioskKeyPath(dir);
    const before = readFileSync(file, 'utf8');
    chmodSync(file, m);
    const problems = await configError(loadOrCreateKioskKey(dir));
    expect(problems).toEqual([`${file}: readable by others (mode ${m.toString(8)}); chmod 600 it`]);
    await configError(readKioskKey(dir));
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(mode(file)).toBe(m);
    chmodSync(file, 0o600);
    expect((await loadOrCreateKioskKey(dir)).key.thumbprint).toBe(key.thumbprint);
  });

  it('a 0400 file (read-only to its owner) is fine', async () => {
    const { key } = await loadOrCreateKioskKey(dir);
    chmodSync(kioskKeyPath(dir), 0o400);
    expect(await loadOrCreateKioskKey(dir)).toMatchObject({ created: false, key: { thumbprint: key.thumbprint } });
  });

  it('refuses a damaged file (and never replaces it with a new key)', async () => {
    const file = kioskKeyPath(dir);
    const good = JSON.parse(readFileSync((await loadOrCreateKioskKey(dir), file), 'utf8')) as Record<string, string>;
    const publicOnly = { kty: good.kty, crv: good.crv, x: good.x, y: good.y };
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const d = Buffer.from(good.d!, 'base64url');
    d[31]! ^= 1;
    const damaged = [
      '',
      'not json',
      JSON.stringify(good).slice(0, 40),
      'null',
      '[]',
      JSON.stringify(publicOnly),
      JSON.stringify({ ...good, d: 'AAAA' }),
      JSON.stringify({ ...good, x: good.y }),
      JSON.stringify({ ...good, kty: 'RSA' }),
      // The halves disagree: the JWK import would take them, and every checkpoint would then be
      // signed by another key than the one announced.
      JSON.stringify({ ...good, x: other.x, y: other.y }),
      JSON.stringify({ ...good, d: other.d }),
      JSON.stringify({ ...good, d: d.toString('base64url') }),
    ];
    for (const text of damaged) {
      writeFileSync(file, text, { mode: 0o600 });
      const problems = await configError(loadOrCreateKioskKey(dir));
      expect(problems, text).toEqual([`${file}: not a P-256 private key (JWK); restore it from the backup of the data folder`]);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(readdirSync(dir)).toEqual([KIOSK_KEY_FILE]);
    }
  });

  it('refuses a file holding another curve’s key (P-384): not a P-256 key', async () => {
    const file = kioskKeyPath(dir);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    writeFileSync(file, JSON.stringify(p384), { mode: 0o600 });
    expect(await configError(loadOrCreateKioskKey(dir))).toEqual([`${file}: not a P-256 key`]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(p384);
  });

  it('keeps a key written by an older start (never overwritten), whatever its JSON member order', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const j = privateKey.export({ format: 'jwk' });
    const text = JSON.stringify({ y: j.y, d: j.d, x: j.x, crv: j.crv, kty: j.kty, ext: true });
    const file = kioskKeyPath(dir);
    writeFileSync(file, text, { mode: 0o600 });
    const r = await loadOrCreateKioskKey(dir);
    expect(r.created).toBe(false);
    expect(r.key.thumbprint).toBe(await jwkThumbprint({ kty: 'EC', crv: 'P-256', x: j.x!, y: j.y! }));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('creates the key although a crashed start left its temporary file behind (same pid, as in a container)', async () => {
    const stale = `${kioskKeyPath(dir)}.tmp-${process.pid}`;
    writeFileSync(stale, 'half a key', { mode: 0o600 });
    const r = await loadOrCreateKioskKey(dir);
    expect(r.created).toBe(true);
    expect(readdirSync(dir)).toEqual([KIOSK_KEY_FILE]);
    expect((await readKioskKey(dir))!.thumbprint).toBe(r.key.thumbprint);
  });
});
