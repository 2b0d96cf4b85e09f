import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { UUIDV7_RE } from '../../../server/visits/uuidv7.js';
import { LEGACY_HC } from '../../helpers/legacy-samples.js';
import { ACCOUNTS, cardNumber, NOW, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk;
beforeAll(async () => {
  k = await startLogKiosk();
});
afterAll(async () => {
  await k?.close();
});

async function countRows(): Promise<{ visits: number; outbox: number; intact: boolean }> {
  const { db } = await openKioskDatabase(k.dataDir, NOW);
  try {
    const visits = (await db.get<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n;
    const outbox = (await db.get<{ n: number }>('SELECT count(*) AS n FROM sync_outbox'))!.n;
    const rep = await verifyChain(db);
    return { visits, outbox, intact: rep.intact };
  } finally {
    await db.close();
  }
}

describe('POST /api/check-ins', () => {
  it('records an accepted card: 201 with the visit, attributed to the operator', async () => {
    const qr = await k.card(1);
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
    expect(r.status).toBe(201);
    expect(r.json.duplicate).toBe(false);
    const v = r.json.visit;
    expect(v.id).toMatch(UUIDV7_RE);
    expect(v).toMatchObject({
      facility: '12001',
      deskId: 'desk-1',
      verdict: 'accepted',
      visitType: '01',
      source: 'signed',
      operator: { username: ACCOUNTS.receptionist.username, displayName: ACCOUNTS.receptionist.displayName },
      card: { cardNumber: cardNumber(1) },
      recordedAt: new Date(NOW).toISOString(),
    });
    expect(v.keyId).toBe(k.issuer.kid);
    expect(v.issuer).toBe(k.issuer.iss);
    expect(v.qrText).toBeUndefined(); // only auditors see the raw QR
  });

  it('the same card again within the window is the same visit: 200 duplicate, one row', async () => {
    const qr = await k.card(2);
    const first = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr, visitType: '02' } });
    expect(first.status).toBe(201);
    const before = await countRows();
    // A freshly issued QR of the same card number is still the same card.
    const again = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(2) } });
    expect(again.status).toBe(200);
    expect(again.json.duplicate).toBe(true);
    expect(again.json.visit.id).toBe(first.json.visit.id);
    expect((await countRows()).visits).toBe(before.visits);
  });

  it('after the window the same card is a new visit', async () => {
    const qr = await k.card(3);
    const first = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
    k.clock.advance(10 * 60_000 + 1);
    try {
      const later = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
      expect(later.status).toBe(201);
      expect(later.json.visit.id).not.toBe(first.json.visit.id);
    } finally {
      k.clock.set(NOW);
    }
  });

  it('50 parallel check-ins of distinct cards → 50 rows and 50 outbox rows, chain intact', async () => {
    const before = await countRows();
    const qrs = await Promise.all(Array.from({ length: 50 }, (_, i) => k.card(1000 + i)));
    const replies = await Promise.all(
      qrs.map((qr) => k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(new Set(replies.map((r) => r.json.visit.seq)).size).toBe(50);
    const after = await countRows();
    expect(after.visits - before.visits).toBe(50);
    expect(after.outbox - before.outbox).toBe(50);
    expect(after.intact).toBe(true);
  });

  it('the same card 10 times in parallel → one row', async () => {
    const before = await countRows();
    const qr = await k.card(4);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200 && r.json.duplicate === true)).toHaveLength(9);
    expect(new Set(replies.map((r) => r.json.visit.id)).size).toBe(1);
    expect((await countRows()).visits - before.visits).toBe(1);
  });

  it('Idempotency-Key: same key + same body → same response, never a second row; different body → 422', async () => {
    const qr = await k.card(5);
    const headers = { 'Idempotency-Key': 'key-abc-1' };
    const a = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr }, headers });
    const before = await countRows();
    const b = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr }, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json).toEqual(a.json);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await countRows()).visits).toBe(before.visits);
    const c = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr, visitType: '03' }, headers });
    expect(c.status).toBe(422);
    expect(c.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const bad = await k.request('POST', '/api/check-ins', {
      cookie: k.cookies.receptionist,
      body: { qr },
      headers: { 'Idempotency-Key': 'x'.repeat(129) },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it('a rejected card → 422 CARD_REJECTED with reasons; the attempt is recorded without an outbox row', async () => {
    const before = await countRows();
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: 'not a card' } });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.json.code).toBe('CARD_REJECTED');
    expect(r.json.result.verdict).toBe('rejected');
    expect(r.json.reasons.map((x: { code: string }) => x.code)).toContain('QR_MALFORMED');
    const after = await countRows();
    expect(after.visits - before.visits).toBe(1);
    expect(after.outbox - before.outbox).toBe(0);
    expect(after.intact).toBe(true);
  });

  it('needs_review: 422 REVIEW_NOTE_REQUIRED without a note (nothing recorded), 201 with one', async () => {
    const qr = LEGACY_HC; // unsigned paper-card QR → needs_review (UNSIGNED_LEGACY)
    const before = await countRows();
    const r = await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('REVIEW_NOTE_REQUIRED');
    expect((await countRows()).visits).toBe(before.visits);
    const ok = await k.request('POST', '/api/check-ins', {
      cookie: k.cookies.receptionist,
      body: { qr, reviewNote: 'Giấy chuyển tuyến số 123' },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.visit).toMatchObject({ verdict: 'needs_review', reviewNote: 'Giấy chuyển tuyến số 123', source: 'legacy-unsigned' });
  });

  it('refuses malformed, oversized and non-JSON bodies with a code, never a 500', async () => {
    const c = k.cookies.receptionist;
    const cases: Array<[Parameters<LogKiosk['request']>[2], number, string]> = [
      [{ rawBody: '{"qr": ', headers: { 'content-type': 'application/json' } }, 400, 'BODY_NOT_JSON'],
      [{ rawBody: '[1,2]', headers: { 'content-type': 'application/json' } }, 400, 'BODY_INVALID'],
      [{ body: {} }, 400, 'FIELD_MISSING'],
      [{ body: { qr: 42 } }, 400, 'FIELD_INVALID'],
      [{ body: { qr: 'x', extra: 1 } }, 400, 'FIELD_UNKNOWN'],
      [{ body: { qr: 'x', visitType: '1; DROP TABLE visits' } }, 400, 'FIELD_TOO_LONG'],
      [{ body: { qr: 'x', visitType: '99' } }, 400, 'FIELD_INVALID'],
      [{ body: { qr: 'x', reviewNote: 'n'.repeat(501) } }, 400, 'FIELD_TOO_LONG'],
      [{ body: { qr: 'x'.repeat(9000) } }, 400, 'FIELD_TOO_LONG'],
      [{ rawBody: JSON.stringify({ qr: 'x'.repeat(20_000) }), headers: { 'content-type': 'application/json' } }, 413, 'BODY_TOO_LARGE'],
      [{ rawBody: 'qr=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'CONTENT_TYPE_NOT_JSON'],
      [{ rawBody: '{"qr":"abc"}', headers: { 'content-type': 'text/plain' } }, 415, 'CONTENT_TYPE_NOT_JSON'],
    ];
    for (const [opts, status, code] of cases) {
      const r = await k.request('POST', '/api/check-ins', { cookie: c, ...opts });
      expect([r.status, r.json?.code]).toEqual([status, code]);
    }
  });
});

describe('GET /api/visits/recent', () => {
  it("lists this desk's visits newest first, bounded by limit", async () => {
    const r = await k.request('GET', '/api/visits/recent?limit=3', { cookie: k.cookies.receptionist });
    expect(r.status).toBe(200);
    expect(r.json.items).toHaveLength(3);
    const seqs = r.json.items.map((v: { seq: number }) => v.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    for (const v of r.json.items) expect(v.deskId).toBe('desk-1');
    for (const q of ['limit=0', 'limit=101', 'limit=abc', "limit=1'--", 'other=1', 'limit=1&limit=2']) {
      const bad = await k.request('GET', `/api/visits/recent?${q}`, { cookie: k.cookies.receptionist });
      expect(bad.status, q).toBe(400);
    }
  });
});
