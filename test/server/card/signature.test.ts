import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseJws } from '../../../server/card/jws.js';
import { verifyEs256 } from '../../../server/card/signature.js';
import { KID_1, KID_2, shcTrust, vector } from '../../helpers/shc-vectors.js';
import { makeTestKey, signJws, testTrust } from '../../helpers/sign-card.js';

function parts(jws: string) {
  const p = parseJws(jws.trim());
  if (!p.ok) throw new Error('fixture');
  return p.parts;
}

describe('verifyEs256', () => {
  const trust = shcTrust();
  const k1 = trust.keysByKid.get(KID_1)!;
  const k2 = trust.keysByKid.get(KID_2)!;

  it('verifies the spec examples with their keys', () => {
    const p0 = parts(vector('shc-spec/example-00-d-jws.txt'));
    expect(verifyEs256(p0.signingInput, p0.signature, k1)).toBe(true);
    expect(verifyEs256(p0.signingInput, p0.signature, k2)).toBe(false);
    const p1 = parts(vector('shc-spec/example-01-d-jws.txt'));
    expect(verifyEs256(p1.signingInput, p1.signature, k2)).toBe(true);
  });

  it('refuses the tampered-signature vector', () => {
    const p = parts(vector('shc-negative/test-example-00-d-jws-invalid-signature.txt'));
    expect(verifyEs256(p.signingInput, p.signature, k1)).toBe(false);
  });

  it('refuses a DER signature from the right key', () => {
    const k = makeTestKey();
    const t = testTrust([{ keys: [k] }]);
    const key = t.keysByKid.get(k.kid)!;
    const good = parts(signJws({ iss: 'x' }, k));
    expect(verifyEs256(good.signingInput, good.signature, key)).toBe(true);
    const der = sign('sha256', Buffer.from(good.signingInput), { key: k.privateKey, dsaEncoding: 'der' });
    expect(der.length).toBeGreaterThan(64);
    expect(verifyEs256(good.signingInput, der.toString('base64url'), key)).toBe(false);
  });

  it('refuses wrong lengths, a flipped bit and a changed signing input', () => {
    const k = makeTestKey();
    const key = testTrust([{ keys: [k] }]).keysByKid.get(k.kid)!;
    const p = parts(signJws({ a: 1 }, k));
    const sig = Buffer.from(p.signature, 'base64url');
    expect(verifyEs256(p.signingInput, sig.subarray(0, 63).toString('base64url'), key)).toBe(false);
    expect(verifyEs256(p.signingInput, Buffer.concat([sig, Buffer.from([0])]).toString('base64url'), key)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyEs256(p.signingInput, flipped.toString('base64url'), key)).toBe(false);
    expect(verifyEs256(p.signingInput + 'A', p.signature, key)).toBe(false);
    expect(verifyEs256(p.signingInput, Buffer.alloc(64).toString('base64url'), key)).toBe(false);
  });
});

describe('verifyEs256 canonical encoding', () => {
  it('refuses a signature whose last character sets unused bits', () => {
    const k = makeTestKey();
    const key = testTrust([{ keys: [k] }]).keysByKid.get(k.kid)!;
    const p = parts(signJws({ a: 1 }, k));
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = p.signature.at(-1)!;
    const variant = B64[B64.indexOf(last) | 1]!; // same data bits, one padding bit set
    expect(variant).not.toBe(last);
    const sig2 = p.signature.slice(0, -1) + variant;
    expect(Buffer.from(sig2, 'base64url').equals(Buffer.from(p.signature, 'base64url'))).toBe(true);
    expect(verifyEs256(p.signingInput, p.signature, key)).toBe(true);
    expect(verifyEs256(p.signingInput, sig2, key)).toBe(false);
  });
});
