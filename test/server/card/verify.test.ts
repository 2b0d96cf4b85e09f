/** The whole verifier on self-signed cards: every reason code, ordering, time edges, policy. */
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../../server/card/reasons.js';
import { DEFAULT_POLICY, type VerifyPolicy } from '../../../server/card/types.js';
import type { ReasonCode, VerifyResult } from '../../../server/wire/verification.js';
import { verifyQr } from '../../../server/card/verify.js';
import { PORTAL_REASON_CODES } from '../../../server/portal/verdicts.js';
import { DEMO_ISSUER_ISS } from '../../../server/trust/build-snapshot.js';
import type { TrustSnapshot } from '../../../server/trust/types.js';
import { CCCD, LEGACY_HC, LEGACY_NEW, LEGACY_TE } from '../../helpers/legacy-samples.js';
import { TEST_ISS, cardPayload, makeTestKey, sec, signJws, testTrust, toShc, type PayloadIn } from '../../helpers/sign-card.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const key = makeTestKey();
const otherKey = makeTestKey();
const trust = testTrust([{ keys: [key] }]);

/** Every code any test in this file produced: the last test checks all are reached. */
const seen = new Set<ReasonCode>();
function verify(text: string, opts: { trust?: TrustSnapshot; now?: number; policy?: Partial<VerifyPolicy> } = {}): VerifyResult {
  const r = verifyQr(text, { trust: opts.trust ?? trust, now: opts.now ?? NOW, policy: { ...DEFAULT_POLICY, ...opts.policy } });
  seen.add(r.code);
  for (const x of r.reasons) seen.add(x.code);
  return r;
}
const card = (p: PayloadIn = {}, k = key) => toShc(signJws(cardPayload(p), k));
const codes = (r: VerifyResult) => r.reasons.map((x) => x.code);
const checks = (r: VerifyResult) => r.checks.map((c) => `${c.name}:${c.ok ? 'ok' : 'fail'}`);
const ALL_OK = ['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:ok', 'time:ok', 'revocation:ok', 'card:ok'];

describe('a good card', () => {
  it('is accepted with every check listed and every field read', () => {
    const r = verify(card({ rid: 'Xc9k2pQ' }));
    expect(r.verdict).toBe('accepted');
    expect(r.code).toBe('OK');
    expect(r.portalCode).toBe('000');
    expect(r.reasons).toEqual([]);
    expect(checks(r)).toEqual(ALL_OK);
    expect(r).toMatchObject({
      source: 'signed',
      keyId: key.kid,
      issuer: TEST_ISS,
      issuerName: 'BHXH test',
      nbf: sec('2026-11-20T00:00:00Z'),
      exp: sec('2026-12-20T00:00:00Z'),
      rid: 'Xc9k2pQ',
      checkedAt: '2026-11-25T03:00:00.000Z',
    });
    expect(r.demo).toBeUndefined();
    expect(r.card).toEqual({
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '1990-03-20',
      gender: 'male',
      maSoBhxh: '1201234567',
      cardNumber: 'DN4121201234567',
      objectCode: 'DN',
      benefitLevel: 4,
      benefitPercent: 80,
      registeredFacility: '12001',
      provinceCode: '12',
      provinceName: 'Lai Châu',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      fiveYearDate: '2028-01-01',
      issuedBy: 'BHXH tỉnh Lai Châu',
    });
  });

  it('is accepted as a bare JWS, as a .smart-health-card file, and with scanner CR/LF', () => {
    const jws = signJws(cardPayload(), key);
    expect(verify(jws).code).toBe('OK');
    expect(verify(JSON.stringify({ verifiableCredential: [jws, 'ignored'] })).code).toBe('OK');
    expect(verify(`${toShc(jws)}\r\n`).code).toBe('OK');
    expect(verify(`${jws}\n`).code).toBe('OK');
  });

  it('accepts a 10-digit card without end date or optional fields', () => {
    const r = verify(card({ exp: null, coverage: { subscriberId: '1201234567', end: null, fiveYear: null, payor: null } }));
    expect(r.code).toBe('OK');
    expect(r.card).toMatchObject({ cardNumber: '1201234567', benefitLevel: 4, provinceCode: '12' });
  });

  it('marks the demo issuer', () => {
    const t = testTrust([{ iss: DEMO_ISSUER_ISS, keys: [key] }]);
    const r = verify(card({ iss: DEMO_ISSUER_ISS }), { trust: t });
    expect(r.code).toBe('OK');
    expect(r.demo).toBe(true);
  });
});

