import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr, verifyQrAsync } from '../../../server/card/verify.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import { cardPayload, makeTestKey, sec, signJws, testTrust, toShc } from '../../helpers/sign-card.js';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const key = makeTestKey();
const trust = testTrust([{ keys: [key] }]);
const ctx = { trust, now: NOW, policy: { ...DEFAULT_POLICY, facility: '12001' } };

function flipSignature(shc: string): string {
  // Change one digit pair near the end (inside the signature) to another valid pair.
  const i = shc.length - 10;
  const pair = Number(shc.slice(i, i + 2));
  return shc.slice(0, i) + String(pair === 20 ? 21 : 20).padStart(2, '0') + shc.slice(i + 2);
}

describe('verifyQrAsync (ECDSA on the thread pool)', () => {
  const good = toShc(signJws(cardPayload(), key));
  const cases: [string, string][] = [
    ['a valid card', good],
    ['a tampered signature', flipSignature(good)],
    ['an expired credential', toShc(signJws(cardPayload({ exp: sec('2026-11-01T00:00:00Z') }), key))],
    ['an unknown key', toShc(signJws(cardPayload(), makeTestKey()))],
    ['a legacy paper card', LEGACY_HC],
    ['a chip ID card', CCCD],
    ['garbage', 'shc:/99'],
    ['empty', ''],
  ];
  it.each(cases)('gives exactly the synchronous result for %s', async (_what, text) => {
    expect(await verifyQrAsync(text, ctx)).toEqual(verifyQr(text, ctx));
  });

  it('accepts a valid card and rejects its tampered twin', async () => {
    expect((await verifyQrAsync(good, ctx)).verdict).toBe('accepted');
    expect((await verifyQrAsync(flipSignature(good), ctx)).code).toBe('SIGNATURE_INVALID');
  });
});
