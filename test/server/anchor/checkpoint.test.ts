/**
 * The checkpoint format (server/anchor/checkpoint.ts): a round trip, then every refusal with its
 * exact detail, header first (checkpointKey: what the store reads before it trusts anything), then
 * the signature and the payload (verifyCheckpoint). Hand-made tokens are signed with node:crypto
 * directly, so a test can put any bytes in any segment.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
import { CheckpointInvalid, checkpointKey, publicJwk, signCheckpoint, verifyCheckpoint } from '../../../server/anchor/checkpoint.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { CHECKPOINT_TYP, MAX_CHECKPOINT_CHARS, type CheckpointClaims } from '../../../server/wire/checkpoints.js';
import { highSTwin } from '../../helpers/sign-card.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const jwk = publicJwk(key);
const kid = await calculateJwkThumbprint(jwk, 'sha256');
const HEADER = { alg: 'ES256', typ: CHECKPOINT_TYP, kid, jwk };
const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

const CLAIMS: CheckpointClaims = {
  v: 1,
  facility: '12001',
  visits: { seq: 12, hash: H1 },
  cardChecks: { seq: 3, hash: H2 },
  signedAt: '2026-11-25T02:00:00.000Z',
};

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A compact JWS with exactly these header and payload bytes, signed ES256 (raw r‖s) with `k`. */
function raw(header: unknown, payload: unknown, k: KeyObject = key): string {
  const input = `${b64(header)}.${Buffer.isBuffer(payload) ? payload.toString('base64url') : b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: k, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
const withClaims = (over: Record<string, unknown>) => raw(HEADER, { ...CLAIMS, ...over });
const withHeader = (over: Record<string, unknown>) => raw({ ...HEADER, ...over }, CLAIMS);

/** The refusal: always CheckpointInvalid, code CHECKPOINT_INVALID, the detail exactly. */
async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointInvalid);
  expect(err).toBeInstanceOf(AppError);
  const e = err as CheckpointInvalid;
  expect(e.code).toBe('CHECKPOINT_INVALID');
  const detail = (e.extra as { detail: string }).detail;
  expect(e.detail).toBe(`Not a checkpoint: ${detail}.`);
  return detail;
}
const headerRefusal = (jws: unknown) => refusal(checkpointKey(jws));
const verifyRefusal = (jws: string, k = jwk) => refusal(verifyCheckpoint(jws, k));

describe('a checkpoint signed by the kiosk', () => {
  it('round-trips: sign → checkpointKey (key and thumbprint) → verifyCheckpoint (the claims)', async () => {
    const jws = await signCheckpoint(CLAIMS, key);
    expect(jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jws.length).toBeLessThan(MAX_CHECKPOINT_CHARS);
    expect(decodeProtectedHeader(jws)).toEqual(HEADER);
    expect(Object.keys(decodeProtectedHeader(jws))).toEqual(['alg', 'typ', 'kid', 'jwk']);
    const proposed = await checkpointKey(jws);
    expect(proposed).toEqual({ thumbprint: kid, jwk });
    expect(await verifyCheckpoint(jws, proposed.jwk)).toEqual(CLAIMS);
    expect(JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString())).toEqual(CLAIMS);
  });

  it('round-trips an empty kiosk (both logs at 0 and the genesis hash)', async () => {
    const empty = { ...CLAIMS, visits: { seq: 0, hash: GENESIS_HASH }, cardChecks: { seq: 0, hash: GENESIS_HASH } };
    expect(await verifyCheckpoint(await signCheckpoint(empty, key), jwk)).toEqual(empty);
  });

  it('publicJwk keeps only kty, crv, x, y and refuses a key that is not P-256', () => {
    expect(Object.keys(publicJwk(key)).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    expect(() => publicJwk(p384)).toThrow('the kiosk key must be an EC P-256 key');
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(() => publicJwk(ed)).toThrow('the kiosk key must be an EC P-256 key');
  });

  it('a high-S twin of the signature (s → n − s) still verifies: ES256 has no low-S rule', async () => {
    const jws = await signCheckpoint(CLAIMS, key);
    const twin = highSTwin(jws);
    expect(twin).not.toBe(jws);
    expect(highSTwin(twin)).toBe(jws);
    expect(await checkpointKey(twin)).toEqual({ thumbprint: kid, jwk });
    expect(await verifyCheckpoint(twin, jwk)).toEqual(CLAIMS);
  });
});

describe('checkpointKey: the text and the protected header', () => {
  it('not a compact JWS: not text, wrong number of segments, padding, spaces, the JSON serialisation', async () => {
    const good = await signCheckpoint(CLAIMS, key);
    const [h, p, s] = good.split('.');
    const cases: unknown[] = [
      undefined,
      null,
      42,
      { checkpoint: good },
      [good],
      '',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.`,
      `${h}=.${p}.${s}`,
      ` ${good}`,
      `${good}\n`,
      `${h}.${p}.${s!.slice(0, 10)}+${s!.slice(11)}`,
      JSON.stringify({ protected: h, payload: p, signature: s }),
    ];
    for (const c of cases) expect(await headerRefusal(c), String(c)).toBe('not a compact JWS');
  });

  it(`oversized: ${MAX_CHECKPOINT_CHARS} characters pass the size check, one more is refused`, async () => {
    const good = await signCheckpoint(CLAIMS, key);
    const [h, , s] = good.split('.');
    const fill = (n: number) => 'A'.repeat(n - h!.length - s!.length - 2);
    const atMax = `${h}.${fill(MAX_CHECKPOINT_CHARS)}.${s}`;
    expect(atMax.length).toBe(MAX_CHECKPOINT_CHARS);
    expect(await checkpointKey(atMax)).toEqual({ thumbprint: kid, jwk });
    const over = `${h}.${fill(MAX_CHECKPOINT_CHARS + 1)}.${s}`;
    expect(over.length).toBe(MAX_CHECKPOINT_CHARS + 1);
    expect(await headerRefusal(over)).toBe('not a compact JWS');
    expect(await verifyRefusal(over)).toBe('not a compact JWS');
  });

  it('unreadable header: not base64url JSON, or JSON that is not an object', async () => {
    const good = await signCheckpoint(CLAIMS, key);
    const rest = good.slice(good.indexOf('.'));
    for (const h of [b64('not json'), b64('[1,2]'), b64('"ES256"'), b64('null'), Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')]) {
      expect(await headerRefusal(h + rest), h).toBe('unreadable header');
    }
  });

  it('alg: none, HS256, ES384, RS256, es256, missing → alg must be ES256', async () => {
    const hs256 = (() => {
      const input = `${b64({ ...HEADER, alg: 'HS256' })}.${b64(CLAIMS)}`;
      return `${input}.${createHmac('sha256', Buffer.from(jwk.x!, 'base64url')).update(input).digest('base64url')}`;
    })();
    expect(await headerRefusal(hs256)).toBe('alg must be ES256');
    for (const alg of ['none', 'ES384', 'RS256', 'EdDSA', 'es256', 'ES256 ', '']) {
      expect(await headerRefusal(withHeader({ alg })), alg).toBe('alg must be ES256');
    }
    const { alg: _alg, ...noAlg } = HEADER;
    expect(await headerRefusal(raw(noAlg, CLAIMS))).toBe('alg must be ES256');
    // alg none with the empty signature it would have is not even compact by our rule.
    const none = `${b64({ ...HEADER, alg: 'none' })}.${b64(CLAIMS)}.`;
    expect(await headerRefusal(none)).toBe('not a compact JWS');
  });

  it('typ: other, other case, missing, not text → typ must be the checkpoint type', async () => {
    for (const typ of ['JWT', 'JOSE', 'bhyt-checkpoint', CHECKPOINT_TYP.toUpperCase(), `application/${CHECKPOINT_TYP}`, 1]) {
      expect(await headerRefusal(withHeader({ typ })), String(typ)).toBe(`typ must be ${CHECKPOINT_TYP}`);
    }
    const { typ: _typ, ...noTyp } = HEADER;
    expect(await headerRefusal(raw(noTyp, CLAIMS))).toBe(`typ must be ${CHECKPOINT_TYP}`);
  });

  it('an extra header field (crit, b64, jku, x5c, x5u, cty, zip, nonce …) → unexpected header field', async () => {
    const extras: Array<Record<string, unknown>> = [
      { crit: ['b64'], b64: false },
      { crit: ['exp'], exp: 1 },
      { crit: [] },
      { b64: true },
      { jku: 'https://evil.invalid/jwks.json' },
      { x5c: ['MIIB'] },
      { x5u: 'https://evil.invalid/cert.pem' },
      { x5t: 'abc' },
      { cty: 'json' },
      { zip: 'DEF' },
      { nonce: 'x' },
      { __proto__x: 1 },
    ];
    for (const extra of extras) {
      expect(await headerRefusal(withHeader(extra)), Object.keys(extra).join()).toBe('unexpected header field');
    }
  });

  it('jwk: with d (the private part), not P-256, missing, other members, not text → a P-256 public key only', async () => {
    const detail = 'jwk must be a P-256 public key (kty, crv, x, y only)';
    const priv = key.export({ format: 'jwk' });
    const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const cases: unknown[] = [
      priv,
      { ...jwk, d: priv.d },
      ec384,
      { ...jwk, crv: 'P-384' },
      { ...jwk, crv: 'secp256k1' },
      { ...jwk, kty: 'OKP' },
      ed,
      rsa,
      { kty: 'oct', k: 'c2VjcmV0' },
      { ...jwk, kid },
      { ...jwk, use: 'sig' },
      { ...jwk, alg: 'ES256' },
      { kty: 'EC', crv: 'P-256', x: jwk.x },
      { ...jwk, x: 1 },
      { ...jwk, y: null },
      null,
      'jwk',
      [jwk],
    ];
    for (const c of cases) expect(await headerRefusal(withHeader({ jwk: c })), JSON.stringify(c)).toBe(detail);
    const { jwk: _jwk, ...noJwk } = HEADER;
    expect(await headerRefusal(raw(noJwk, CLAIMS))).toBe(detail);
  });

  it('jwk: a point not on P-256 → jwk is not a point on P-256', async () => {
    const y = Buffer.from(jwk.y!, 'base64url');
    y[31]! ^= 1;
    for (const bad of [
      { ...jwk, y: y.toString('base64url') },
      { ...jwk, x: 'AAAA' },
      { ...jwk, x: '', y: '' },
    ]) {
      expect(await headerRefusal(withHeader({ jwk: bad })), JSON.stringify(bad)).toBe('jwk is not a point on P-256');
    }
  });

  it("kid: another key's thumbprint, a SHA-384 thumbprint, missing, not text → kid must be the thumbprint", async () => {
    const detail = "kid must be the key's RFC 7638 thumbprint";
    const other = await calculateJwkThumbprint(publicJwk(otherKey), 'sha256');
    for (const k of [other, await calculateJwkThumbprint(jwk, 'sha384'), kid.toUpperCase(), `${kid}=`, '', 7]) {
      expect(await headerRefusal(withHeader({ kid: k })), String(k)).toBe(detail);
    }
    const { kid: _kid, ...noKid } = HEADER;
    expect(await headerRefusal(raw(noKid, CLAIMS))).toBe(detail);
  });

  it('does not check the signature (that is verifyCheckpoint, with the key the caller trusts)', async () => {
    // A proposal signed by another key than its jwk: the header reads fine, the signature does not.
    const forged = raw(HEADER, CLAIMS, otherKey);
    expect(await checkpointKey(forged)).toEqual({ thumbprint: kid, jwk });
    expect(await verifyRefusal(forged)).toBe('the signature does not verify with the kiosk key');
  });
});

