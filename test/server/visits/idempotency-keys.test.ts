/** The Idempotency-Key's "same request" hash: a signed card is hashed by its content, never its signature bytes. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { canonicalJson } from '../../../server/visits/chain.js';
import { checkInRequestHash } from '../../../server/visits/idempotency-keys.js';
import { LEGACY_HC } from '../../helpers/legacy-samples.js';
import { cardPayload, highSTwin, makeTestKey, signJws, testTrust, toShc } from '../../helpers/sign-card.js';

const key = makeTestKey();
const ctx = { trust: testTrust([{ keys: [key] }]), now: Date.parse('2026-11-25T03:00:00Z'), policy: DEFAULT_POLICY };
const hash = (qr: string, extra: { visitType?: string; reviewNote?: string | null } = {}) =>
  checkInRequestHash({ qr, visitType: extra.visitType ?? '01', reviewNote: extra.reviewNote ?? null }, verifyQr(qr, ctx));

describe('checkInRequestHash', () => {
  const jws = signJws(cardPayload(), key);

  it('the high-S twin, the bare JWS and a trailing CR/LF are the same request as the card', () => {
    const h = hash(toShc(jws));
    expect(verifyQr(toShc(highSTwin(jws)), ctx).verdict).toBe('accepted');
    expect(hash(toShc(highSTwin(jws)))).toBe(h);
    expect(hash(highSTwin(jws))).toBe(h);
    expect(hash(jws)).toBe(h);
    expect(hash(toShc(jws) + '\r\n')).toBe(h);
  });

  it('a different card, visit type or note is a different request', () => {
    const h = hash(toShc(jws));
    expect(hash(toShc(signJws(cardPayload({ rid: 'other' }), key)))).not.toBe(h);
    expect(hash(toShc(jws), { visitType: '02' })).not.toBe(h);
    expect(hash(toShc(jws), { reviewNote: 'đã kiểm tra' })).not.toBe(h);
  });

  it('a forged signature over the same content is not the genuine card’s request', () => {
    const forged = `${jws.slice(0, jws.lastIndexOf('.'))}.${Buffer.alloc(64, 1).toString('base64url')}`;
    expect(verifyQr(forged, ctx).code).toBe('SIGNATURE_INVALID');
    expect(hash(forged)).not.toBe(hash(jws));
  });

  it('unsigned QRs, a card check and an unverified call keep the hash stored before (text as sent)', () => {
    const legacy = (card: Record<string, string>) =>
      createHash('sha256')
        .update(canonicalJson({ ...card, visitType: '01', reviewNote: null }), 'utf8')
        .digest('hex');
    expect(hash(LEGACY_HC)).toBe(legacy({ qr: LEGACY_HC }));
    expect(checkInRequestHash({ cardCheckId: 'c-1', visitType: '01', reviewNote: null })).toBe(legacy({ cardCheckId: 'c-1' }));
    expect(checkInRequestHash({ qr: jws, visitType: '01', reviewNote: null })).toBe(legacy({ qr: jws }));
  });
});