describe('facility and policy', () => {
  it('gives OFF_ROUTE info for another facility, accepted', () => {
    const r = verify(card(), { policy: { facility: '12003' } });
    expect(r.verdict).toBe('accepted');
    expect(r.code).toBe('OFF_ROUTE');
    expect(r.portalCode).toBeUndefined();
    expect(r.card?.offRoute).toBe(true);
    expect(checks(r)).toEqual(ALL_OK);
  });

  it('same facility: offRoute false and OK', () => {
    const r = verify(card(), { policy: { facility: '12001' } });
    expect(r.code).toBe('OK');
    expect(r.card?.offRoute).toBe(false);
  });

  it('notes a defence-fund card (SPECIAL_FUND_CARD, portal 001) without rejecting it', () => {
    const r = verify(card({ coverage: { subscriberId: 'QN5971201234567', objectCode: 'QN', benefit: '5', network: '97001' } }), {
      policy: { facility: '97001' },
    });
    expect(r.verdict).toBe('accepted');
    expect(r.code).toBe('SPECIAL_FUND_CARD');
    expect(r.portalCode).toBe('001');
  });

  it('DIGITAL_CARD_NOT_ACCEPTED is the primary error, the card still read', () => {
    const r = verify(card(), { policy: { acceptDigitalCards: false } });
    expect(r.verdict).toBe('rejected');
    expect(r.code).toBe('DIGITAL_CARD_NOT_ACCEPTED');
    expect(r.card?.cardNumber).toBe('DN4121201234567');
  });

  it('refuses oversized input before any work', () => {
    const r = verify(`${card()}${' '.repeat(5000)}`);
    expect(r.code).toBe('QR_MALFORMED');
    expect(checks(r)).toEqual(['qr:fail']);
    expect(verify('x'.repeat(100_000)).code).toBe('QR_MALFORMED');
  });
});

describe('framing and crypto (stop at the first failure)', () => {
  const ok = { alg: 'ES256', kid: key.kid, zip: 'DEF' };
  it.each<[string, Record<string, unknown>]>([
    ['alg none', { ...ok, alg: 'none' }],
    ['alg HS256', { ...ok, alg: 'HS256' }],
    ['zip missing', { alg: 'ES256', kid: key.kid }],
    ['kid missing', { alg: 'ES256', zip: 'DEF' }],
    ['jku', { ...ok, jku: 'https://evil.example' }],
    ['jwk', { ...ok, jwk: key.publicJwk }],
    ['x5c', { ...ok, x5c: [] }],
    ['crit', { ...ok, crit: [] }],
    ['b64', { ...ok, b64: true }],
    ['typ', { ...ok, typ: 'JWT' }],
  ])('HEADER_INVALID: %s', (_n, header) => {
    const r = verify(toShc(signJws(cardPayload(), key, { header })));
    expect(codes(r)).toEqual(['HEADER_INVALID']);
    expect(checks(r)).toEqual(['qr:ok', 'header:fail']);
  });

  it('JWS_MALFORMED for an undecodable header', () => {
    expect(codes(verify(toShc(signJws(cardPayload(), key, { headerText: 'nope' }))))).toEqual(['JWS_MALFORMED']);
    expect(codes(verify('eyJhbGciOiJFUzI1NiJ9.abc'))).toEqual(['JWS_MALFORMED']);
  });

  it('KEY_UNKNOWN for a kid not in the trust store; the kid is reported', () => {
    const r = verify(card({}, otherKey));
    expect(codes(r)).toEqual(['KEY_UNKNOWN']);
    expect(r.keyId).toBe(otherKey.kid);
    expect(r.issuer).toBeUndefined();
  });

  it('SIGNATURE_INVALID when another key signs under the trusted kid', () => {
    const forged = signJws(cardPayload(), otherKey, { header: { alg: 'ES256', kid: key.kid, zip: 'DEF' } });
    const r = verify(toShc(forged));
    expect(codes(r)).toEqual(['SIGNATURE_INVALID']);
    expect(checks(r)).toEqual(['qr:ok', 'header:ok', 'key:ok', 'signature:fail']);
    expect(r.card).toBeUndefined();
  });

  it('SIGNATURE_INVALID for a DER signature from the right key', () => {
    expect(codes(verify(toShc(signJws(cardPayload(), key, { der: true }))))).toEqual(['SIGNATURE_INVALID']);
  });

  it.each<[string, unknown, 'raw' | 'zlib' | 'none']>([
    ['zlib-wrapped', cardPayload(), 'zlib'],
    ['uncompressed (small JSON, header still says DEF)', '{"iss":"https://issuer.test.bhyt.invalid","nbf":1}', 'none'],
    ['17 KiB that deflates tiny', Buffer.from(JSON.stringify({ ...cardPayload(), pad: 'x'.repeat(17 * 1024) })), 'raw'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'raw'],
    ['not JSON', 'hello', 'raw'],
    ['a JSON array', '[1]', 'raw'],
  ])('PAYLOAD_INVALID: %s', (_n, payload, compression) => {
    const r = verify(toShc(signJws(payload, key, { compression })));
    expect(codes(r)).toEqual(['PAYLOAD_INVALID']);
    expect(checks(r)).toEqual(['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:fail']);
  });
});

