import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { TrustStoreError } from '../../../server/errors.js';
import { buildTrustSnapshot, DEMO_ISSUER_ISS } from '../../../server/trust/build-snapshot.js';
import { loadTrustFile } from '../../../server/trust/load-file.js';
import { ecThumbprint } from '../../../server/trust/thumbprint.js';

const VECTORS = resolve(process.cwd(), '../shared/vectors/shc-spec/issuer/.well-known');
const SPEC_ISS = 'https://spec.smarthealth.cards/examples/issuer';
const specJwks = JSON.parse(readFileSync(join(VECTORS, 'jwks.json'), 'utf8')) as { keys: Record<string, unknown>[] };

function freshJwk(): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { crv: string; x: string; y: string };
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: ecThumbprint(jwk), use: 'sig', alg: 'ES256' };
}

function fileWith(keys: unknown[], extra: Record<string, unknown> = {}) {
  return { updatedAt: '2026-11-25T00:00:00Z', issuers: [{ iss: SPEC_ISS, name: 'Spec', jwks: { keys }, ...extra }] };
}

function problemsOf(file: unknown): string[] {
  try {
    buildTrustSnapshot(file as never);
  } catch (err) {
    expect(err).toBeInstanceOf(TrustStoreError);
    return (err as TrustStoreError).problems;
  }
  throw new Error('expected TrustStoreError');
}

describe('trust snapshot', () => {
  it('loads the SMART Health Cards spec issuer (x5c and crlVersion members are ignored)', () => {
    const snap = buildTrustSnapshot(fileWith(specJwks.keys));
    expect([...snap.keysByKid.keys()].sort()).toEqual([
      '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s',
      'EBKOr72QQDcTBUuVzAzkfBTGew0ZA16GuWty64nS-sw',
    ]);
    expect(snap.keysByKid.get('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s')!.iss).toBe(SPEC_ISS);
    expect(snap.demo).toBe(false);
    expect(snap.updatedAt).toBe(Date.parse('2026-11-25T00:00:00Z'));
  });

  it('computes RFC 7638 thumbprints exactly as jose does', async () => {
    for (const k of specJwks.keys) {
      expect(ecThumbprint(k as never)).toBe(await calculateJwkThumbprint(k as never, 'sha256'));
    }
  });

  it.each([
    ['a private member d', (k: Record<string, unknown>) => ({ ...k, d: 'AAAA' })],
    ['a wrong curve', (k: Record<string, unknown>) => ({ ...k, crv: 'P-384' })],
    ['a wrong key type', (k: Record<string, unknown>) => ({ ...k, kty: 'RSA' })],
    ['a kid that is not the thumbprint', (k: Record<string, unknown>) => ({ ...k, kid: 'not-the-thumbprint' })],
    ['an alg other than ES256', (k: Record<string, unknown>) => ({ ...k, alg: 'ES384' })],
    [
      'a point not on the curve',
      (k: Record<string, unknown>) => ({ ...k, y: k.x, kid: ecThumbprint({ crv: 'P-256', x: k.x as string, y: k.x as string }) }),
    ],
  ])('refuses the whole file for %s', (_what, mutate) => {
    const good = freshJwk();
    expect(problemsOf(fileWith([freshJwk(), mutate(good)])).length).toBeGreaterThan(0);
  });

  it('refuses duplicate kids, even across issuers', () => {
    const k = freshJwk();
    expect(problemsOf(fileWith([k, k]))[0]).toMatch(/duplicate kid/);
    const two = {
      updatedAt: '2026-11-25T00:00:00Z',
      issuers: [
        { iss: 'https://a.example.vn', jwks: { keys: [k] } },
        { iss: 'https://b.example.vn', jwks: { keys: [k] } },
      ],
    };
    expect(problemsOf(two)[0]).toMatch(/duplicate kid/);
  });

  it('refuses a missing updatedAt, an http issuer, a trailing slash, an empty issuer list', () => {
    expect(problemsOf({ issuers: [{ iss: SPEC_ISS, jwks: { keys: [] } }] })[0]).toMatch(/updatedAt/);
    expect(problemsOf({ updatedAt: '2026-11-25T00:00:00Z', issuers: [{ iss: 'http://x.vn', jwks: { keys: [] } }] })[0]).toMatch(/https/);
    expect(problemsOf({ updatedAt: '2026-11-25T00:00:00Z', issuers: [{ iss: 'https://x.vn/', jwks: { keys: [] } }] })[0]).toMatch(
      /trailing slash/,
    );
    expect(problemsOf({ updatedAt: '2026-11-25T00:00:00Z', issuers: [] })[0]).toMatch(/non-empty/);
  });

  it('parses revocation lists with and without timestamps', () => {
    const crl = JSON.parse(readFileSync(join(VECTORS, 'crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'), 'utf8'));
    const snap = buildTrustSnapshot(fileWith(specJwks.keys, { crl: { '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s': crl } }));
    const list = snap.issuers.get(SPEC_ISS)!.crl.get('3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s')!;
    expect(list.ctr).toBe(1);
    expect(list.rids.get('vwAjHdarZuc')).toBe(1687450765);
    expect(list.rids.get('FKDIxsTCGlU')).toBeNull();
  });

  it('refuses a malformed revocation list', () => {
    const k = freshJwk();
    const kid = k.kid as string;
    expect(problemsOf(fileWith([k], { crl: { [kid]: { method: 'rid', ctr: -1, rids: [] } } }))[0]).toMatch(/ctr/);
    expect(problemsOf(fileWith([k], { crl: { [kid]: { method: 'rid', ctr: 1, rids: ['ok', 'x'.repeat(30)] } } }))[0]).toMatch(/rids\[1\]/);
    expect(problemsOf(fileWith([k], { crl: { [kid]: { method: 'rid', ctr: 1, rids: ['ok.notatime'] } } }))[0]).toMatch(/timestamp/);
    expect(problemsOf(fileWith([k], { crl: { [kid]: { method: 'other', ctr: 1, rids: [] } } }))[0]).toMatch(/method/);
  });

  it('marks the demo issuer', () => {
    const snap = buildTrustSnapshot({
      updatedAt: '2026-11-25T00:00:00Z',
      issuers: [{ iss: DEMO_ISSUER_ISS, jwks: { keys: [freshJwk()] } }],
    });
    expect(snap.demo).toBe(true);
  });

  it('resolves jwks and crl paths relative to the trust file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trust-'));
    mkdirSync(join(dir, 'spec'));
    writeFileSync(join(dir, 'spec/jwks.json'), JSON.stringify(specJwks));
    writeFileSync(join(dir, 'spec/crl.json'), readFileSync(join(VECTORS, 'crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json')));
    writeFileSync(
      join(dir, 'trust.json'),
      JSON.stringify({
        updatedAt: '2026-11-25T00:00:00Z',
        issuers: [{ iss: SPEC_ISS, jwks: 'spec/jwks.json', crl: { '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s': 'spec/crl.json' } }],
      }),
    );
    const snap = await loadTrustFile(join(dir, 'trust.json'));
    expect(snap.keysByKid.size).toBe(2);
    expect(snap.issuers.get(SPEC_ISS)!.crl.size).toBe(1);
  });

  it('says why a trust file cannot be read or parsed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trust-'));
    await expect(loadTrustFile(join(dir, 'missing.json'))).rejects.toBeInstanceOf(TrustStoreError);
    writeFileSync(join(dir, 'bad.json'), '{not json');
    await expect(loadTrustFile(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'TRUST_STORE_INVALID' });
  });
});
