import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_ITEMS } from '../../../server/wire/history-store.js';
import { BACKENDS, call, KEY_A, KEY_AGENCY, KEY_B, startTestStore, stopPgCluster, visit } from './fixtures.js';

type Store = Awaited<ReturnType<typeof startTestStore>>;

afterAll(stopPgCluster);

// The same HTTP behaviour on both backends: every assertion below runs against each.
describe.each(BACKENDS)('%s backend', (backend) => {
  let store: Store;
  const batch = (visits: unknown[], key = KEY_A) => call(store.url, '/v1/visits:batch', { key, body: { visits } });

  beforeAll(async () => {
    store = await startTestStore(undefined, backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  describe('POST /v1/visits:batch', () => {
    it('stores new visits, acknowledges repeats as duplicates, reports conflicts, never sinks good items', async () => {
      const a = visit();
      const b = visit();
      const first = await batch([a, b]);
      expect(first.status).toBe(200);
      expect(first.body.results.map((r: any) => r.status)).toEqual(['stored', 'stored']);

      const c = visit();
      const second = await batch([a, { ...b, visitType: '02' }, { id: 'nope' }, c, { ...visit(), maSoBhxh: undefined }]);
      expect(second.status).toBe(200);
      expect(second.body.results).toEqual([
        { id: a.id, index: 0, status: 'duplicate' },
        expect.objectContaining({ id: b.id, index: 1, status: 'conflict', code: 'ID_CONFLICT' }),
        expect.objectContaining({ id: 'nope', index: 2, status: 'invalid', code: 'ID_INVALID' }),
        { id: c.id, index: 3, status: 'stored' },
        expect.objectContaining({ index: 4, status: 'invalid', code: 'MA_SO_BHXH_INVALID' }),
      ]);
      // The conflicting copy did not overwrite the stored one.
      const page = await call(store.url, '/v1/facilities/12001/visits?limit=1000', { key: KEY_A });
      const stored = page.body.items.find((v: any) => v.id === b.id);
      expect(stored.visitType).toBe('01');
    });

    it('treats the same instant written with another offset as the same content', async () => {
      const v = visit({ checkedInAt: '2026-11-24T10:00:00+07:00' });
      expect((await batch([v])).body.results[0].status).toBe('stored');
      expect((await batch([{ ...v, checkedInAt: '2026-11-24T03:00:00.000Z' }])).body.results[0].status).toBe('duplicate');
    });

    it('stores a visit whose card was entered by hand and checked online (source manual)', async () => {
      const v = visit({ source: 'manual', verdict: 'needs_review' });
      expect((await batch([v])).body.results[0]).toMatchObject({ status: 'stored' });
    });

    it('a repeated id inside one batch is stored once', async () => {
      const v = visit();
      const r = await batch([v, v, { ...v, verdict: 'needs_review' }]);
      expect(r.body.results.map((x: any) => x.status)).toEqual(['stored', 'duplicate', 'conflict']);
    });

    it('validates each item with a stable code', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [visit({ facility: '79002' }), 'FACILITY_MISMATCH'],
        [visit({ facility: 'x' }), 'FACILITY_INVALID'],
        [visit({ maSoBhxh: '12345' }), 'MA_SO_BHXH_INVALID'],
        [visit({ cardNumber: 'bad' }), 'CARD_NUMBER_INVALID'],
        [visit({ visitType: '1' }), 'VISIT_TYPE_INVALID'],
        [visit({ checkedInAt: '2026-11-24' }), 'CHECKED_IN_AT_INVALID'],
        [visit({ checkedInAt: '2026-11-27T03:00:00Z' }), 'CHECKED_IN_AT_FUTURE'],
        [visit({ verdict: 'rejected' }), 'VERDICT_INVALID'],
        [visit({ source: 'fax' }), 'SOURCE_INVALID'],
        [visit({ fullName: 'Nguyễn Văn A' }), 'FIELD_UNKNOWN'],
      ];
      const r = await batch(cases.map((c) => c[0]));
      expect(r.status).toBe(200);
      expect(r.body.results.map((x: any) => x.code)).toEqual(cases.map((c) => c[1]));
      expect(r.body.results.every((x: any) => x.status === 'invalid')).toBe(true);
      const notObject = await batch([null, 5, []]);
      expect(notObject.body.results.map((x: any) => x.code)).toEqual(['ITEM_NOT_OBJECT', 'ITEM_NOT_OBJECT', 'ITEM_NOT_OBJECT']);
    });

    it('refuses oversized batches and bodies, malformed bodies, and read-only keys', async () => {
      const tooMany = await batch(Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => visit()));
      expect([tooMany.status, tooMany.body.code]).toEqual([413, 'BATCH_TOO_LARGE']);
      const huge = await call(store.url, '/v1/visits:batch', { key: KEY_A, body: { visits: [visit({ source: 'x'.repeat(600_000) })] } });
      expect([huge.status, huge.body.code]).toEqual([413, 'BODY_TOO_LARGE']);
      const notJson = await call(store.url, '/v1/visits:batch', { key: KEY_A, rawBody: '{"visits": [' });
      expect([notJson.status, notJson.body.code]).toEqual([400, 'BODY_NOT_JSON']);
      const notArray = await call(store.url, '/v1/visits:batch', { key: KEY_A, body: { visits: {} } });
      expect([notArray.status, notArray.body.code]).toEqual([400, 'BATCH_INVALID']);
      const extra = await call(store.url, '/v1/visits:batch', { key: KEY_A, body: { visits: [], more: 1 } });
      expect([extra.status, extra.body.code]).toEqual([400, 'FIELD_UNKNOWN']);
      const agency = await batch([visit()], KEY_AGENCY);
      expect([agency.status, agency.body.code]).toEqual([403, 'WRITE_FORBIDDEN']);
      expect(notJson.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });

    it('needs a valid bearer key', async () => {
      const none = await call(store.url, '/v1/visits:batch', { body: { visits: [] } });
      expect([none.status, none.body.code]).toEqual([401, 'AUTH_REQUIRED']);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await call(store.url, '/v1/visits:batch', { key: KEY_A + 'x', body: { visits: [] } });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'AUTH_INVALID']);
      const read = await call(store.url, '/v1/facilities/12001/visits', {});
      expect(read.status).toBe(401);
    });
  });

  describe('GET /v1/patients/{maSoBhxh}/visits', () => {
    const P = '0999999999';
    beforeAll(async () => {
      // Vietnam is UTC+7: 17:00Z on 31 December is midnight of 1 January in Hà Nội.
      await batch([
        visit({ maSoBhxh: P, checkedInAt: '2024-12-31T16:59:59.999Z', visitType: '02' }),
        visit({ maSoBhxh: P, checkedInAt: '2024-12-31T17:00:00.000Z' }),
        visit({ maSoBhxh: P, checkedInAt: '2025-06-01T01:00:00.000Z' }),
        visit({ maSoBhxh: P, checkedInAt: '2025-12-31T17:30:00.000Z' }),
      ]);
      await batch([visit({ facility: '79002', maSoBhxh: P, checkedInAt: '2025-03-03T03:00:00.000Z' })], KEY_B);
    });

    it('groups visits by Vietnam-time year, with Vietnam dates', async () => {
      const y2024 = await call(store.url, `/v1/patients/${P}/visits?year=2024`, { key: KEY_A });
      expect(y2024.body.items.map((i: any) => [i.date, i.visitType])).toEqual([['2024-12-31', '02']]);
      const y2025 = await call(store.url, `/v1/patients/${P}/visits?year=2025`, { key: KEY_A });
      expect(y2025.body.items.map((i: any) => i.date)).toEqual(['2025-01-01', '2025-06-01']);
      const y2026 = await call(store.url, `/v1/patients/${P}/visits?year=2026`, { key: KEY_A });
      expect(y2026.body.items.map((i: any) => [i.date, i.checkedInAt, i.facility])).toEqual([
        ['2026-01-01', '2025-12-31T17:30:00.000Z', '12001'],
      ]);
      expect(y2026.body).toMatchObject({ maSoBhxh: P, year: 2026 });
    });

    it("shows a facility only its own visits; the agency's reader sees the whole book", async () => {
      const a = await call(store.url, `/v1/patients/${P}/visits?year=2025`, { key: KEY_A });
      expect(a.body.items.every((i: any) => i.facility === '12001')).toBe(true);
      const b = await call(store.url, `/v1/patients/${P}/visits?year=2025`, { key: KEY_B });
      expect(b.body.items.map((i: any) => i.facility)).toEqual(['79002']);
      const all = await call(store.url, `/v1/patients/${P}/visits?year=2025`, { key: KEY_AGENCY });
      expect(all.body.items.map((i: any) => i.facility)).toEqual(['12001', '79002', '12001']);
    });

    it('validates the path and year', async () => {
      expect((await call(store.url, `/v1/patients/123/visits?year=2025`, { key: KEY_A })).body.code).toBe('MA_SO_BHXH_INVALID');
      expect((await call(store.url, `/v1/patients/${P}/visits`, { key: KEY_A })).body.code).toBe('YEAR_INVALID');
      expect((await call(store.url, `/v1/patients/${P}/visits?year=20x5`, { key: KEY_A })).body.code).toBe('YEAR_INVALID');
      expect((await call(store.url, `/v1/patients/${P}/visits?year=2025&year=2026`, { key: KEY_A })).status).toBe(400);
      expect((await call(store.url, `/v1/patients/${P}'%20OR%201=1--/visits?year=2025`, { key: KEY_A })).status).toBe(400);
    });
  });

  describe('GET /v1/facilities/{code}/visits', () => {
    it('pages with a keyset cursor, every visit once, in check-in order', async () => {
      const fresh = await startTestStore(undefined, backend);
      try {
        const sent = Array.from({ length: 25 }, (_, i) =>
          visit({ checkedInAt: new Date(Date.parse('2026-01-01T00:00:00Z') + (i % 5) * 60_000).toISOString() }),
        );
        await call(fresh.url, '/v1/visits:batch', { key: KEY_A, body: { visits: sent } });
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const q: string = `/v1/facilities/12001/visits?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await call(fresh.url, q, { key: KEY_A });
          expect(page.status).toBe(200);
          seen.push(...page.body.items.map((v: any) => v.id));
          cursor = page.body.nextCursor;
          pages++;
        } while (cursor && pages < 10);
        expect(pages).toBe(4);
        expect(new Set(seen).size).toBe(25);
        expect(seen.sort()).toEqual(sent.map((v) => v.id as string).sort());

        const win = await call(fresh.url, '/v1/facilities/12001/visits?from=2026-01-01T00:01:00Z&to=2026-01-01T00:03:00Z', { key: KEY_A });
        expect(win.body.items).toHaveLength(10);
        // A Vietnam calendar day: 2026-01-01 in Hà Nội is 2025-12-31T17:00Z … 2026-01-01T17:00Z.
        const day = await call(fresh.url, '/v1/facilities/12001/visits?from=2026-01-01&to=2026-01-01', { key: KEY_A });
        expect(day.body.items).toHaveLength(25);
        const dayBefore = await call(fresh.url, '/v1/facilities/12001/visits?to=2025-12-31', { key: KEY_A });
        expect(dayBefore.body.items).toHaveLength(0);
        expect(page0Fields(day.body.items[0])).toEqual([
          'cardNumber',
          'checkedInAt',
          'facility',
          'id',
          'maSoBhxh',
          'receivedAt',
          'source',
          'verdict',
          'visitType',
        ]);
      } finally {
        await fresh.close();
      }
    });

    it("refuses another facility's listing and bad parameters", async () => {
      expect((await call(store.url, '/v1/facilities/12001/visits', { key: KEY_B })).body.code).toBe('FACILITY_FORBIDDEN');
      expect((await call(store.url, '/v1/facilities/12001/visits', { key: KEY_AGENCY })).status).toBe(200);
      for (const q of ['limit=0', 'limit=1001', 'limit=x', 'from=yesterday', 'to=2026-02-30']) {
        const r = await call(store.url, `/v1/facilities/12001/visits?${q}`, { key: KEY_A });
        expect([q, r.status, r.body.code]).toEqual([q, 400, 'QUERY_INVALID']);
      }
      for (const c of ['garbage!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
        const r = await call(store.url, `/v1/facilities/12001/visits?cursor=${encodeURIComponent(c)}`, { key: KEY_A });
        expect([r.status, r.body.code]).toEqual([400, 'CURSOR_INVALID']);
      }
      expect((await call(store.url, '/v1/facilities/1/visits', { key: KEY_A })).body.code).toBe('FACILITY_INVALID');
    });
  });

  describe('fault plan (test only)', () => {
    it('answers 500 to every n-th batch, optionally after committing', async () => {
      const faulty = await startTestStore({ error500: { every: 2, afterCommit: true } }, backend);
      try {
        const v1 = visit();
        const v2 = visit();
        expect((await call(faulty.url, '/v1/visits:batch', { key: KEY_A, body: { visits: [v1] } })).status).toBe(200);
        const r2 = await call(faulty.url, '/v1/visits:batch', { key: KEY_A, body: { visits: [v2] } });
        expect([r2.status, r2.body.code]).toEqual([500, 'FAULT_INJECTED']);
        // The 500 came after the commit: a resend is a duplicate.
        expect((await call(faulty.url, '/v1/visits:batch', { key: KEY_A, body: { visits: [v2] } })).body.results[0].status).toBe(
          'duplicate',
        );
        expect(await faulty.store.count()).toBe(2);
      } finally {
        await faulty.close();
      }
    });
  });

  it('GET /healthz needs no key', async () => {
    const r = await call(store.url, '/healthz');
    expect(r.body.status).toBe('ok');
    expect((await call(store.url, '/v1/nothing', { key: KEY_A })).body.code).toBe('NOT_FOUND');
  });
});

function page0Fields(v: Record<string, unknown>): string[] {
  return Object.keys(v).sort();
}
