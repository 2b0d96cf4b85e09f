/** A realistic demo card and its trust snapshot, made fresh for each benchmark run. */
import { generateKeyPairSync } from 'node:crypto';
import { issueCard, type CardSigner } from '../server/card/issue.js';
import { buildTrustSnapshot } from '../server/trust/build-snapshot.js';
import { ecThumbprint } from '../server/trust/thumbprint.js';
import type { TrustSnapshot } from '../server/trust/types.js';
import { benchCardInput } from '../test-support/bench-card-input.js';

export interface BenchCard {
  signer: CardSigner;
  iss: string;
  kid: string;
  publicJwk: Record<string, unknown>;
  trust: TrustSnapshot;
  jws: string;
  qrText: string;
  now: number;
}

export async function makeBenchCard(now = Date.now()): Promise<BenchCard> {
  const iss = 'https://bench-issuer.example.vn';
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = publicKey.export({ format: 'jwk' }) as { crv: string; x: string; y: string };
  const kid = ecThumbprint(pub);
  const publicJwk = { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, use: 'sig', alg: 'ES256' };
  const trust = buildTrustSnapshot({
    updatedAt: new Date(now).toISOString(),
    issuers: [{ iss, name: 'Bench', jwks: { keys: [publicJwk] } }],
  });
  const signer = { iss, kid, privateKey };
  const card = await issueCard(benchCardInput(now), signer, { now: now - 60_000, rid: 'benchRid01' });
  return { signer, iss, kid, publicJwk, trust, jws: card.jws, qrText: card.qrText, now };
}

/** `n` distinct cards (distinct card numbers and mã số BHXH) from the bench issuer. */
export async function makeDistinctCards(card: BenchCard, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const maSo = String(1_200_000_000 + i);
    const issued = await issueCard({ ...benchCardInput(card.now), cardNumber: `DN412${maSo}` }, card.signer, { now: card.now - 60_000 });
    out.push(issued.qrText);
  }
  return out;
}
