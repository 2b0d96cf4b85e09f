/**
 * The reference portal's check-in submission (guiHoSoCheckin): token, form, base64, XSD, the
 * facility's registered certificate, MA_LK uniqueness (200 then 201), the listing per facility,
 * the check-in faults, persistence across a restart, and no 5xx for garbage.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FacilityKey } from '../../../server/check-in-record/facility-key.js';
import { fixedClock, systemRandom } from '../../../server/clock.js';
import { silentLogger } from '../../../server/logger.js';
import { startPortal } from '../../../server/reference-portal/server.js';
import type { CheckInRecord } from '../../../server/check-in-record/fields.js';
import { CHECKIN_LISTING_PATH } from '../../../server/reference-portal/check-in-routes.js';
import { loadPortalConfig } from '../../../server/reference-portal/config.js';
import { CHECKIN_MAX_FORM_BYTES, CHECKIN_SUBMIT_REPLY_FIELDS, PORTAL_PATHS } from '../../../server/wire/portal.js';
import { checkInTestKey, checkInTestRecord, signedCheckInFile } from '../../helpers/check-in-record.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';
import { NOW, post, startTestPortal, takeToken, type Auth, type TestPortal } from './fixtures.js';

type Json = any;

let portal: TestPortal;
let key: FacilityKey;
let otherKey: FacilityKey;
let auth: Auth;
let seq = 0;
const keys = mkdtempSync(join(tmpdir(), 'portal-checkin-keys-'));

/** A fresh MA_LK per call, so tests do not see each other's records. */
const maLk = () => `019ac0de-0000-7000-8000-${String(++seq).padStart(12, '0')}`;

function submitUrl(base: string, a: Auth): string {
  return `${base}${PORTAL_PATHS.checkinSubmit}?${new URLSearchParams({ ...a }).toString()}`;
}