describe('issuer and key window', () => {
  const otherIss = 'https://other.issuer.test.invalid';
  const both = testTrust([{ keys: [key] }, { iss: otherIss, keys: [otherKey] }]);

  it('ISSUER_MISMATCH: a trusted key never vouches for another trusted issuer', () => {
    const r = verify(card({ iss: otherIss }), { trust: both });
    expect(codes(r)).toEqual(['ISSUER_MISMATCH']);
    expect(checks(r)).toEqual(['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:fail']);
    expect(r.card).toBeUndefined();
    expect(verify(card({ iss: otherIss }, otherKey), { trust: both }).code).toBe('OK');
  });

  it('CREDENTIAL_INVALID (fatal) for a payload without nbf', () => {
    const r = verify(card({ nbf: null }));
    expect(codes(r)).toEqual(['CREDENTIAL_INVALID']);
    expect(checks(r).at(-1)).toBe('payload:fail');
  });

  const nbf = sec('2026-11-20T00:00:00Z');
  it.each<[string, { nbf?: number; exp?: number; revoked?: boolean }, ReasonCode]>([
    ['window contains nbf', { nbf: nbf - 10, exp: nbf + 10 }, 'OK'],
    ['retired key keeps verifying its cards', { nbf: nbf - 100, exp: nbf }, 'OK'],
    ['key starts after the card', { nbf: nbf + 1 }, 'KEY_INACTIVE'],
    ['key ended before the card', { exp: nbf - 1 }, 'KEY_INACTIVE'],
    ['revoked key', { revoked: true }, 'KEY_INACTIVE'],
    ['revoked: false', { revoked: false }, 'OK'],
  ])('%s → %s', (_n, window, code) => {
    const t = testTrust([{ keys: [{ key, ...window }] }]);
    const r = verify(card(), { trust: t });
    expect(r.code).toBe(code);
    if (code === 'KEY_INACTIVE') {
      expect(codes(r)).toEqual(['KEY_INACTIVE']);
      expect(r.card).toBeUndefined();
    }
  });
});

