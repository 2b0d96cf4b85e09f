/**
 * The ECDSA twin of a card (s → n − s) through the real service. ES256 does not require low-S,
 * so the twin is a valid signature and must verify; and because it is the same card in other
 * bytes, nothing may treat it as another card: the duplicate rule, the Idempotency-Key's
 * "same request" hash and the stored card key all key on the card, never the signature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { checkInRequestHash } from '../../server/visits/idempotency-keys.js';
import { P256_N, fromShc, highSTwin, toShc } from '../helpers/sign-card.js';
import { NOW, countRows, integrity, startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

let k: SecurityKiosk;
beforeAll(async () => {
  k = await startSecurityKiosk();
});
afterAll(async () => {
  await k?.close();
});

/** A card of number n and its twin, with which of the two is high-S. */
async function pair(n: number): Promise<{ qr: string; twinQr: string; jws: string; twin: string }> {
  const qr = await k.card(n);
  const jws = fromShc(qr);
  const twin = highSTwin(jws);
  const s = (t: string) =>
    BigInt(
      '0x' +
        Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url')
          .subarray(32)
          .toString('hex'),
    );
  expect(s(jws) > P256_N / 2n).not.toBe(s(twin) > P256_N / 2n); // exactly one of the two is high-S
  return { qr, twinQr: toShc(twin), jws, twin };
}

async function storedVisits(): Promise<Array<{ id: string; card_key: string; card_number: string; qr_text: string; verdict: string }>> {
  const { db } = await openKioskDatabase(k.dataDir, NOW);
  try {
    return await db.all('SELECT id, card_key, card_number, qr_text, verdict FROM visits ORDER BY seq');
  } finally {
    await db.close();
  }
}

const checkIn = (qr: string, headers: Record<string, string> = {}) =>
  k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr }, headers });

describe('the high-S twin of a card', () => {
  it('verifies: POST /api/verify answers the twin exactly as the original (accepted)', async () => {
    for (let n = 1; n <= 3; n++) {
      const p = await pair(n);
      const a = await k.request('POST', '/api/verify', { body: { qr: p.qr } });
      const b = await k.request('POST', '/api/verify', { body: { qr: p.twinQr } });
      const c = await k.request('POST', '/api/verify', { body: { qr: p.twin } });
      expect([a.status, a.json.verdict, a.json.code]).toEqual([200, 'accepted', 'OK']);
      expect(b.json).toEqual(a.json);
      expect(c.json).toEqual(a.json);
    }
  });

  it('checked in after the original is the same card: 200 duplicate of the same visit, no second row', async () => {
    const p = await pair(10);
    const first = await checkIn(p.qr);
    expect([first.status, first.json.duplicate]).toEqual([201, false]);
    const before = await countRows(k, 'visits');
    const again = await checkIn(p.twinQr);
    expect([again.status, again.json.duplicate, again.json.visit.id]).toEqual([200, true, first.json.visit.id]);
    const bare = await checkIn(p.twin + '\r\n');
    expect([bare.status, bare.json.duplicate, bare.json.visit.id]).toEqual([200, true, first.json.visit.id]);
    expect(await countRows(k, 'visits')).toBe(before);
  });

  it('the original checked in after the twin is the same card too', async () => {
    const p = await pair(11);
    const first = await checkIn(p.twinQr);
    expect(first.status).toBe(201);
    const again = await checkIn(p.qr);
    expect([again.status, again.json.duplicate, again.json.visit.id]).toEqual([200, true, first.json.visit.id]);
  });

  it('an Idempotency-Key retry with the twin is the same request: the first answer replayed, not IDEMPOTENCY_KEY_REUSED', async () => {
    const p = await pair(20);
    const headers = { 'Idempotency-Key': 'twin-retry-1' };
    const first = await checkIn(p.qr, headers);
    expect(first.status).toBe(201);
    const rows = await countRows(k, 'visits');
    for (const qr of [p.twinQr, p.twin, p.qr + '\n']) {
      const retry = await checkIn(qr, headers);
      expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
      expect(retry.json).toEqual(first.json);
    }
    expect(await countRows(k, 'visits')).toBe(rows);
    // A forged signature over the same content is not the same request (nor an accepted card).
    const forged = `${p.jws.slice(0, p.jws.lastIndexOf('.'))}.${Buffer.alloc(64, 7).toString('base64url')}`;
    const bad = await checkIn(toShc(forged), headers);
    expect([bad.status, bad.json.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // …and without the key it is a rejected attempt, never a visit of the card.
    const attempt = await checkIn(toShc(forged));
    expect([attempt.status, attempt.json.code, attempt.json.result.code]).toEqual([422, 'CARD_REJECTED', 'SIGNATURE_INVALID']);
  });

  it('a key stored before this rule (its hash over the QR text) still replays a retry of the same bytes', async () => {
    const p = await pair(25);
    const headers = { 'Idempotency-Key': 'stored-before-1' };
    const first = await checkIn(p.qr, headers);
    expect(first.status).toBe(201);
    const { db } = await openKioskDatabase(k.dataDir, NOW);
    try {
      const textHash = checkInRequestHash({ qr: p.qr, visitType: '01', reviewNote: null });
      await db.run('UPDATE idempotency_keys SET request_hash = ? WHERE key = ?', [textHash, 'stored-before-1']);
    } finally {
      await db.close();
    }
    const retry = await checkIn(p.qr, headers);
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(retry.json).toEqual(first.json);
  });

  it('stored evidence: after the duplicate window the twin is a new visit with the same card key and number', async () => {
    const p = await pair(30);
    const first = await checkIn(p.qr);
    k.clock.advance(10 * 60_000 + 1);
    try {
      const later = await checkIn(p.twinQr);
      expect([later.status, later.json.duplicate]).toEqual([201, false]);
      const rows = await storedVisits();
      const a = rows.find((r) => r.id === first.json.visit.id)!;
      const b = rows.find((r) => r.id === later.json.visit.id)!;
      expect(b.card_key).toBe(a.card_key);
      expect(b.card_key).toBe('card:DN4121200000030');
      expect(b.card_number).toBe(a.card_number);
      // The QR is kept as scanned (the evidence), but never keys anything.
      expect(b.qr_text).toBe(p.twinQr);
      expect(b.qr_text).not.toBe(a.qr_text);
    } finally {
      k.clock.set(NOW);
    }
    expect(await integrity(k)).toMatchObject({ intact: true });
  });
});