async function submitRaw(
  body: string,
  opts: { a?: Auth; contentType?: string; base?: string } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(submitUrl(opts.base ?? portal.url, opts.a ?? auth), {
    method: 'POST',
    headers: { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: parsed };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function submitXml(xml: string, opts: { a?: Auth; maCSKCB?: string; base?: string } = {}) {
  return submitRaw(form({ loaiHoSo: '0', maCSKCB: opts.maCSKCB ?? '12001', fileHSB64: Buffer.from(xml, 'utf8').toString('base64') }), opts);
}

const submit = (records: CheckInRecord[], k: FacilityKey = key, opts: { a?: Auth; maCSKCB?: string; base?: string } = {}) =>
  submitXml(signedCheckInFile(records, k), opts);

async function listing(facility: string, base = portal.url): Promise<Json> {
  const res = await fetch(`${base}${CHECKIN_LISTING_PATH}?maCSKCB=${facility}`);
  return { status: res.status, ...((await res.json()) as object) };
}

beforeAll(async () => {
  portal = await startTestPortal([], { config: { controlPort: 0 } });
  key = checkInTestKey(keys, '12001', NOW);
  otherKey = checkInTestKey(keys, '12001', NOW + 1);
  portal.checkIns.registerFacilityCert('12001', key.certPem);
  auth = await takeToken(portal.url);
});
afterAll(async () => {
  await portal.close();
});
beforeEach(() => {
  portal.control.setFaults({ checkInFailEvery: 0, checkInRejectMaLk: [], next: [], authFailureAs: 'body' });
});

describe('guiHoSoCheckin: a good file', () => {
  it('is received (200, a new maGiaoDich, Vietnam time); the same MA_LK again is 201 with the original receipt', async () => {
    const id = maLk();
    const first = await submit([checkInTestRecord(id)]);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual([...CHECKIN_SUBMIT_REPLY_FIELDS]);
    expect(first.body).toEqual({
      maKetQua: '200',
      thongDiep: 'Đã tiếp nhận',
      maGiaoDich: expect.stringMatching(/^GD[0-9A-F]{20}$/),
      // 02:00 UTC is 09:00 in Hà Nội.
      thoiGianTiepNhan: '202611250900',
    });
    portal.clock.advance(60_000);
    const again = await submit([checkInTestRecord(id)]);
    expect(again.body).toEqual({
      maKetQua: '201',
      thongDiep: 'Hồ sơ đã được tiếp nhận trước đó',
      maGiaoDich: first.body.maGiaoDich,
      thoiGianTiepNhan: '202611250900',
    });
    const held = (await listing('12001')).records.filter((r: Json) => r.maLk === id);
    expect(held).toEqual([
      { maLk: id, maGiaoDich: first.body.maGiaoDich, receivedAt: '202611250900', submissions: 2, fields: checkInTestRecord(id) },
    ]);
  });

  it('a file with one new and one known MA_LK stores the new one under a new maGiaoDich (200); the known keeps its own', async () => {
    const known = maLk();
    const fresh = maLk();
    const a = await submit([checkInTestRecord(known)]);
    const b = await submit([checkInTestRecord(known), checkInTestRecord(fresh)]);
    expect(b.body.maKetQua).toBe('200');
    expect(b.body.maGiaoDich).not.toBe(a.body.maGiaoDich);
    const list = (await listing('12001')).records as Json[];
    expect(list.find((r) => r.maLk === known)).toMatchObject({ maGiaoDich: a.body.maGiaoDich, submissions: 2 });
    expect(list.find((r) => r.maLk === fresh)).toMatchObject({ maGiaoDich: b.body.maGiaoDich, submissions: 1 });
  });

  it('the listing is per facility and refuses a bad code', async () => {
    expect(await listing('79002')).toEqual({ status: 200, facility: '79002', count: 0, records: [] });
    const all = await listing('12001');
    expect(all.count).toBe(all.records.length);
    const res = await fetch(`${portal.url}${CHECKIN_LISTING_PATH}?maCSKCB=x`);
    expect(res.status).toBe(400);
  });
});

describe('guiHoSoCheckin: refusals', () => {
  const expect205 = async (r: Promise<{ status: number; body: Json }>, message: RegExp) => {
    const { status, body } = await r;
    expect(status).toBe(200);
    expect(body).toEqual({ maKetQua: '205', thongDiep: expect.stringMatching(message), maGiaoDich: null, thoiGianTiepNhan: null });
    return body as { thongDiep: string };
  };

  it.each([
    ['not base64', '!!!!'],
    ['base64 with a line break', 'PENI\nSV9USUVVLz4='],
    ['URL-safe base64', 'PD94bWwgdmVyc2lvbj0iMS4wIj8-'],
    ['unpadded base64', 'PENISV9USUVVLz4'],
    ['not UTF-8', Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('base64')],
    ['empty', ''],
  ])('a fileHSB64 that is %s is 205 naming fileHSB64', async (_what, fileHSB64) => {
    await expect205(submitRaw(form({ loaiHoSo: '0', maCSKCB: '12001', fileHSB64 })), /^Hồ sơ không hợp lệ: fileHSB64 /);
  });

  it('an XSD-invalid file is 205 naming the field, not its value', async () => {
    const body = await expect205(submit([checkInTestRecord(maLk(), { NGAY_VAO: '2026-11-25' })]), /Trường NGAY_VAO không hợp lệ/);
    expect(body.thongDiep).not.toContain('2026-11-25');
    const missing = checkInTestRecord(maLk());
    delete missing.HO_TEN;
    await expect205(submit([missing]), /Trường HO_TEN thiếu hoặc sai thứ tự \(missing or out of order at NGAY_SINH\)$/);
    await expect205(submitXml('<nope/>'), /Trường nope không hợp lệ/);
    await expect205(submitXml('not xml at all'), /Hồ sơ không đúng cấu trúc/);
    await expect205(submitXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), /DOCTYPE/);
  });

  it('a file changed after signing, signed with another key, or unsigned is 205 CHUKYDONVI', async () => {
    const signed = signedCheckInFile([checkInTestRecord(maLk())], key);
    await expect205(
      submitXml(signed.replace('Nguyễn Đức Thiện', 'Nguyễn Đức Thiên')),
      /^Hồ sơ không hợp lệ: CHUKYDONVI: SIGNATURE_INVALID/,
    );
    await expect205(submit([checkInTestRecord(maLk())], otherKey), /^Hồ sơ không hợp lệ: CHUKYDONVI: CERTIFICATE_MISMATCH/);
    const unsigned = signed.replace(/<CHUKYDONVI>[\s\S]*<\/CHUKYDONVI>/, '<CHUKYDONVI></CHUKYDONVI>');
    await expect205(submitXml(unsigned), /^Hồ sơ không hợp lệ: CHUKYDONVI: SIGNATURE_MISSING/);
  });

  it('a facility without a registered certificate is 205 CHUKYDONVI', async () => {
    const other = await takeToken(portal.url, '79002_bv', 'khac');
    const k = checkInTestKey(keys, '79002', NOW);
    await expect205(
      submit([checkInTestRecord(maLk(), { MA_CSKCB: '79002' })], k, { a: other, maCSKCB: '79002' }),
      /^Hồ sơ không hợp lệ: CHUKYDONVI: cơ sở 79002 chưa đăng ký/,
    );
  });

  it("maCSKCB not the account's facility, a record of another facility, or a repeated MA_LK is 205", async () => {
    await expect205(submit([checkInTestRecord(maLk())], key, { maCSKCB: '79002' }), /maCSKCB không phải cơ sở của tài khoản/);
    await expect205(submit([checkInTestRecord(maLk(), { MA_CSKCB: '79002' })]), /MA_CSKCB của TRANG_THAI_KCB thứ 1 khác maCSKCB/);
    const id = maLk();
    await expect205(submit([checkInTestRecord(id), checkInTestRecord(id)]), /MA_LK của TRANG_THAI_KCB thứ 2 trùng/);
    expect((await listing('12001')).records.some((r: Json) => r.maLk === id)).toBe(false);
  });

  it('loaiHoSo other than 0, a missing, repeated or unknown field is 205', async () => {
    const file = Buffer.from(signedCheckInFile([checkInTestRecord(maLk())], key)).toString('base64');
    await expect205(submitRaw(form({ loaiHoSo: '1', maCSKCB: '12001', fileHSB64: file })), /loaiHoSo phải là 0/);
    await expect205(submitRaw(form({ loaiHoSo: '0', fileHSB64: file })), /maCSKCB thiếu/);
    await expect205(submitRaw(`loaiHoSo=0&loaiHoSo=0&maCSKCB=12001&fileHSB64=${encodeURIComponent(file)}`), /loaiHoSo thiếu, lặp lại/);
    await expect205(submitRaw(form({ loaiHoSo: '0', maCSKCB: '12001', fileHSB64: file, extra: '1' })), /tham số không xác định "extra"/);
  });

  it('a bad token is 401 (HTTP 200, or HTTP 401 with authFailureAs "http"), before the form is looked at', async () => {
    const bad = { ...auth, token: 'x'.repeat(32) };
    const r = await submitRaw('garbage', { a: bad });
    expect(r).toEqual({
      status: 200,
      body: { maKetQua: '401', thongDiep: 'Lỗi xác thực tài khoản', maGiaoDich: null, thoiGianTiepNhan: null },
    });
    portal.control.setFaults({ authFailureAs: 'http' });
    expect((await submit([checkInTestRecord(maLk())], key, { a: bad })).status).toBe(401);
  });

  it('garbage bodies are never a 5xx', async () => {
    const answers = await Promise.all([
      submitRaw(''),
      submitRaw('%zz%'),
      submitRaw('{"loaiHoSo":"0"}', { contentType: 'application/json' }),
      submitRaw(Buffer.from([0, 1, 2, 255, 254]).toString('latin1'), { contentType: 'application/octet-stream' }),
      submitRaw('a=1&'.repeat(50)),
      submitRaw('fileHSB64[x]=1&loaiHoSo[]=0'),
      submitRaw(form({ loaiHoSo: '0', maCSKCB: '12001', fileHSB64: 'A'.repeat(64) })),
      submitRaw('x', { contentType: 'application/x-www-form-urlencoded; charset=koi8-r' }),
    ]);
    for (const a of answers) {
      expect(a.status).toBeLessThan(500);
      expect(Object.keys(a.body)).toEqual([...CHECKIN_SUBMIT_REPLY_FIELDS]);
      expect(a.body.maKetQua).toBe('205');
    }
  });

  it('a form over the limit is HTTP 413 with maKetQua 205', async () => {
    const r = await submitRaw(form({ loaiHoSo: '0', maCSKCB: '12001', fileHSB64: 'A'.repeat(CHECKIN_MAX_FORM_BYTES) }));
    expect(r.status).toBe(413);
    expect(r.body.maKetQua).toBe('205');
  });
});

describe('guiHoSoCheckin: faults', () => {
  it('checkInFailEvery (through the control endpoint): every Nth call answers 500, and the record is not kept by it', async () => {
    const set = await post(`${portal.controlUrl}/control`, { checkInFailEvery: 3 });
    expect(set.body.faults.checkInFailEvery).toBe(3);
    const codes: string[] = [];
    const ids = Array.from({ length: 6 }, maLk);
    for (const id of ids) codes.push((await submit([checkInTestRecord(id)])).body.maKetQua);
    expect(codes).toEqual(['200', '200', '500', '200', '200', '500']);
    const held = new Set(((await listing('12001')).records as Json[]).map((r) => r.maLk));
    expect(ids.map((id) => held.has(id))).toEqual([true, true, false, true, true, false]);
    expect((await post(`${portal.controlUrl}/control`, { checkInFailEvery: -1 })).status).toBe(400);
  });

  it('checkInRejectMaLk answers 205 naming the MA_LK; the others are received', async () => {
    const bad = maLk();
    portal.control.setFaults({ checkInRejectMaLk: [bad] });
    const r = await submit([checkInTestRecord(bad)]);
    expect(r.body).toMatchObject({ maKetQua: '205', thongDiep: `Hồ sơ không hợp lệ: MA_LK ${bad} bị từ chối (refused: test fault)` });
    expect((await submit([checkInTestRecord(maLk())])).body.maKetQua).toBe('200');
  });

  it('the `next` script applies: an injected HTTP 500, then a scripted code answers maKetQua 500', async () => {
    portal.control.setFaults({ next: ['http500', '500'] });
    const a = await submit([checkInTestRecord(maLk())]);
    expect(a.status).toBe(500);
    const b = await submit([checkInTestRecord(maLk())]);
    expect(b).toMatchObject({ status: 200, body: { maKetQua: '500', maGiaoDich: null } });
  });
});

describe('guiHoSoCheckin: persistence', () => {
  it('with keepCheckIns the records survive a restart on the same data folder: a resend is 201 with the original receipt', async () => {
    const first = await startTestPortal([], { config: { keepCheckIns: true } });
    let second: TestPortal | undefined;
    try {
      expect(first.checkIns.store).toBe('sqlite');
      first.checkIns.registerFacilityCert('12001', key.certPem);
      const id = maLk();
      const a = await submit([checkInTestRecord(id)], key, { a: await takeToken(first.url), base: first.url });
      expect(a.body.maKetQua).toBe('200');
      await first.close();
      second = Object.assign(
        await startPortal(testPortalConfig(first.dataDir, { keepCheckIns: true }), {
          clock: fixedClock(NOW + 3_600_000),
          random: systemRandom,
          logger: silentLogger,
        }),
        { dataDir: first.dataDir, clock: fixedClock(NOW), sleeps: [] },
      );
      const b = await submit([checkInTestRecord(id)], key, { a: await takeToken(second.url), base: second.url });
      expect(b.body).toMatchObject({ maKetQua: '201', maGiaoDich: a.body.maGiaoDich, thoiGianTiepNhan: '202611250900' });
      expect(await listing('12001', second.url)).toMatchObject({ count: 1, records: [{ maLk: id, submissions: 2 }] });
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('without it, the records are in memory; --keep-check-ins / PORTAL_KEEP_CHECKINS turn it on', () => {
    expect(portal.checkIns.store).toBe('memory');
    const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = loadPortalConfig(argv, env, '/srv');
      return r.help ? undefined : r.config.keepCheckIns;
    };
    expect(load([])).toBeUndefined();
    expect(load(['--keep-check-ins'])).toBe(true);
    expect(load([], { PORTAL_KEEP_CHECKINS: 'true' })).toBe(true);
    expect(load(['--no-keep-check-ins'], { PORTAL_KEEP_CHECKINS: 'true' })).toBeUndefined();
  });
});