describe('time (tolerance 300 s)', () => {
  const nowSec = NOW / 1000;
  it.each<[string, PayloadIn, ReasonCode[]]>([
    ['nbf just inside tolerance', { nbf: nowSec + 300 }, []],
    ['nbf beyond tolerance', { nbf: nowSec + 301 }, ['NOT_YET_VALID', 'CLOCK_SUSPECT']],
    ['exp just inside tolerance', { exp: nowSec - 300 }, []],
    ['exp beyond tolerance', { exp: nowSec - 301 }, ['EXPIRED']],
    ['fractional nbf', { nbf: nowSec - 0.5 }, []],
  ])('%s', (_n, p, expected) => {
    const r = verify(card(p));
    expect(codes(r)).toEqual(expected);
    expect(r.checks.find((c) => c.name === 'time')?.ok).toBe(expected.length === 0);
  });

  it('a future nbf is NOT_YET_VALID and says the clock may be behind (CLOCK_SUSPECT)', () => {
    const r = verify(card({ nbf: nowSec + 3600 }));
    expect(codes(r)).toEqual(['NOT_YET_VALID', 'CLOCK_SUSPECT']);
    expect(r.verdict).toBe('rejected');
    expect(r.code).toBe('NOT_YET_VALID');
  });

  it('CLOCK_SUSPECT when this clock is behind the trust store update', () => {
    const t = testTrust([{ keys: [key] }], { updatedAt: '2026-11-25T04:00:00Z' });
    const r = verify(card(), { trust: t });
    expect(r.verdict).toBe('needs_review');
    expect(codes(r)).toEqual(['CLOCK_SUSPECT']);
    const t2 = testTrust([{ keys: [key] }], { updatedAt: '2026-11-25T03:05:00Z' });
    expect(verify(card(), { trust: t2 }).code).toBe('OK');
  });

  it('TRUST_STALE when the revocation lists are older than policy', () => {
    const t = testTrust([{ keys: [key] }], { updatedAt: '2026-11-01T00:00:00Z', crlCheckedAt: '2026-11-17T00:00:00Z' });
    const r = verify(card(), { trust: t });
    expect(r.verdict).toBe('needs_review');
    expect(codes(r)).toEqual(['TRUST_STALE']);
    expect(r.checks.find((c) => c.name === 'revocation')?.ok).toBe(true);
    expect(verify(card(), { trust: t, policy: { maxTrustAgeSec: 30 * 86400 } }).code).toBe('OK');
  });
});

describe('revocation', () => {
  const nbf = sec('2026-11-20T00:00:00Z');
  const withCrl = (rids: string[], kid = key.kid) => testTrust([{ keys: [key, otherKey], crl: { [kid]: rids } }]);

  it.each<[string, string[], ReasonCode]>([
    ['bare rid', ['abc'], 'REVOKED'],
    ['rid with a cut-off after nbf', [`abc.${nbf + 1}`], 'REVOKED'],
    ['rid with a cut-off equal to nbf', [`abc.${nbf}`], 'OK'],
    ['rid with a cut-off before nbf (re-issued card)', [`abc.${nbf - 1}`], 'OK'],
    ['another rid', ['abd'], 'OK'],
  ])('%s → %s', (_n, rids, code) => {
    const r = verify(card({ rid: 'abc' }), { trust: withCrl(rids) });
    expect(r.code).toBe(code);
    if (code === 'REVOKED') {
      expect(r.portalCode).toBe('110');
      expect(r.checks.find((c) => c.name === 'revocation')?.ok).toBe(false);
      expect(r.card?.cardNumber).toBe('DN4121201234567');
    }
  });

  it("only the signing key's list counts", () => {
    expect(verify(card({ rid: 'abc' }), { trust: withCrl(['abc'], otherKey.kid) }).code).toBe('OK');
  });

  it('a card without rid is not revocable', () => {
    expect(verify(card(), { trust: withCrl(['abc']) }).code).toBe('OK');
  });

  it('keeps collecting after the signature: expired AND revoked AND card expired', () => {
    const r = verify(card({ rid: 'abc', exp: sec('2026-11-21T00:00:00Z'), coverage: { end: '2026-11-01' } }), { trust: withCrl(['abc']) });
    expect(codes(r)).toEqual(['EXPIRED', 'REVOKED', 'CARD_EXPIRED']);
    expect(r.code).toBe('EXPIRED');
  });
});

