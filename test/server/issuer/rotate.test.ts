import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { loadSigner, readIssuerDir } from '../../../server/issuer/issuer-dir.js';
import { rotateIssuerKey } from '../../../server/issuer/rotate.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
const policy = { ...DEFAULT_POLICY, facility: '12001' };
let issuer: TestIssuer | undefined;
afterEach(async () => {
  await issuer?.cleanup();
  issuer = undefined;
});

describe('issuer rotate', () => {
  it('adds a key from now, retires the old one at now, and makes the new one the signing key', async () => {
    issuer = await makeTestIssuer({ now: T0 });
    const rotatedAt = T0 - 600_000;
    const result = await rotateIssuerKey(issuer.issuerDir, { now: rotatedAt });
    const nowSec = Math.floor(rotatedAt / 1000);
    expect(result.retiredKids).toEqual([issuer.kid]);
    expect(result.nbf).toBe(nowSec);

    const dir = await readIssuerDir(issuer.issuerDir);
    const oldKey = dir.keys.find((k) => k.kid === issuer!.kid)!;
    const newKey = dir.keys.find((k) => k.kid === result.newKid)!;
    expect(oldKey.exp).toBe(nowSec);
    expect(newKey.nbf).toBe(nowSec);
    expect(newKey.exp).toBeGreaterThan(nowSec);
    expect(dir.crl.get(result.newKid)).toMatchObject({ ctr: 1, rids: [] });

    const { signer, active } = await loadSigner(issuer.issuerDir, { now: T0 });
    expect(signer.kid).toBe(result.newKid);
    expect(active).toBe(true);
  });

  it('cards of both keys verify; an old-key card issued after retirement is KEY_INACTIVE', async () => {
    issuer = await makeTestIssuer({ now: T0 });
    const before = await issuer.issue({}, { now: T0 - 3600_000 });
    const { newKid } = await rotateIssuerKey(issuer.issuerDir, { now: T0 - 1800_000 });
    const trust = await issuer.reload();
    // The trust file points at the issuer directory, so reloading it sees the rotation.
    expect(trust.keysByKid.has(newKid)).toBe(true);

    const fresh = await issuer.issue({}, { kid: newKid });
    const late = await issuer.issue({}, { kid: issuer.kid, now: T0 - 60_000 });
    expect(verifyQr(before.qrText, { trust, now: T0, policy }).verdict).toBe('accepted');
    expect(verifyQr(fresh.qrText, { trust, now: T0, policy }).verdict).toBe('accepted');
    const r = verifyQr(late.qrText, { trust, now: T0, policy });
    expect(r.verdict).toBe('rejected');
    expect(r.code).toBe('KEY_INACTIVE');
  });

  it('a second rotation retires only the key then active', async () => {
    issuer = await makeTestIssuer({ now: T0 });
    const first = await rotateIssuerKey(issuer.issuerDir, { now: T0 - 7200_000 });
    const second = await rotateIssuerKey(issuer.issuerDir, { now: T0 - 3600_000 });
    expect(second.retiredKids).toEqual([first.newKid]);
    const dir = await readIssuerDir(issuer.issuerDir);
    expect(dir.keys.find((k) => k.kid === issuer!.kid)!.exp).toBe(Math.floor((T0 - 7200_000) / 1000));
    expect(dir.keys).toHaveLength(3);
  });
});
