/**
 * Issuer → verifier round trip: cards issued by server/card/issue.ts through the issuer
 * directory and trust file verify `accepted`, and no single-character change of the JWS does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeShcNumeric } from '../../../server/card/qr-text.js';
import { DEFAULT_POLICY, type VerifyPolicy } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { makeTestIssuer, TEST_ISSUER_ISS, type TestIssuer } from '../../helpers/demo-issuer.js';

const NOW = Date.parse('2026-11-25T02:00:00Z'); // 09:00 in Vietnam
const NOW_SEC = NOW / 1000;
const POLICY: VerifyPolicy = { ...DEFAULT_POLICY, facility: '12001' };
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await makeTestIssuer({ now: NOW });
});
afterAll(async () => {
  await issuer.cleanup();
});

const check = (qr: string, now = NOW) => verifyQr(qr, { trust: issuer.trust, now, policy: POLICY });

describe('issued cards verify', () => {
  it('the sample card is accepted with every field read back', async () => {
    const card = await issuer.issue();
    const r = check(card.qrText);
    expect(r).toMatchObject({
      verdict: 'accepted',
      code: 'OK',
      source: 'signed',
      keyId: issuer.kid,
      issuer: TEST_ISSUER_ISS,
      rid: card.payload.vc.rid,
    });
    expect(r.checks.every((c) => c.ok)).toBe(true);
    const input = issuer.sampleInput();
    expect(r.card).toMatchObject({
      fullName: input.fullName,
      birthDate: input.birthDate,
      gender: input.gender,
      maSoBhxh: '1201234567',
      cardNumber: input.cardNumber,
      objectCode: 'DN',
      benefitLevel: 4,
      registeredFacility: input.registeredFacility,
      validFrom: input.validFrom,
      validTo: input.validTo,
      fiveYearDate: input.fiveYearDate,
      areaCode: input.areaCode,
      issuedBy: input.issuedBy,
    });
    // a bare JWS (scanner without prefix / .smart-health-card content) is the same card
    expect(check(card.jws).verdict).toBe('accepted');
  });

  it('variants are accepted: 10-digit number, no end date, year-only birth date, no extensions, no rid', async () => {
    const cards = await Promise.all([
      issuer.issue({ cardNumber: '1201234568', objectCode: 'HS', benefitLevel: 4 }),
      issuer.issue({ validTo: undefined }),
      issuer.issue({ birthDate: '1955', gender: 'other' }),
      issuer.issue({ fiveYearDate: undefined, areaCode: undefined, issuedBy: undefined }),
      issuer.issue({}, { rid: null }),
    ]);
    for (const card of cards) expect(check(card.qrText)).toMatchObject({ verdict: 'accepted' });
  });

  it('registered elsewhere: accepted with OFF_ROUTE info', async () => {
    const r = check((await issuer.issue({ registeredFacility: '12002' })).qrText);
    expect(r.verdict).toBe('accepted');
    expect(r.reasons.map((x) => x.code)).toContain('OFF_ROUTE');
  });

  it('credential lifetime: EXPIRED after exp, NOT_YET_VALID before nbf', async () => {
    const card = await issuer.issue({}, { lifetimeSec: 3600 });
    expect(check(card.qrText, NOW + 2 * 3600_000).code).toBe('EXPIRED');
    expect(check(card.qrText, NOW - 3600_000).code).toBe('NOT_YET_VALID');
  });

  it('revocation: rid revokes; rid.<t> revokes only cards issued before t', async () => {
    const a = await issuer.issue({}, { rid: 'revokeMe' });
    const b = await issuer.issue({}, { rid: 'lostPhone' });
    expect(check(a.qrText).verdict).toBe('accepted');
    await issuer.revoke('revokeMe');
    expect(check(a.qrText)).toMatchObject({ verdict: 'rejected', code: 'REVOKED' });
    await issuer.revoke('lostPhone', { beforeSec: NOW_SEC - 60 });
    expect(check(b.qrText).verdict).toBe('accepted'); // issued after the cut-off
    await issuer.revoke('lostPhone', { beforeSec: NOW_SEC + 60 });
    expect(check(b.qrText).code).toBe('REVOKED');
  });

  it('a key outside its window gives KEY_INACTIVE; a key of an issuer not trusted gives KEY_UNKNOWN', async () => {
    const future = await issuer.addKey({ nbf: NOW_SEC + 86_400 });
    expect(check((await issuer.issue({}, { kid: future })).qrText).code).toBe('KEY_INACTIVE');
    const stranger = await makeTestIssuer({ now: NOW, iss: 'https://stranger.example' });
    try {
      expect(check((await stranger.issue()).qrText).code).toBe('KEY_UNKNOWN');
    } finally {
      await stranger.cleanup();
    }
  });
});

describe('tampering', () => {
  /** Another base64url character with a different 6-bit value in every bit that carries data. */
  function flip(c: string): string {
    if (c === '.') return 'A';
    return B64URL[B64URL.indexOf(c) ^ 0b100000]!;
  }

  it('changing any one character of the JWS (every position) never gives accepted', async () => {
    const card = await issuer.issue();
    const { jws } = card;
    const verdicts = new Map<string, number>();
    for (let i = 0; i < jws.length; i++) {
      const tampered = jws.slice(0, i) + flip(jws[i]!) + jws.slice(i + 1);
      const r = check(encodeShcNumeric(tampered));
      expect(r.verdict, `position ${i}`).not.toBe('accepted');
      expect(r.card, `position ${i}: card fields shown for a bad signature`).toBeUndefined();
      verdicts.set(r.code, (verdicts.get(r.code) ?? 0) + 1);
    }
    // almost all are signature failures; the header part can also break parsing first
    expect(verdicts.get('SIGNATURE_INVALID')).toBeGreaterThan(jws.length * 0.8);
  });

  it('changing one digit of the QR text never gives accepted (dense sample)', async () => {
    const { qrText } = await issuer.issue();
    for (let i = 5; i < qrText.length; i += 3) {
      const d = qrText[i]!;
      const tampered = qrText.slice(0, i) + (d === '0' ? '1' : '0') + qrText.slice(i + 1);
      expect(check(tampered).verdict, `digit ${i}`).not.toBe('accepted');
    }
  });

  it('padding-bit variants of the last signature character carry the very same signature bytes', async () => {
    // base64url of 64 bytes ends in a character with 4 unused bits: changing only those does
    // not change what was signed. Whatever the verifier decides about such text, it must never
    // accept one whose decoded signature differs.
    const { jws } = await issuer.issue();
    const sig = jws.slice(jws.lastIndexOf('.') + 1);
    const bytes = Buffer.from(sig, 'base64url');
    for (const c of B64URL) {
      const variant = jws.slice(0, -1) + c;
      const r = check(encodeShcNumeric(variant));
      if (r.verdict === 'accepted') expect(Buffer.from(sig.slice(0, -1) + c, 'base64url').equals(bytes)).toBe(true);
    }
  });
});