describe('card rules', () => {
  it('coverage end valid through 23:59:59 Vietnam time, expired at local midnight', () => {
    const p: PayloadIn = { nbf: sec('2026-12-01T00:00:00Z'), exp: sec('2027-02-01T00:00:00Z') };
    const fresh = testTrust([{ keys: [key] }], { updatedAt: '2026-12-30T00:00:00Z' });
    const before = verify(card(p), { trust: fresh, now: Date.parse('2026-12-31T16:59:59Z') });
    expect(before.code).toBe('OK');
    const after = verify(card(p), { trust: fresh, now: Date.parse('2026-12-31T17:00:00Z') });
    expect(after.code).toBe('CARD_EXPIRED');
    expect(after.portalCode).toBe('010');
    expect(checks(after).at(-1)).toBe('card:fail');
  });

  it('CARD_NOT_YET_VALID before the coverage start', () => {
    expect(verify(card({ coverage: { start: '2026-12-01' } })).code).toBe('CARD_NOT_YET_VALID');
  });

  it.each<[string, PayloadIn, string]>([
    ['province not in table', { coverage: { subscriberId: 'DN4031201234567' } }, '052'],
    ['benefit digit 7', { coverage: { subscriberId: 'DN7121201234567' } }, '053'],
    ['benefit digit vs class', { coverage: { benefit: '3' } }, '053'],
    ['number vs Patient identifier', { patient: { maSo: '1201234560' } }, '051'],
    ['bad shape', { coverage: { subscriberId: 'DN41212012345' } }, '051'],
    ['missing', { coverage: { subscriberId: null } }, '051'],
  ])('CARD_NUMBER_INVALID: %s (%s)', (_n, p, portal) => {
    const r = verify(card(p));
    expect(r.code).toBe('CARD_NUMBER_INVALID');
    expect(r.portalCode).toBe(portal);
    expect(r.verdict).toBe('rejected');
  });

  it('OBJECT_CODE_UNKNOWN is a warning: needs_review', () => {
    const r = verify(card({ coverage: { subscriberId: 'AK4121201234567', objectCode: 'AK' } }));
    expect(r.verdict).toBe('needs_review');
    expect(codes(r)).toEqual(['OBJECT_CODE_UNKNOWN']);
    expect(checks(r)).toEqual(ALL_OK);
  });

  it('CREDENTIAL_INVALID for a missing name: card step fails', () => {
    const p = cardPayload();
    const bundle = (
      (p.vc as Record<string, Record<string, Record<string, unknown>>>).credentialSubject!.fhirBundle!.entry as {
        resource: Record<string, unknown>;
      }[]
    )[0]!;
    delete bundle.resource.name;
    const r = verify(toShc(signJws(p, key)));
    expect(codes(r)).toEqual(['CREDENTIAL_INVALID']);
    expect(checks(r).at(-1)).toBe('card:fail');
  });

  it('a credential without Coverage gets time and revocation checks, no card step', () => {
    const p = cardPayload({ exp: sec('2026-11-21T00:00:00Z') });
    const entries = (p.vc as Record<string, Record<string, Record<string, unknown>>>).credentialSubject!.fhirBundle!.entry as unknown[];
    entries.pop();
    const r = verify(toShc(signJws(p, key)));
    expect(codes(r)).toEqual(['CREDENTIAL_INVALID', 'EXPIRED']);
    expect(checks(r)).toEqual(['qr:ok', 'header:ok', 'key:ok', 'signature:ok', 'payload:fail', 'time:fail', 'revocation:ok']);
    expect(r.card).toBeUndefined();
  });
});

