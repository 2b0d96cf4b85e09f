import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { ACCOUNTS, cardNumber, NOW, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk;
const DAY = 86_400_000;

beforeAll(async () => {
  k = await startLogKiosk({ flags: ['--session-ttl', '3d'] });
  const post = (qr: string) => k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr } });
  // Day 1 (2026-11-25 VN): three accepted; day 2 (2026-11-26 VN): two accepted, two rejected.
  for (let i = 0; i < 3; i++) expect((await post(await k.card(i))).status).toBe(201);
  k.clock.set(NOW + DAY);
  for (let i = 3; i < 5; i++) expect((await post(await k.card(i))).status).toBe(201);
  expect((await post('=cmd|calc')).status).toBe(422);
  expect((await post('not a card')).status).toBe(422);
});
afterAll(async () => {
  await k?.close();
});

const get = (path: string) => k.request('GET', path, { cookie: k.cookies.auditor });

describe('GET /api/audit/visits', () => {
  it('lists newest first with the auditor fields (raw QR, operator ID)', async () => {
    const r = await get('/api/audit/visits');
    expect(r.status).toBe(200);
    expect(r.json.items).toHaveLength(7);
    expect(r.json.items[0].seq).toBe(7);
    expect(r.json.nextCursor).toBeNull();
    expect(r.json.items[6].qrText).toMatch(/^shc:\//);
    expect(r.json.items[6].operator.cccd).toBe(ACCOUNTS.receptionist.cccd);
  });

  it('paginates with an opaque cursor', async () => {
    const p1 = await get('/api/audit/visits?limit=3');
    expect(p1.json.items.map((v: { seq: number }) => v.seq)).toEqual([7, 6, 5]);
    const p2 = await get(`/api/audit/visits?limit=3&cursor=${p1.json.nextCursor}`);
    expect(p2.json.items.map((v: { seq: number }) => v.seq)).toEqual([4, 3, 2]);
    const p3 = await get(`/api/audit/visits?limit=3&cursor=${p2.json.nextCursor}`);
    expect(p3.json.items.map((v: { seq: number }) => v.seq)).toEqual([1]);
    expect(p3.json.nextCursor).toBeNull();
  });

  it('filters by Vietnam date, card number, mã số BHXH, verdict, reason code, operator and desk', async () => {
    const seqs = async (q: string) => (await get(`/api/audit/visits?${q}`)).json.items.map((v: { seq: number }) => v.seq);
    expect(await seqs('from=2026-11-25&to=2026-11-25')).toEqual([3, 2, 1]);
    expect(await seqs('from=2026-11-26')).toEqual([7, 6, 5, 4]);
    expect(await seqs(`cardNumber=${cardNumber(1)}`)).toEqual([2]);
    expect(await seqs(`cardNumber=${cardNumber(1).toLowerCase()}`)).toEqual([2]);
    expect(await seqs(`maSoBhxh=${cardNumber(4).slice(5)}`)).toEqual([5]);
    expect(await seqs('verdict=rejected')).toEqual([7, 6]);
    expect(await seqs('reasonCode=QR_MALFORMED')).toEqual([7, 6]);
    expect(await seqs(`operator=${ACCOUNTS.receptionist.username}&verdict=accepted&limit=2`)).toEqual([5, 4]);
    expect(await seqs('desk=desk-1&from=2026-11-25&to=2026-11-25')).toEqual([3, 2, 1]);
    expect(await seqs('desk=desk-2')).toEqual([]);
  });

  it('rejects bad and SQL-injection filter values with 400 and a code, and leaves the log intact', async () => {
    const evil = ["' OR '1'='1", '1; DROP TABLE visits; --', '" OR ""="', "x') UNION SELECT * FROM users --", '%', '\u0000'];
    const params = ['from', 'to', 'cardNumber', 'maSoBhxh', 'verdict', 'reasonCode', 'operator', 'desk', 'limit', 'cursor'];
    for (const p of params) {
      for (const v of evil) {
        for (const path of ['/api/audit/visits', '/api/audit/summary', '/api/audit/visits.csv']) {
          if (path !== '/api/audit/visits' && (p === 'limit' || p === 'cursor')) continue;
          const r = await get(`${path}?${p}=${encodeURIComponent(v)}`);
          expect(r.status, `${path} ${p}=${v}`).toBe(400);
          expect(r.json.code).toMatch(/^(QUERY_INVALID|DATE_INVALID|CURSOR_INVALID)$/);
        }
      }
    }
    for (const q of [
      'from=2026-02-30',
      'limit=0',
      'limit=501',
      'from=2026-11-26&to=2026-11-25',
      'cardNumber=a&cardNumber=b',
      'verdict[x]=1',
      'nope=1',
    ]) {
      const r = await get(`/api/audit/visits?${q}`);
      expect(r.status, q).toBe(400);
    }
    const integ = await get('/api/audit/integrity');
    expect(integ.json).toMatchObject({ intact: true, count: 7 });
  });
});

describe('GET /api/audit/visits.csv', () => {
  it('streams UTF-8 CSV with a BOM, Vietnamese intact, no formula cells', async () => {
    const r = await k.request('GET', '/api/audit/visits.csv', { cookie: k.cookies.auditor });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="visits-2026-11-26\.csv"/);
    expect(r.text.charCodeAt(0)).toBe(0xfeff);
    const lines = r.text.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(8);
    // Vietnamese headers (the stable key beside each) and values by default.
    expect(lines[0]).toMatch(/^"STT \(seq\)","Mã lượt \(id\)","Thời gian \(giờ Việt Nam\) \(recorded_at_vn\)"/);
    expect(r.text).toContain('Nguyễn Đức Thiện');
    // The rejected attempt's QR text ('=cmd|calc') is not exported at all (no qr_text column).
    expect(r.text).not.toContain('cmd|calc');
    expect(r.text).not.toMatch(/(^|,)"=/m);
    const filtered = await k.request('GET', '/api/audit/visits.csv?verdict=rejected', { cookie: k.cookies.auditor });
    expect(filtered.text.slice(1).trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('never exports the signed card (qr_text), fills operator_cccd; Vietnamese values by default, the English keys with lang=en', async () => {
    const csv = async (q: string) => {
      const r = await k.request('GET', `/api/audit/visits.csv${q}`, { cookie: k.cookies.auditor });
      expect(r.status).toBe(200);
      const rows = r.text
        .slice(1)
        .trimEnd()
        .split('\r\n')
        .map((l) => l.slice(1, -1).split('","'));
      return { header: rows[0]!, rows: rows.slice(1), text: r.text };
    };
    const vi = await csv('?verdict=accepted');
    const en = await csv('?verdict=accepted&lang=en');
    for (const f of [vi, en]) {
      expect(f.text).not.toContain('shc:/');
      expect(f.header.join(',')).not.toMatch(/qr_text/);
    }
    expect(en.header.slice(0, 3)).toEqual(['seq', 'id', 'recorded_at_vn']);
    const col = (f: typeof vi, key: string) => f.header.findIndex((h) => h === key || h.endsWith(`(${key})`));
    expect(en.rows.every((r) => r[col(en, 'operator_cccd')] === ACCOUNTS.receptionist.cccd)).toBe(true);
    expect(vi.rows.every((r) => r[col(vi, 'operator_cccd')] === ACCOUNTS.receptionist.cccd)).toBe(true);
    expect(en.rows[0]![col(en, 'verdict')]).toBe('accepted');
    expect(vi.rows[0]![col(vi, 'verdict')]).toBe('Hợp lệ');
    expect(vi.rows[0]![col(vi, 'visit_type')]).toMatch(/^Khám bệnh \(01\)$/);
    expect(vi.rows[0]![col(vi, 'recorded_at_vn')]).toMatch(/^\d{2}\/\d{2}\/2026 \d{2}:\d{2}:\d{2}$/);
    expect(vi.rows[0]![col(vi, 'demo')]).toBe('Không');
    const bad = await k.request('GET', '/api/audit/visits.csv?lang=fr', { cookie: k.cookies.auditor });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'QUERY_INVALID', field: 'lang' });
  });
});

describe('forgiving filters (#13)', () => {
  const seqs = async (q: string) => {
    const r = await get(`/api/audit/visits?${q}`);
    expect(r.status, q).toBe(200);
    return r.json.items.map((v: { seq: number }) => v.seq);
  };
  it('finds the operator by display name with or without diacritics, or by username; a part of a card number; reason codes in any case', async () => {
    const all = await seqs('verdict=accepted');
    expect(all).toHaveLength(5);
    for (const op of ['Nguyễn Thị Thu', 'nguyen thi thu', 'THU', ACCOUNTS.receptionist.username, 'thu-ng']) {
      expect(await seqs(`operator=${encodeURIComponent(op)}&verdict=accepted`), op).toEqual(all);
    }
    expect(await seqs(`operator=${encodeURIComponent('Trần Văn Kiểm')}`)).toEqual([]);
    // cardNumber(3) = DN4121200000003: its last digits, or any part of it, in any case.
    expect(await seqs('cardNumber=00000003')).toHaveLength(1);
    expect(await seqs('cardNumber=dn41212')).toHaveLength(5);
    expect(await seqs(`cardNumber=${cardNumber(3).toLowerCase()}`)).toHaveLength(1);
    expect(await seqs('reasonCode=qr_malformed')).toHaveLength(2);
    expect(await seqs('reasonCode=QR_MALFORMED')).toHaveLength(2);
    // The patient's name, typed without marks.
    expect((await seqs('name=nguyen%20duc%20thien')).length).toBe(5);
    const r = await get('/api/audit/visits?cardNumber=ab');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'QUERY_INVALID', field: 'cardNumber' });
  });
});

