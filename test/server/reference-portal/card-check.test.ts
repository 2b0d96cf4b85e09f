/**
 * Every card-check result code answered from the portal's data, over real HTTP: one person (or
 * one request) per code, asserting the exact maKetQua and the fields the code promises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalPerson } from '../../../server/reference-portal/dataset-schema.js';
import { CARD_CHECK_REPLY_FIELDS, CARD_CHECK_RESULTS, type CardCheckRequest } from '../../../server/wire/portal.js';
import { checkUrl, person, post, request, startTestPortal, takeToken, type Auth, type TestPortal } from './fixtures.js';

const base = person(0, { cccd: '012090001234' });
const defence = person(1, { maThe: 'QN5010100000001', status: 'defence-fund' });
const police = person(2, { maThe: 'CA5010100000002', status: 'police-fund' });
const renewedExpired = person(3, {
  gtTheDen: '2026-06-30',
  newCard: { maThe: 'HC4010100000003', gtTheTu: '2026-07-01', gtTheDen: '2027-06-30', maDKBD: '12002', tenDKBD: 'Trạm Y tế Phường 2' },
});
const renewedValid = person(4, {
  newCard: { maThe: 'HC4010100000004', gtTheTu: '2026-11-01', gtTheDen: '2027-12-31', maDKBD: '12001', tenDKBD: 'Bệnh viện 12001' },
});
const expired = person(5, { gtTheDen: '2026-10-31' });
const notYet = person(6, { gtTheTu: '2026-12-01' });
const elsewhere = person(7, { maDKBD: '12002', onlyAtRegisteredFacility: true });
const revoked = person(8, { status: 'revoked' });
const reduced = (nn: number, code: '120' | '121' | '122' | '123' | '124') => person(nn, { status: 'reduced', reducedCode: code });
const child = person(14, { maThe: 'TE1010100000014', ngaySinh: '2023-02-14', status: 'child-without-card' });
const yearOnly = person(15, { ngaySinh: '1960' });
const tenDigit = person(16, { maThe: undefined });
const elsewhereOpen = person(17, { maDKBD: '12002' });

const persons: PortalPerson[] = [
  base,
  defence,
  police,
  renewedExpired,
  renewedValid,
  expired,
  notYet,
  elsewhere,
  revoked,
  reduced(9, '120'),
  reduced(10, '121'),
  reduced(11, '122'),
  reduced(12, '123'),
  reduced(13, '124'),
  child,
  yearOnly,
  tenDigit,
  elsewhereOpen,
];

let portal: TestPortal;
let auth: Auth;
const check = (body: unknown) => post(checkUrl(portal.url, auth), body);

beforeAll(async () => {
  portal = await startTestPortal(persons);
  auth = await takeToken(portal.url);
});
afterAll(async () => {
  await portal.close();
});

describe('card check: every result code from data', () => {
  const cases: Array<[string, string, () => CardCheckRequest]> = [
    ['000', 'card information correct', () => request(base)],
    ['000', 'looked up by the 12-digit CCCD number', () => request(base, { maThe: '012090001234' })],
    ['000', 'looked up by the 10-digit mã số BHXH', () => request(base, { maThe: base.maSoBhxh })],
    ['000', 'a 10-digit card', () => request(tenDigit)],
    ['000', 'a year-only birth date held, full date sent', () => request(yearOnly, { ngaySinh: '01/01/1960' })],
    ['000', 'a full birth date held, year sent', () => request(base, { ngaySinh: '1990' })],
    ['000', 'name differing only in case and spacing', () => request(base, { hoTen: '  nguyễn  văn   AN ' })],
    ['000', 'card registered elsewhere, not restricted', () => request(elsewhereOpen)],
    ['001', 'defence fund', () => request(defence)],
    ['002', 'police fund', () => request(police)],
    ['003', 'old card expired, new one issued', () => request(renewedExpired)],
    ['004', 'old card still valid, new one issued', () => request(renewedValid)],
    ['010', 'expired by the portal clock', () => request(expired)],
    ['010', 'not yet valid', () => request(notYet)],
    ['050', 'unknown card', () => request(base, { maThe: 'DN4010999999999' })],
    ['050', 'unknown CCCD', () => request(base, { maThe: '012099999999' })],
    ['051', 'person held under another card number', () => request(base, { maThe: `HC401${base.maSoBhxh}` })],
    ['051', 'object code not letters', () => request(base, { maThe: '1N4010100000000' })],
    ['051', 'wrong length', () => request(base, { maThe: 'DN40101000000' })],
    ['052', 'province code not in the table', () => request(base, { maThe: `DN403${base.maSoBhxh}` })],
    ['053', 'benefit digit not 1–5', () => request(base, { maThe: `DN701${base.maSoBhxh}` })],
    ['054', 'staff ID not registered', () => request(base, { cccdCb: '001090000009' })],
    ['054', 'staff ID missing', () => request(base, { cccdCb: '' })],
    ['054', "another facility's staff member", () => request(base, { cccdCb: '079090000002', hoTenCb: 'Phạm Văn Bình' })],
    ['055', 'staff name does not match the ID', () => request(base, { hoTenCb: 'Trần Văn Bảy' })],
    ['060', 'wrong name', () => request(base, { hoTen: 'Trần Văn An' })],
    ['061', 'wrong name, right first letter', () => request(base, { hoTen: 'Nguyễn Văn Anh' })],
    ['070', 'wrong birth date', () => request(base, { ngaySinh: '21/03/1990' })],
    ['070', 'wrong birth year', () => request(yearOnly, { ngaySinh: '1961' })],
    ['090', 'card usable only at its registered facility', () => request(elsewhere)],
    ['110', 'revoked', () => request(revoked)],
    ['120', 'reduced', () => request(persons[9]!)],
    ['121', 'reduced: moved out', () => request(persons[10]!)],
    ['122', 'reduced: moved within', () => request(persons[11]!)],
    ['123', 'reduced: re-enrolled', () => request(persons[12]!)],
    ['124', 'reduced: stopped', () => request(persons[13]!)],
    ['130', 'child without card', () => request(child)],
    ['205', 'bad birth-date format', () => request(base, { ngaySinh: '1990-03-20' })],
  ];

  it.each(cases)('%s: %s', async (code, _what, req) => {
    const r = await check(req());
    expect(r.status).toBe(200);
    expect(r.body.maKetQua).toBe(code);
    expect(r.body.ghiChu).toContain(CARD_CHECK_RESULTS[code as keyof typeof CARD_CHECK_RESULTS].vi);
    // Every field of the table is present; unknown ones are null.
    expect(Object.keys(r.body).sort()).toEqual([...CARD_CHECK_REPLY_FIELDS].sort());
  });

  it('covers every code of the table except the injected ones (100/101/500) and 401', () => {
    const covered = new Set(cases.map(([c]) => c));
    const rest = Object.keys(CARD_CHECK_RESULTS).filter((c) => !covered.has(c));
    expect(rest.sort()).toEqual(['100', '101', '401', '500']);
  });

  it('000 answers the card as the portal holds it, dates dd/MM/yyyy', async () => {
    const r = await check(request(base));
    expect(r.body).toMatchObject({
      maKetQua: '000',
      maThe: base.maThe,
      hoTen: 'Nguyễn Văn An',
      ngaySinh: '20/03/1990',
      gioiTinh: 'Nam',
      diaChi: 'Số 1 Phố Huế, Hà Nội',
      maDKBD: '12001',
      cqBHXH: '0101',
      maKV: 'K1',
      ngayDu5Nam: '01/01/2028',
      maSoBHXH: base.maSoBhxh,
      gtTheTu: '01/01/2026',
      gtTheDen: '31/12/2026',
      maTheCu: null,
      maTheMoi: null,
      gtTheTuMoi: null,
      gtTheDenMoi: null,
      maDKBDMoi: null,
      tenDKBDMoi: null,
      dsLichSuKCB2018: [],
    });
  });

  it('003 and 004 name the new card', async () => {
    const r3 = await check(request(renewedExpired));
    expect(r3.body).toMatchObject({
      maKetQua: '003',
      maTheCu: renewedExpired.maThe,
      maTheMoi: 'HC4010100000003',
      gtTheTuMoi: '01/07/2026',
      gtTheDenMoi: '30/06/2027',
      maDKBDMoi: '12002',
      tenDKBDMoi: 'Trạm Y tế Phường 2',
    });
    const r4 = await check(request(renewedValid));
    expect(r4.body).toMatchObject({ maKetQua: '004', maTheMoi: 'HC4010100000004', gtTheDen: '31/12/2026', gtTheDenMoi: '31/12/2027' });
  });

  it('asking with the new card number checks the new card', async () => {
    const r = await check(request(renewedExpired, { maThe: 'HC4010100000003' }));
    expect(r.body).toMatchObject({
      maKetQua: '000',
      maThe: 'HC4010100000003',
      maTheCu: renewedExpired.maThe,
      gtTheDen: '30/06/2027',
      maDKBD: '12002',
    });
  });

  it('codes that find no card answer only the code and message', async () => {
    const r = await check(request(base, { maThe: 'DN4010999999999' }));
    const nonNull = Object.entries(r.body).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
    expect(nonNull.map(([k]) => k).sort()).toEqual(['ghiChu', 'maKetQua']);
  });

  it('the card expires with the portal clock (Vietnam day)', async () => {
    const p = person(40, { gtTheDen: '2026-11-25' });
    const local = await startTestPortal([p]);
    try {
      // A fresh token each time: hours pass between the calls.
      const at = async () => (await post(checkUrl(local.url, await takeToken(local.url)), request(p))).body.maKetQua;
      expect(await at()).toBe('000');
      // 16:59:59Z is still 25 November in Hà Nội; 17:00Z is the 26th.
      local.clock.set(Date.parse('2026-11-25T16:59:59Z'));
      expect(await at()).toBe('000');
      local.clock.set(Date.parse('2026-11-25T17:00:00Z'));
      expect(await at()).toBe('010');
    } finally {
      await local.close();
    }
  });
});

describe('check history (dsLichSuKT2018)', () => {
  it('records every call on the person, newest first, with the account, Vietnam time and code', async () => {
    const p = person(30, { checks: [{ userKT: 'old_user', thoiGianKT: '202601020800', thongBao: 'seed', maLoi: '000' }] });
    const local = await startTestPortal([p]);
    try {
      const a = await takeToken(local.url);
      const url = checkUrl(local.url, a);
      expect((await post(url, request(p, { hoTen: 'Sai Tên' }))).body.dsLichSuKT2018).toEqual([
        { userKT: 'old_user', thoiGianKT: '202601020800', thongBao: 'seed', maLoi: '000' },
      ]);
      local.clock.advance(60_000);
      const second = await post(url, request(p));
      expect(second.body.maKetQua).toBe('000');
      expect(second.body.dsLichSuKT2018).toEqual([
        { userKT: '12001_bv', thoiGianKT: '202611250900', thongBao: CARD_CHECK_RESULTS['060'].vi, maLoi: '060' },
        { userKT: 'old_user', thoiGianKT: '202601020800', thongBao: 'seed', maLoi: '000' },
      ]);
      const third = await post(url, request(p));
      expect(third.body.dsLichSuKT2018[0]).toEqual({
        userKT: '12001_bv',
        thoiGianKT: '202611250901',
        thongBao: CARD_CHECK_RESULTS['000'].vi,
        maLoi: '000',
      });
    } finally {
      await local.close();
    }
  });

  it('lists the visit history held for the person', async () => {
    const visit = {
      maHoSo: 'HS-1',
      maCSKCB: '12001',
      ngayVao: '202610010830',
      ngayRa: '202610011000',
      tenBenh: 'Viêm họng cấp',
      tinhTrang: '1',
      kqDieuTri: '1',
      lyDoVV: '1',
    };
    const p = person(31, { visits: [visit] });
    const local = await startTestPortal([p]);
    try {
      const a = await takeToken(local.url);
      expect((await post(checkUrl(local.url, a), request(p))).body.dsLichSuKCB2018).toEqual([visit]);
    } finally {
      await local.close();
    }
  });
});