describe('legacy paper-card QR', () => {
  it('reads the 15-character sample: needs_review UNSIGNED_LEGACY', () => {
    const r = verify(LEGACY_HC, { policy: { facility: '12001' } });
    expect(r.verdict).toBe('needs_review');
    expect(r.code).toBe('UNSIGNED_LEGACY');
    expect(r.source).toBe('legacy-unsigned');
    expect(checks(r)).toEqual(['qr:ok', 'card:ok']);
    expect(r.card).toMatchObject({
      fullName: 'Nguyễn Đức Thiện',
      registeredFacility: '12001',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      objectCode: 'HC',
      benefitLevel: 4,
      benefitPercent: 80,
      provinceName: 'Lai Châu',
      offRoute: false,
    });
    expect(r.keyId).toBeUndefined();
  });

  it('reads the 10-digit and child samples', () => {
    const n = verify(LEGACY_NEW, { policy: { facility: '12001' } });
    expect(codes(n)).toEqual(['UNSIGNED_LEGACY', 'OFF_ROUTE']);
    expect(n.verdict).toBe('needs_review');
    expect(n.card).toMatchObject({ cardNumber: '1201234568', benefitLevel: 4, provinceCode: '12', offRoute: true });
    const t = verify(LEGACY_TE);
    expect(t.code).toBe('UNSIGNED_LEGACY');
    expect(t.card).toMatchObject({ fullName: 'Vàng A Pó', parentName: 'Vàng A Chư', benefitPercent: 100 });
  });

  it('applies the same card rules; errors still reject', () => {
    // Legacy QRs use no trust store: a stale one does not matter to them.
    const expired = verify(LEGACY_HC, { now: Date.parse('2026-12-31T17:00:00Z') });
    expect(expired.verdict).toBe('rejected');
    expect(expired.code).toBe('CARD_EXPIRED');
    expect(verify(LEGACY_HC, { now: Date.parse('2026-12-31T16:59:59Z') }).code).toBe('UNSIGNED_LEGACY');
    const badProvince = verify(LEGACY_HC.replace('HC4121201234567', 'HC4031201234567'));
    expect(badProvince.code).toBe('CARD_NUMBER_INVALID');
    expect(badProvince.portalCode).toBe('052');
    const mismatch = verify(LEGACY_HC.replace('12011201234567', '12011201234599'));
    expect(mismatch.code).toBe('CARD_NUMBER_INVALID');
  });

  it('a broken legacy QR is QR_MALFORMED', () => {
    expect(verify(LEGACY_HC.replace('4e677579', 'zz677579')).code).toBe('QR_MALFORMED');
  });

  it('keyboard-wedge CR/LF is fine', () => {
    expect(verify(`${LEGACY_HC}\r\n`).code).toBe('UNSIGNED_LEGACY');
  });
});

describe('chip ID card (CCCD) QR', () => {
  it('is read and flagged ID_CARD_PRESENTED (needs_review)', () => {
    const r = verify(`${CCCD}\r\n`);
    expect(r.verdict).toBe('needs_review');
    expect(r.code).toBe('ID_CARD_PRESENTED');
    expect(r.source).toBe('id-card');
    expect(checks(r)).toEqual(['qr:ok']);
    expect(r.card).toEqual({ idNumber: '012090001234', fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20', gender: 'male' });
  });

  it('a broken CCCD QR is QR_MALFORMED', () => {
    expect(verify('012090001234|1|A|99999999|Nam|x|15082021').code).toBe('QR_MALFORMED');
  });
});

describe('robustness', () => {
  it('never throws and never accepts junk', () => {
    const samples = [
      '',
      '|',
      '||||||',
      'shc:/',
      'shc://',
      '{}',
      '[]',
      'null',
      '{"verifiableCredential":"x"}',
      'eyJ',
      'a.b.c',
      '...',
      '\u0000',
      'shc:/' + '7'.repeat(2),
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'shc:/0123456789|.-_eyJ{}"$# \r\nAZaz';
    for (let i = 0; i < 200; i++) {
      let s = '';
      const len = Math.floor(rnd() * 60);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      samples.push(s);
    }
    for (const s of samples) {
      const r = verify(s);
      expect(r.verdict).toBe('rejected');
      expect(r.reasons.length).toBeGreaterThan(0);
    }
  });

  it('reaches every reason code of the offline verifier somewhere in this file (runs last)', () => {
    expect(verify('shc:/1/2/00').code).toBe('CHUNKED_QR');
    // The online card check's codes come from the portal's answer (server/portal/, its own
    // tests), never from the offline verifier; every other code must be reached here.
    const offline = REASON_CODES.filter((c) => !PORTAL_REASON_CODES.includes(c));
    expect([...seen].sort()).toEqual([...offline].sort());
  });
});