describe('GET /api/audit/summary', () => {
  it('counts per Vietnam day by verdict and the top reject reasons', async () => {
    const r = await get('/api/audit/summary?from=2026-11-24&to=2026-11-26');
    expect(r.status).toBe(200);
    expect(r.json.days).toEqual([
      { day: '2026-11-24', accepted: 0, needs_review: 0, rejected: 0, total: 0 },
      { day: '2026-11-25', accepted: 3, needs_review: 0, rejected: 0, total: 3 },
      { day: '2026-11-26', accepted: 2, needs_review: 0, rejected: 2, total: 4 },
    ]);
    expect(r.json.totals).toEqual({ accepted: 5, needs_review: 0, rejected: 2, total: 7 });
    expect(r.json.topRejectReasons).toEqual([{ code: 'QR_MALFORMED', count: 2 }]);
    const dflt = await get('/api/audit/summary');
    expect(dflt.json.to).toBe('2026-11-26');
    expect(dflt.json.days).toHaveLength(30);
    expect((await get('/api/audit/summary?from=2020-01-01&to=2026-01-01')).json.code).toBe('DATE_RANGE_TOO_LARGE');
  });
});

describe('sync state for auditors', () => {
  it("shows each visit's sync state, and parked visits with the store's reason", async () => {
    const list = await get('/api/audit/visits');
    const byVerdict = (v: string) => list.json.items.filter((x: { verdict: string }) => x.verdict === v);
    // Sync is off in this kiosk: accepted visits wait in the outbox; rejected attempts are never sent.
    for (const v of byVerdict('accepted')) expect(v.sync).toMatchObject({ state: 'pending', attempts: 0 });
    for (const v of byVerdict('rejected')) expect(v.sync).toEqual({ state: 'none' });

    const parkedId = byVerdict('accepted')[0].id as string;
    const { db } = await openKioskDatabase(k.dataDir, NOW);
    try {
      await db.run("UPDATE sync_outbox SET state = 'parked', attempts = 1, parked_reason = 'CONFLICT:ID_CONFLICT' WHERE visit_id = ?", [
        parkedId,
      ]);
    } finally {
      await db.close();
    }
    const parked = await get('/api/audit/sync/parked');
    expect(parked.status).toBe(200);
    expect(parked.json).toMatchObject({
      items: [{ visitId: parkedId, state: 'parked', attempts: 1, parkedReason: 'CONFLICT:ID_CONFLICT' }],
      nextCursor: null,
    });
    const again = await get('/api/audit/visits');
    expect(again.json.items.find((x: { id: string }) => x.id === parkedId).sync).toMatchObject({
      state: 'parked',
      parkedReason: 'CONFLICT:ID_CONFLICT',
    });
    expect((await get('/api/audit/sync/parked?cursor=%27%20OR%201%3D1')).status).toBe(400);
    expect((await get('/api/audit/sync/parked?verdict=accepted')).status).toBe(400);
  });
});

describe('GET /api/audit/integrity and the audit trail', () => {
  it('reports intact, count and head hash; every auditor read is recorded with its filter', async () => {
    const r = await get('/api/audit/integrity');
    expect(r.json).toMatchObject({ intact: true, count: 7, headSeq: 7 });
    expect(r.json.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.firstBrokenSeq).toBeUndefined();
    await get('/api/audit/visits?verdict=rejected&limit=5');
    const { db } = await openKioskDatabase(k.dataDir, NOW);
    try {
      const rows = await db.all<{ username: string; endpoint: string; filter: string }>(
        'SELECT username, endpoint, filter FROM audit_reads ORDER BY id DESC LIMIT 1',
      );
      expect(rows[0]).toMatchObject({ username: ACCOUNTS.auditor.username, endpoint: 'visits' });
      expect(JSON.parse(rows[0]!.filter)).toEqual({ verdict: 'rejected', limit: 5 });
      await expect(db.run('DELETE FROM audit_reads')).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
    const trail = await get('/api/audit/reads?limit=2');
    expect(trail.json.items[0]).toMatchObject({ username: ACCOUNTS.auditor.username, endpoint: 'reads' });
  });
});
