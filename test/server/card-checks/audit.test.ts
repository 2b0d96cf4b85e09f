/** The auditors' view of card checks: filters, keyset pages, batches for the CSV, the query parser. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCardCheckCursor,
  parseCardCheckCursor,
  parseCardCheckFilter,
  CARD_CHECK_CSV_PARAMS,
  CARD_CHECK_LIST_PARAMS,
} from '../../../server/card-checks/audit-filters.js';
import { CARD_CHECK_CSV_HEADER, cardCheckCsvLine } from '../../../server/card-checks/csv.js';
import { AppError } from '../../../server/errors.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import { PEOPLE, PORTAL_NOW, RECEPTIONIST, openKiosk, startHeldPortal, type Kiosk, type TestPortal } from './fixtures.js';

let p: TestPortal;
let k: Kiosk;
beforeAll(async () => {
  p = await startHeldPortal();
});
afterAll(async () => {
  await p.close();
});
afterEach(async () => {
  await k?.close();
});

const OTHER = { ...RECEPTIONIST, username: 'tran.b' };
const DAY = 86_400_000;

/** Six checks over two Vietnam days, two desks, two operators; rejected ones included. */
async function seed(kiosk: Kiosk): Promise<string[]> {
  const desk1 = kiosk.service();
  const desk2 = kiosk.service({ deskId: 'desk-2' });
  const ids: string[] = [];
  const at = async (offset: number, run: () => Promise<{ id: string }>) => {
    kiosk.clock.set(PORTAL_NOW + offset);
    ids.push((await run()).id);
  };
  const wait = { waitMs: 60_000 };
  const manual = (who: (typeof PEOPLE)[keyof typeof PEOPLE]) => ({
    manual: { cardNumber: who.maThe!, name: who.hoTen, birthDate: who.ngaySinh },
  });
  await at(-DAY, () => desk1.start({ qr: LEGACY_HC }, RECEPTIONIST, wait)); // accepted 000, yesterday
  await at(-DAY + 1, () => desk1.start({ qr: 'garbage' }, RECEPTIONIST, wait)); // rejected locally, not_needed
  await at(0, () => desk1.start(manual(PEOPLE.revoked), RECEPTIONIST, wait)); // rejected 110
  await at(0, () => desk2.start(manual(PEOPLE.expired), OTHER, wait)); // rejected 010, same ms
  await at(1, () => desk2.start({ qr: CCCD }, OTHER, wait)); // accepted 000
  await at(2, () => desk1.start(manual(PEOPLE.child), RECEPTIONIST, wait)); // needs_review 130
  return ids;
}

describe('CardCheckQueries.search', () => {
  it('every check is recorded, rejected ones too; filters by verdict, operator, desk, portal code, state, day, linked', async () => {
    k = await openKiosk(p.portal.url);
    const ids = await seed(k);
    const all = await k.queries.search({}, { limit: 50 });
    expect(all).toHaveLength(6);
    expect(all.map((r) => r.createdAt)).toEqual([...all.map((r) => r.createdAt)].sort((a, b) => b - a));
    const ids_ = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    const rejected = await k.queries.search({ verdict: 'rejected' }, { limit: 50 });
    expect(ids_(rejected)).toEqual([ids[1], ids[2], ids[3]].sort());
    expect(rejected.find((r) => r.id === ids[2])).toMatchObject({ portalState: 'done', portalCode: '110', code: 'REVOKED' });
    expect(rejected.find((r) => r.id === ids[1])).toMatchObject({ portalState: 'not_needed', code: 'QR_MALFORMED', visitId: null });
    expect(ids_(await k.queries.search({ operator: 'tran.b' }, { limit: 50 }))).toEqual([ids[3], ids[4]].sort());
    expect(ids_(await k.queries.search({ desk: 'desk-2', verdict: 'accepted' }, { limit: 50 }))).toEqual([ids[4]]);
    expect(ids_(await k.queries.search({ portalCode: '010' }, { limit: 50 }))).toEqual([ids[3]]);
    expect(ids_(await k.queries.search({ portalCode: '000' }, { limit: 50 }))).toEqual([ids[0], ids[4]].sort());
    expect(ids_(await k.queries.search({ portalState: 'not_needed' }, { limit: 50 }))).toEqual([ids[1]]);
    expect(ids_(await k.queries.search({ reasonCode: 'CHILD_CARD_NOT_PRESENTED' }, { limit: 50 }))).toEqual([ids[5]]);
    expect(ids_(await k.queries.search({ source: 'id-card' }, { limit: 50 }))).toEqual([ids[4]]);
    const today = parseCardCheckFilter({ from: '2026-12-01', to: '2026-12-01' }, CARD_CHECK_LIST_PARAMS).filter;
    expect(ids_(await k.queries.search(today, { limit: 50 }))).toEqual(ids.slice(2).sort());
    await k.repo.linkVisit(ids[4]!, 'visit-9', PORTAL_NOW);
    expect(ids_(await k.queries.search({ linked: true }, { limit: 50 }))).toEqual([ids[4]]);
    expect(await k.queries.search({ linked: false }, { limit: 50 })).toHaveLength(5);
    // What an auditor sees: the patient's CCCD masked, no name or birth date.
    const cccd = (await k.queries.search({ source: 'id-card' }, { limit: 1 }))[0]!;
    expect(cccd.cccdMasked).toBe('********1234');
    expect(JSON.stringify(await k.queries.search({}, { limit: 50 }))).not.toMatch(/Nguyễn|012090001234|1990-03-20/);
  });

  it('a part of a card number and a set of operators are applied (none matching: no rows, never all)', async () => {
    k = await openKiosk(p.portal.url);
    const ids = await seed(k);
    const all = await k.queries.search({}, { limit: 50 });
    const part = PEOPLE.expired.maThe!.slice(-7);
    const want = all.filter((r) => r.cardNumber?.includes(part)).map((r) => r.id);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.length);
    expect((await k.queries.search({ cardNumberPart: part }, { limit: 50 })).map((r) => r.id)).toEqual(want);
    expect(await k.queries.search({ cardNumberPart: 'ZZZ999' }, { limit: 50 })).toEqual([]);
    const byOther = (await k.queries.search({ operators: ['tran.b'] }, { limit: 50 })).map((r) => r.id).sort();
    expect(byOther).toEqual([ids[3], ids[4]].sort());
    expect(await k.queries.search({ operators: [] }, { limit: 50 })).toEqual([]);
    expect((await k.queries.operatorNames()).map((n) => n.operator).sort()).toEqual([RECEPTIONIST.username, 'tran.b'].sort());
  });

  it('keyset pages (ties on the same millisecond included) and CSV batches cover every row once', async () => {
    k = await openKiosk(p.portal.url);
    await seed(k);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const before = parseCardCheckCursor(cursor === undefined ? {} : { cursor });
      const page = await k.queries.search({}, { limit: 2, ...(before ? { before } : {}) });
      seen.push(...page.map((r) => r.id));
      if (page.length < 2) break;
      const last = page[page.length - 1]!;
      cursor = encodeCardCheckCursor({ createdAt: last.createdAt, id: last.id });
    }
    const all = (await k.queries.search({}, { limit: 50 })).map((r) => r.id);
    expect(seen).toEqual(all);
    const batches: number[] = [];
    let csv = CARD_CHECK_CSV_HEADER;
    for await (const rows of k.queries.searchAll({}, 4)) {
      batches.push(rows.length);
      for (const r of rows) csv += cardCheckCsvLine(r);
    }
    expect(batches).toEqual([4, 2]);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(7);
    expect(csv).toContain('"110"');
    expect(csv).not.toContain('012090001234');
  });
});