describe('verifyCheckpoint: the signature', () => {
  const detail = 'the signature does not verify with the kiosk key';

  it('signed by another key than the given jwk', async () => {
    const jws = await signCheckpoint(CLAIMS, otherKey);
    expect(await verifyRefusal(jws, jwk)).toBe(detail);
    // …and with its own key it verifies.
    expect(await verifyCheckpoint(jws, publicJwk(otherKey))).toEqual(CLAIMS);
  });

  it('a payload or header changed after signing, a truncated or zero signature, an unusable given key', async () => {
    const jws = await signCheckpoint(CLAIMS, key);
    const [h, , s] = jws.split('.');
    expect(await verifyRefusal(`${h}.${b64({ ...CLAIMS, visits: { seq: 13, hash: H1 } })}.${s}`)).toBe(detail);
    expect(await verifyRefusal(`${b64({ ...HEADER, kid: kid })}.${b64({ ...CLAIMS, facility: '79002' })}.${s}`)).toBe(detail);
    expect(await verifyRefusal(`${h}.${jws.split('.')[1]}.${s!.slice(0, 40)}`)).toBe(detail);
    expect(await verifyRefusal(`${h}.${jws.split('.')[1]}.${Buffer.alloc(64).toString('base64url')}`)).toBe(detail);
    expect(await verifyRefusal(jws, { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' })).toBe(detail);
  });

  it('the header rules hold here too (an auditor verifying a listed checkpoint gets the same answers as the store)', async () => {
    expect(await verifyRefusal(withHeader({ jku: 'https://evil.invalid/' }))).toBe('unexpected header field');
    expect(await verifyRefusal(withHeader({ crit: ['b64'], b64: false }))).toBe('unexpected header field');
    expect(await verifyRefusal(withHeader({ typ: 'JWT' }))).toBe(`typ must be ${CHECKPOINT_TYP}`);
    expect(await verifyRefusal(withHeader({ kid: 'x' }))).toBe("kid must be the key's RFC 7638 thumbprint");
  });
});

describe('verifyCheckpoint: the payload', () => {
  it('not UTF-8, not JSON → payload is not JSON', async () => {
    for (const p of [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from('{"v":1,"facility":"\xe9"}', 'latin1'),
      Buffer.from('not json'),
      Buffer.from('{"v":1,}'),
    ]) {
      expect(await verifyRefusal(raw(HEADER, p)), p.toString('hex')).toBe('payload is not JSON');
    }
  });

  it('JSON that is not an object → payload must be an object', async () => {
    for (const p of ['null', '[1]', '"x"', '12', 'true']) {
      expect(await verifyRefusal(raw(HEADER, Buffer.from(p))), p).toBe('payload must be an object');
    }
  });

  it('an extra or a missing field → payload must have exactly the known fields', async () => {
    const detail = 'payload must have exactly v, facility, visits, cardChecks, signedAt';
    expect(await verifyRefusal(withClaims({ iat: 1 }))).toBe(detail);
    expect(await verifyRefusal(withClaims({ kid: 'x' }))).toBe(detail);
    for (const field of Object.keys(CLAIMS)) {
      const rest: Record<string, unknown> = { ...CLAIMS };
      delete rest[field];
      expect(await verifyRefusal(raw(HEADER, rest)), field).toBe(detail);
    }
    expect(await verifyRefusal(raw(HEADER, {}))).toBe(detail);
  });

  it('v other than 1', async () => {
    for (const v of [2, 0, '1', 1.5, null]) expect(await verifyRefusal(withClaims({ v })), String(v)).toBe('v must be 1');
  });

  it('facility not a facility code', async () => {
    for (const facility of ['1200', '120011', 12001, '', null, '12 01']) {
      expect(await verifyRefusal(withClaims({ facility })), String(facility)).toBe('facility must be a 5-character facility code');
    }
  });

  it('signedAt not an ISO-8601 UTC instant (impossible dates included)', async () => {
    const detail = 'signedAt must be an ISO-8601 UTC instant';
    for (const signedAt of [
      '2026-11-25',
      '2026-11-25T02:00:00',
      '2026-11-25T09:00:00+07:00',
      '2026-11-25 02:00:00Z',
      '2026-11-25T02:00:00.0000Z',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      Date.parse(CLAIMS.signedAt),
      '',
      null,
    ]) {
      expect(await verifyRefusal(withClaims({ signedAt })), String(signedAt)).toBe(detail);
    }
    // Without milliseconds, and on a leap day, is fine.
    for (const signedAt of ['2026-11-25T02:00:00Z', '2028-02-29T23:59:59.9Z']) {
      expect((await verifyCheckpoint(withClaims({ signedAt }), jwk)).signedAt).toBe(signedAt);
    }
  });

  describe.each(['visits', 'cardChecks'] as const)('the %s head', (name) => {
    const head = (h: unknown) => withClaims({ [name]: h });

    it('not { seq, hash }', async () => {
      for (const h of [null, [], 'x', {}, { seq: 1 }, { hash: H1 }, { seq: 1, hash: H1, at: 1 }, { seq: 1, hash: H1, prev: H2 }]) {
        expect(await verifyRefusal(head(h)), JSON.stringify(h)).toBe(`${name} must be { seq, hash }`);
      }
    });

    it('seq negative, not a whole number, not a number, beyond 2^53', async () => {
      for (const seq of [-1, 1.5, '1', null, 2 ** 53, 1e300, true]) {
        expect(await verifyRefusal(head({ seq, hash: H1 })), String(seq)).toBe(`${name}.seq must be a whole number ≥ 0`);
      }
    });

    it('hash uppercase, short, long, not hex, not text', async () => {
      for (const hash of [H1.toUpperCase(), 'A' + H1.slice(1), H1.slice(1), H1 + 'a', 'g'.repeat(64), ` ${H1.slice(1)}`, 1, null]) {
        expect(await verifyRefusal(head({ seq: 1, hash })), String(hash)).toBe(`${name}.hash must be 64 lowercase hex characters`);
      }
    });

    it('seq 0 goes with the genesis hash only, and the genesis hash with seq 0 only', async () => {
      const detail = `${name}: seq 0 goes with the genesis hash only`;
      expect(await verifyRefusal(head({ seq: 0, hash: H1 }))).toBe(detail);
      expect(await verifyRefusal(head({ seq: 1, hash: GENESIS_HASH }))).toBe(detail);
      expect((await verifyCheckpoint(head({ seq: 0, hash: GENESIS_HASH }), jwk))[name]).toEqual({ seq: 0, hash: GENESIS_HASH });
    });
  });
});
