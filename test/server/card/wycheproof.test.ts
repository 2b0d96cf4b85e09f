/**
 * Project Wycheproof's ECDSA P-256 / SHA-256 vectors in the raw r‖s (IEEE P1363) form ES256 uses
 * (../shared/vectors/wycheproof/, Apache-2.0), fed through the kiosk's signature step with each
 * group's public key imported the way the trust store imports keys. All 262 must agree: 173
 * valid (including test 1, a high-S signature: ES256 does not require low-S), 89 invalid.
 */
import { describe, expect, it } from 'vitest';
import { verifyEs256, verifyEs256Async } from '../../../server/card/signature.js';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr, verifyQrAsync } from '../../../server/card/verify.js';
import { buildTrustSnapshot } from '../../../server/trust/build-snapshot.js';
import { ecThumbprint } from '../../../server/trust/thumbprint.js';
import type { TrustedKey } from '../../../server/trust/types.js';
import { vectorJson } from '../../helpers/shc-vectors.js';
import { P256_N, be32, cardPayload, fromShc, highSTwin, makeTestKey, signJws, testTrust, toShc } from '../../helpers/sign-card.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofGroup {
  /** `uncompressed`: 04‖x‖y, hex (a few groups carry no JWK, so the point is read from here). */
  publicKey: { curve: string; uncompressed: string };
  tests: WycheproofTest[];
}
interface WycheproofFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

const file = vectorJson('wycheproof/ecdsa_secp256r1_sha256_p1363_test.json') as WycheproofFile;

/** A group's key through the real trust-snapshot import (kid = its RFC 7638 thumbprint). */
function trustedKey(pk: WycheproofGroup['publicKey']): TrustedKey {
  const point = Buffer.from(pk.uncompressed, 'hex');
  if (pk.curve !== 'secp256r1' || point.length !== 65 || point[0] !== 4) throw new Error('unexpected key');
  const jwk = { x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
  const kid = ecThumbprint({ crv: 'P-256', x: jwk.x, y: jwk.y });
  const snap = buildTrustSnapshot({
    updatedAt: '2026-11-24T00:00:00Z',
    issuers: [
      { iss: 'https://wycheproof.invalid', name: 'wycheproof', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid }] } },
    ],
  });
  return snap.keysByKid.get(kid)!;
}

/**
 * The signature step takes the signing input as the ASCII text `header.payload`, encoded as
 * latin1 bytes; a vector's message bytes map one-to-one onto such a string.
 */
const asSigningInput = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
const asSignature = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

const cases = file.testGroups.flatMap((g) => {
  const key = trustedKey(g.publicKey);
  return g.tests.map((t) => ({ key, t }));
});

describe('Wycheproof ecdsa_secp256r1_sha256_p1363', () => {
  it('the file is the one the README describes: 262 tests, 173 valid and 89 invalid', () => {
    expect(file.algorithm).toBe('ECDSA');
    expect(file.numberOfTests).toBe(262);
    expect(cases).toHaveLength(262);
    expect(cases.filter((c) => c.t.result === 'valid')).toHaveLength(173);
    expect(cases.filter((c) => c.t.result === 'invalid')).toHaveLength(89);
  });

  it('verifyEs256 agrees with all 262 results (sync and thread-pool forms)', async () => {
    const disagree: string[] = [];
    let agreed = 0;
    for (const { key, t } of cases) {
      // No vector here is "acceptable"; if one were, either answer would do.
      const want = t.result === 'valid';
      const got = verifyEs256(asSigningInput(t.msg), asSignature(t.sig), key);
      const gotAsync = await verifyEs256Async(asSigningInput(t.msg), asSignature(t.sig), key);
      if (t.result !== 'acceptable' && (got !== want || gotAsync !== want))
        disagree.push(`tc ${t.tcId} (${t.comment}): ${got}/${gotAsync}`);
      else agreed++;
    }
    expect(disagree).toEqual([]);
    expect(agreed).toBe(262);
  });

  it('test 1 ("signature malleability") and its s → n − s twin both verify: one of the two is high-S', () => {
    // The README calls test 1 high-S; in this file its s is below n/2, and Wycheproof's point is
    // the pair: both (r, s) and (r, n − s) are valid ES256 signatures of the same message.
    const t1 = cases.find((c) => c.t.tcId === 1)!;
    expect(t1.t.comment).toBe('signature malleability');
    const s = BigInt('0x' + t1.t.sig.slice(64));
    const twin = t1.t.sig.slice(0, 64) + be32(P256_N - s).toString('hex');
    expect([s > P256_N / 2n, P256_N - s > P256_N / 2n].filter(Boolean)).toHaveLength(1);
    expect(verifyEs256(asSigningInput(t1.t.msg), asSignature(t1.t.sig), t1.key)).toBe(true);
    expect(verifyEs256(asSigningInput(t1.t.msg), asSignature(twin), t1.key)).toBe(true);
  });
});

describe('the high-S twin of a card through the full verifier', () => {
  const key = makeTestKey();
  const trust = testTrust([{ keys: [key] }]);
  const ctx = { trust, now: Date.parse('2026-11-25T03:00:00Z'), policy: DEFAULT_POLICY };

  it('verifies exactly like the original, with the same card', async () => {
    for (let i = 0; i < 4; i++) {
      const jws = signJws(cardPayload({ rid: `r${i}` }), key);
      const twin = highSTwin(jws);
      expect(twin).not.toBe(jws);
      expect(twin.slice(0, twin.lastIndexOf('.'))).toBe(jws.slice(0, jws.lastIndexOf('.')));
      expect(highSTwin(twin)).toBe(jws);
      const a = verifyQr(toShc(jws), ctx);
      const b = verifyQr(toShc(twin), ctx);
      const c = await verifyQrAsync(twin, ctx);
      expect(a.verdict).toBe('accepted');
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(fromShc(toShc(twin))).toBe(twin);
    }
  });
});