describe('query parsing', () => {
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (e) {
      return e instanceof AppError ? `${e.code}:${String(e.extra?.field)}` : 'other';
    }
  };
  it('validates the portal filters and the cursor', () => {
    expect(
      parseCardCheckFilter({ portalCode: '110', portalState: 'done', linked: 'false', verdict: 'rejected' }, CARD_CHECK_LIST_PARAMS),
    ).toEqual({
      filter: { portalCode: '110', portalState: 'done', linked: false, verdict: 'rejected' },
      echo: { portalCode: '110', portalState: 'done', linked: 'false', verdict: 'rejected' },
    });
    expect(parseCardCheckFilter({ portalCode: 'OPERATOR_CCCD_MISSING' }, CARD_CHECK_LIST_PARAMS).filter.portalCode).toBe(
      'OPERATOR_CCCD_MISSING',
    );
    expect(code(() => parseCardCheckFilter({ portalCode: "1' OR 1=1" }, CARD_CHECK_LIST_PARAMS))).toBe('QUERY_INVALID:portalCode');
    expect(code(() => parseCardCheckFilter({ portalState: 'maybe' }, CARD_CHECK_LIST_PARAMS))).toBe('QUERY_INVALID:portalState');
    expect(code(() => parseCardCheckFilter({ linked: 'yes' }, CARD_CHECK_LIST_PARAMS))).toBe('QUERY_INVALID:linked');
    expect(code(() => parseCardCheckFilter({ nope: '1' }, CARD_CHECK_LIST_PARAMS))).toBe('QUERY_UNKNOWN:nope');
    // A card check keeps no patient name: the filter is refused rather than ignored (which
    // answered every check); the operator as typed is passed on to be resolved.
    expect(code(() => parseCardCheckFilter({ name: 'Nguyễn' }, CARD_CHECK_LIST_PARAMS))).toBe('QUERY_INVALID:name');
    expect(parseCardCheckFilter({ operator: 'Trần B' }, CARD_CHECK_LIST_PARAMS).operatorText).toBe('tran b');
    expect(parseCardCheckFilter({ cardNumber: 'hc412' }, CARD_CHECK_LIST_PARAMS).filter.cardNumberPart).toBe('HC412');
    // The CSV has every filter but no paging.
    expect(code(() => parseCardCheckFilter({ portalCode: '000', desk: 'desk-1' }, CARD_CHECK_CSV_PARAMS))).toBe('ok');
    expect(code(() => parseCardCheckFilter({ cursor: 'abc' }, CARD_CHECK_CSV_PARAMS))).toBe('QUERY_UNKNOWN:cursor');
    expect(code(() => parseCardCheckCursor({ cursor: Buffer.from('v1:12').toString('base64url') }))).toBe('CURSOR_INVALID:cursor');
    const c = { createdAt: PORTAL_NOW, id: '019a0000-0000-7000-8000-000000000001' };
    expect(parseCardCheckCursor({ cursor: encodeCardCheckCursor(c) })).toEqual(c);
  });
});
