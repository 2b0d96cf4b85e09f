import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueCard } from '../../../server/card/issue.js';
import { addIssuerKey, createIssuerDir, isIssuerDir, loadSigner, readIssuerDir, revokeRid } from '../../../server/issuer/issuer-dir.js';
import { DEMO_KEY_WARNING } from '../../../server/issuer/keys.js';
import { issuerPaths } from '../../../server/issuer/layout.js';
import { trustFileListsIssuer, trustIssuerDir } from '../../../server/issuer/trust-file.js';
import { DEMO_ISSUER_ISS } from '../../../server/trust/build-snapshot.js';
import { loadTrustFile } from '../../../server/trust/load-file.js';
import { demoCardInput } from '../../../server/issuer/demo-card.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const SEC = Math.floor(NOW / 1000);
const DAY = 86_400;

let root: string;
let dir: string;
let trustFile: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'issuer-dir-test-'));
  dir = join(root, 'demo-issuer');
  trustFile = join(root, 'trust.json');
  await createIssuerDir(dir, { iss: DEMO_ISSUER_ISS, name: 'Demo', demo: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function json(path: string): Promise<any> {
  return JSON.parse(await readFile(path, 'utf8'));
}

describe('issuer directory', () => {
  it('creates the layout and refuses to create it twice', async () => {
    expect(await isIssuerDir(dir)).toBe(true);
    expect(await json(join(dir, 'issuer.json'))).toStrictEqual({ iss: DEMO_ISSUER_ISS, name: 'Demo', demo: true });
    expect(await json(join(dir, '.well-known/jwks.json'))).toStrictEqual({ keys: [] });
    await expect(createIssuerDir(dir, { iss: DEMO_ISSUER_ISS, name: 'Demo', demo: true })).rejects.toMatchObject({
      code: 'ISSUER_DIR_EXISTS',
    });
    await expect(createIssuerDir(join(root, 'x'), { iss: 'http://x.example', name: 'X', demo: false })).rejects.toMatchObject({
      code: 'ISSUER_INPUT_INVALID',
    });
  });

  it('addIssuerKey writes private key (DEMO-ONLY name, 0600, _warning), public JWK with window, empty CRL', async () => {
    const { kid } = await addIssuerKey(dir, { nbf: SEC - DAY, exp: SEC + 365 * DAY });
    const p = issuerPaths(dir);
    expect(await readdir(p.privateDir)).toStrictEqual([`DEMO-ONLY-${kid}.jwk.json`]);
    const priv = await json(p.privateKey(kid));
    expect(priv._warning).toBe(DEMO_KEY_WARNING);
    expect(typeof priv.d).toBe('string');
    expect((await stat(p.privateKey(kid))).mode & 0o777).toBe(0o600);
    const jwks = await json(p.jwks);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid, kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', nbf: SEC - DAY, exp: SEC + 365 * DAY });
    expect('d' in jwks.keys[0]).toBe(false);
    expect(await json(p.crl(kid))).toStrictEqual({ kid, method: 'rid', ctr: 1, rids: [] });
    // no temp files left behind by the atomic writes
    expect((await readdir(p.wellKnown)).filter((f) => f.endsWith('.tmp'))).toStrictEqual([]);
  });

  it('readIssuerDir refuses a tampered jwks (kid not the thumbprint, private member)', async () => {
    const { kid } = await addIssuerKey(dir, {});
    const p = issuerPaths(dir);
    const jwks = await json(p.jwks);
    await writeFile(p.jwks, JSON.stringify({ keys: [{ ...jwks.keys[0], d: 'secret' }] }));
    await expect(readIssuerDir(dir)).rejects.toMatchObject({ code: 'ISSUER_DIR_INVALID' });
    await writeFile(p.jwks, JSON.stringify({ keys: [{ ...jwks.keys[0], kid: kid.replace(/^./, kid[0] === 'A' ? 'B' : 'A') }] }));
    await expect(readIssuerDir(dir)).rejects.toMatchObject({ code: 'ISSUER_DIR_INVALID' });
  });

  it('loadSigner picks the active key with the latest nbf; explicit kid may be inactive', async () => {
    await expect(loadSigner(dir, { now: NOW })).rejects.toMatchObject({ code: 'ISSUER_NO_ACTIVE_KEY' });
    const old = (await addIssuerKey(dir, { nbf: SEC - 100 * DAY, exp: SEC + 100 * DAY })).kid;
    const newer = (await addIssuerKey(dir, { nbf: SEC - DAY, exp: SEC + 100 * DAY })).kid;
    const future = (await addIssuerKey(dir, { nbf: SEC + DAY, exp: SEC + 100 * DAY })).kid;
    expect((await loadSigner(dir, { now: NOW })).signer.kid).toBe(newer);
    expect((await loadSigner(dir, { now: NOW - 50 * DAY * 1000 })).signer.kid).toBe(old);
    const explicit = await loadSigner(dir, { now: NOW, kid: future });
    expect(explicit).toMatchObject({ active: false, signer: { kid: future, iss: DEMO_ISSUER_ISS } });
    await expect(loadSigner(dir, { now: NOW, kid: 'Z'.repeat(43) })).rejects.toMatchObject({ code: 'ISSUER_KEY_NOT_FOUND' });
    // the loaded signer really signs
    const card = await issueCard(demoCardInput(NOW), (await loadSigner(dir, { now: NOW })).signer, { now: NOW });
    expect(card.jws.split('.')).toHaveLength(3);
  });

  it('revokeRid adds rid / rid.<seconds> to the key list and bumps ctr', async () => {
    const { kid } = await addIssuerKey(dir, { nbf: SEC - DAY });
    const a = await revokeRid(dir, { rid: 'abc', now: NOW });
    expect(a).toStrictEqual({ kid, entry: 'abc', ctr: 2, changed: true });
    const b = await revokeRid(dir, { rid: 'lost', now: NOW, kid, beforeSec: SEC });
    expect(b).toMatchObject({ entry: `lost.${SEC}`, ctr: 3, changed: true });
    const c = await revokeRid(dir, { rid: 'abc', now: NOW });
    expect(c).toMatchObject({ changed: false, ctr: 3 });
    expect(await json(issuerPaths(dir).crl(kid))).toStrictEqual({ kid, method: 'rid', ctr: 3, rids: ['abc', `lost.${SEC}`] });
    await expect(revokeRid(dir, { rid: 'a b', now: NOW })).rejects.toMatchObject({ code: 'REVOKE_INPUT_INVALID' });
    await expect(revokeRid(dir, { rid: 'x', now: NOW, kid: 'Q'.repeat(43) })).rejects.toMatchObject({ code: 'ISSUER_KEY_NOT_FOUND' });
  });
});

describe('trust file', () => {
  it('trusts the issuer with paths relative to the trust file; the kiosk loader reads it', async () => {
    const { kid } = await addIssuerKey(dir, { nbf: SEC - DAY, exp: SEC + DAY });
    const snap = await trustIssuerDir(trustFile, dir, NOW);
    expect(await json(trustFile)).toStrictEqual({
      updatedAt: '2026-11-25T02:00:00.000Z',
      issuers: [
        {
          iss: DEMO_ISSUER_ISS,
          name: 'Demo',
          demo: true,
          jwks: 'demo-issuer/.well-known/jwks.json',
          crl: { [kid]: `demo-issuer/.well-known/crl/${kid}.json` },
        },
      ],
    });
    expect(snap.updatedAt).toBe(NOW);
    expect(snap.demo).toBe(true);
    expect(snap.keysByKid.get(kid)).toMatchObject({ iss: DEMO_ISSUER_ISS, nbf: SEC - DAY, exp: SEC + DAY });
    expect(await trustFileListsIssuer(trustFile, DEMO_ISSUER_ISS)).toBe(true);
    expect(await trustFileListsIssuer(trustFile, 'https://other.example')).toBe(false);
  });

  it('revocations and new keys reach the loaded snapshot; updatedAt moves; other issuers stay', async () => {
    const other = { iss: 'https://other.example', name: 'Other', jwks: { keys: [] }, refreshUrl: 'https://other.example' };
    await writeFile(trustFile, JSON.stringify({ updatedAt: '2026-01-01T00:00:00Z', issuers: [other] }));
    const { kid } = await addIssuerKey(dir, {});
    await trustIssuerDir(trustFile, dir, NOW);
    await revokeRid(dir, { rid: 'abc', now: NOW, kid });
    const second = (await addIssuerKey(dir, {})).kid;
    const later = NOW + 60_000;
    const snap = await trustIssuerDir(trustFile, dir, later);
    expect(snap.updatedAt).toBe(later);
    expect(snap.issuers.get(DEMO_ISSUER_ISS)!.crl.get(kid)).toMatchObject({ ctr: 2, rids: new Map([['abc', null]]) });
    expect(snap.keysByKid.has(second)).toBe(true);
    expect(snap.issuers.get('https://other.example')).toMatchObject({ name: 'Other', refreshUrl: 'https://other.example' });
    expect((await json(trustFile)).issuers[0]).toStrictEqual(other);
    expect(await loadTrustFile(trustFile)).toMatchObject({ updatedAt: later });
  });
});
