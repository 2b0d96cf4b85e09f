/**
 * verify.*: the full verifier in process against node:crypto's raw ECDSA P-256 verify of the
 * same signature (the physical limit), interleaved in rounds so machine noise hits both alike.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { DEFAULT_POLICY } from '../server/card/types.js';
import { verifyQr } from '../server/card/verify.js';
import type { BenchCard } from './fixtures.js';
import { median, opsPerSecondSync, round } from './stats.js';

export function benchVerify(card: BenchCard, rounds = 7, windowMs = 1000) {
  const [h, p, s] = card.jws.split('.') as [string, string, string];
  const signingInput = Buffer.from(`${h}.${p}`, 'ascii');
  const signature = Buffer.from(s, 'base64url');
  const key = card.trust.keysByKid.get(card.kid)!.key;
  const ctx = { trust: card.trust, now: card.now, policy: { ...DEFAULT_POLICY, facility: '12001' } };

  const check = verifyQr(card.qrText, ctx);
  if (check.verdict !== 'accepted') throw new Error(`bench card not accepted: ${check.code}`);

  const ours: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(opsPerSecondSync(() => void verifyQr(card.qrText, ctx), windowMs));
    raw.push(opsPerSecondSync(() => void cryptoVerify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature), windowMs));
  }
  const perSecond = median(ours);
  const rawEcdsaPerSecond = median(raw);
  // The ratio is taken within each round (ours and raw measured back to back) and the median of
  // those is reported: a burst of noise then spoils one round, not the figure.
  const ratio = median(ours.map((o, i) => o / raw[i]!));
  return {
    perSecond: round(perSecond),
    rawEcdsaPerSecond: round(rawEcdsaPerSecond),
    ratio: round(ratio, 3),
    ratioByRound: ours.map((o, i) => round(o / raw[i]!, 3)),
    rounds,
  };
}
