/**
 * PortalClient.submitCheckInRecord against the reference portal in process: the outcome kinds
 * (200/201 received, 205 invalid), the shared token and its one renewal on 401, and the typed
 * retryable errors (maKetQua 500, HTTP 5xx, time-out, unreachable, bad reply, account) with
 * ABORTED when the caller's signal aborts. Plus the pure reply table, and the logs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FacilityKey } from '../../../server/check-in-record/facility-key.js';
import { OutboxTransportError } from '../../../server/outbox/types.js';
import { CheckInSubmitError, checkInFileFacility, classifyCheckInReply } from '../../../server/portal/submit-check-in.js';
import { CHECKIN_MAX_FILE_BYTES, PORTAL_PATHS } from '../../../server/wire/portal.js';
import { checkInTestKey, checkInTestRecord, signedCheckInFile } from '../../helpers/check-in-record.js';
import {
  ACCOUNT,
  inputUrl,
  makeClient,
  PORTAL_NOW,
  startTestPortal,
  TOKEN_TTL_S,
  type ClientHarness,
  type PortalHarness,
} from './fixtures.js';

let h: PortalHarness;
let key: FacilityKey;
const lines: string[] = [];
let offsetMs = 0;
let seq = 0;
const maLk = () => `019ac0de-1111-7000-8000-${String(++seq).padStart(12, '0')}`;
const never = new AbortController().signal;

beforeAll(async () => {
  h = await startTestPortal();
  key = checkInTestKey(mkdtempSync(join(tmpdir(), 'client-checkin-keys-')), '12001', PORTAL_NOW);
  h.portal.checkIns.registerFacilityCert('12001', key.certPem);
});
afterEach(async () => {
  h.portal.control.setFaults({ latency: 0, failRate: 0, next: [], authFailureAs: 'body', checkInFailEvery: 0, checkInRejectMaLk: [] });
  await h.portal.control.setAccepting(true);
});
afterAll(async () => {
  await h.close();
});

function client(...args: Parameters<typeof makeClient> extends [string, string[], ...infer R] ? R : never): ClientHarness {
  return makeClient(h.portal.url, lines, ...args);
}

const file = (id = maLk()) => signedCheckInFile([checkInTestRecord(id)], key);
const submissions = () => h.portalLog.filter((l) => l.msg === 'check-in submission').length;

async function rejection(p: Promise<unknown>): Promise<CheckInSubmitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckInSubmitError);
  expect(err).toBeInstanceOf(OutboxTransportError);
  return err as CheckInSubmitError;
}

describe('submitCheckInRecord: answers', () => {
  it('200 received with the receipt; the same file again is 201 with the same maGiaoDich; one form post each', async () => {
    const c = client();
    const id = maLk();
    const xml = file(id);
    const first = await c.client.submitCheckInRecord(xml, never);
    expect(first).toEqual({
      kind: 'received',
      code: '200',
      maGiaoDich: expect.stringMatching(/^GD[0-9A-F]{20}$/),
      receivedAt: '202612011000',
    });
    const again = await c.client.submitCheckInRecord(xml, never);
    expect(again).toEqual({ ...first, code: '201' });
    const posts = c.sent.filter((s) => s.url.includes(PORTAL_PATHS.checkinSubmit));
    expect(posts).toHaveLength(2);
    const form = new URLSearchParams(posts[0]!.body);
    expect([...form.keys()]).toEqual(['loaiHoSo', 'maCSKCB', 'fileHSB64']);
    expect(form.get('loaiHoSo')).toBe('0');
    expect(form.get('maCSKCB')).toBe('12001');
    expect(Buffer.from(form.get('fileHSB64')!, 'base64').toString('utf8')).toBe(xml);
    const held = (await h.portal.checkIns.list('12001')).records.filter((r) => r.maLk === id);
    expect(held).toMatchObject([{ maGiaoDich: first.kind === 'received' ? first.maGiaoDich : '', submissions: 2 }]);
  });

  it('205 → invalid with the portal message (an MA_LK it refuses, a file changed after signing)', async () => {
    const c = client();
    const id = maLk();
    h.portal.control.setFaults({ checkInRejectMaLk: [id] });
    expect(await c.client.submitCheckInRecord(file(id), never)).toEqual({
      kind: 'invalid',
      message: `Hồ sơ không hợp lệ: MA_LK ${id} bị từ chối (refused: test fault)`,
    });
    const tampered = file().replace('Nguyễn Đức Thiện', 'Nguyễn Đức Thiên');
    expect(await c.client.submitCheckInRecord(tampered, never)).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^Hồ sơ không hợp lệ: CHUKYDONVI: SIGNATURE_INVALID/),
    });
  });

  it('a file the portal would refuse anyway is invalid before any request (too large, no single facility, not XML)', async () => {
    const c = client();
    const big = file().replace('</CHI_TIEU_TRANG_THAI_KCB>', `<!--${'x'.repeat(CHECKIN_MAX_FILE_BYTES)}--></CHI_TIEU_TRANG_THAI_KCB>`);
    expect(await c.client.submitCheckInRecord(big, never)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('bytes') });
    const two = signedCheckInFile([checkInTestRecord(maLk()), checkInTestRecord(maLk(), { MA_CSKCB: '79002' })], key);
    expect(await c.client.submitCheckInRecord(two, never)).toEqual({
      kind: 'invalid',
      message: 'the records do not name one facility (MA_CSKCB)',
    });
    expect(await c.client.submitCheckInRecord('not xml', never)).toEqual({ kind: 'invalid', message: 'the file is not well-formed XML' });
    expect(c.sent).toHaveLength(0);
  });
});

describe('submitCheckInRecord: the token', () => {
  it('shares the card check token; an expired one (401 in the body, then HTTP 401) is renewed once and the file resent', async () => {
    const c = client();
    const t0 = h.tokenRequests();
    expect(await c.client.submitCheckInRecord(file(), never)).toMatchObject({ kind: 'received', code: '200' });
    expect(h.tokenRequests() - t0).toBe(1);
    offsetMs += TOKEN_TTL_S * 1000 + 60_000;
    h.portal.control.setClockOffset(offsetMs);
    const s0 = submissions();
    expect(await c.client.submitCheckInRecord(file(), never)).toMatchObject({ kind: 'received', code: '200' });
    expect(h.tokenRequests() - t0).toBe(2);
    expect(submissions() - s0).toBe(2);
    h.portal.control.setFaults({ authFailureAs: 'http' });
    offsetMs += TOKEN_TTL_S * 1000 + 60_000;
    h.portal.control.setClockOffset(offsetMs);
    expect(await c.client.submitCheckInRecord(file(), never)).toMatchObject({ kind: 'received', code: '200' });
    expect(h.tokenRequests() - t0).toBe(3);
  });

  it('401 again after the renewal → PORTAL_AUTH_FAILED; an account the token call refuses → PORTAL_AUTH_FAILED', async () => {
    const broken = client({}, { fetchImpl: (input, init) => fetch(inputUrl(input).replace(/([?&]token=)[^&]+/, '$1broken'), init) });
    const t0 = h.tokenRequests();
    const err = await rejection(broken.client.submitCheckInRecord(file(), never));
    expect(err).toMatchObject({ code: 'PORTAL_AUTH_FAILED', httpStatus: 401, refusesBatch: false });
    expect(h.tokenRequests() - t0).toBe(2);
    const wrong = client({ password: 'not the password' });
    expect(await rejection(wrong.client.submitCheckInRecord(file(), never))).toMatchObject({ code: 'PORTAL_AUTH_FAILED' });
  });
});

describe('submitCheckInRecord: retryable failures', () => {
  it('maKetQua 500 → PORTAL_RETRY_LATER; the next call goes through', async () => {
    const c = client();
    h.portal.control.setFaults({ checkInFailEvery: 1 });
    expect(await rejection(c.client.submitCheckInRecord(file(), never))).toMatchObject({ code: 'PORTAL_RETRY_LATER', refusesBatch: false });
    h.portal.control.setFaults({ checkInFailEvery: 0 });
    expect(await c.client.submitCheckInRecord(file(), never)).toMatchObject({ kind: 'received' });
  });

  it('HTTP 500 → PORTAL_SERVER_ERROR; a dropped connection or a portal that is down → PORTAL_UNREACHABLE', async () => {
    const c = client();
    await c.client.submitCheckInRecord(file(), never);
    h.portal.control.setFaults({ next: ['http500'] });
    expect(await rejection(c.client.submitCheckInRecord(file(), never))).toMatchObject({ code: 'PORTAL_SERVER_ERROR', httpStatus: 500 });
    h.portal.control.setFaults({ next: ['drop'] });
    expect((await rejection(c.client.submitCheckInRecord(file(), never))).code).toBe('PORTAL_UNREACHABLE');
    await h.portal.control.setAccepting(false);
    expect((await rejection(c.client.submitCheckInRecord(file(), never))).code).toBe('PORTAL_UNREACHABLE');
    // No token yet: the token call itself cannot reach the portal.
    expect((await rejection(client().client.submitCheckInRecord(file(), never))).code).toBe('PORTAL_UNREACHABLE');
  });

  it("no answer within the client's timeout → PORTAL_TIMEOUT; the caller's abort → ABORTED", async () => {
    const warm = client({ timeoutMs: 60_000 });
    await warm.client.submitCheckInRecord(file(), never);
    const quick = client({ timeoutMs: 300 });
    // A fresh client takes its token first: the script's `ok` is that call, `hang` the submission.
    h.portal.control.setFaults({ next: ['ok', 'hang'] });
    expect((await rejection(quick.client.submitCheckInRecord(file(), never))).code).toBe('PORTAL_TIMEOUT');
    h.portal.control.setFaults({ next: ['hang'] });
    const stop = new AbortController();
    const p = warm.client.submitCheckInRecord(file(), stop.signal);
    setImmediate(() => stop.abort());
    expect((await rejection(p)).code).toBe('ABORTED');
  });

  it('a reply that is not the wire shape → PORTAL_BAD_RESPONSE', async () => {
    const c = client(
      {},
      {
        fetchImpl: (input, init) =>
          inputUrl(input).includes(PORTAL_PATHS.checkinSubmit) ? Promise.resolve(new Response('<html>proxy</html>')) : fetch(input, init),
      },
    );
    expect((await rejection(c.client.submitCheckInRecord(file(), never))).code).toBe('PORTAL_BAD_RESPONSE');
  });
});

describe('classifyCheckInReply (the wire table)', () => {
  const json = (o: unknown) => JSON.stringify(o);
  it.each([
    [
      200,
      json({ maKetQua: '200', maGiaoDich: 'GD1', thoiGianTiepNhan: '202612011000' }),
      { kind: 'received', code: '200', maGiaoDich: 'GD1', receivedAt: '202612011000' },
    ],
    [200, json({ maKetQua: 201, maGiaoDich: null }), { kind: 'received', code: '201', maGiaoDich: null, receivedAt: null }],
    [200, json({ maKetQua: '205', thongDiep: 'Trường HO_TEN\u0007 thiếu' }), { kind: 'invalid', message: 'Trường HO_TEN  thiếu' }],
    [200, json({ maKetQua: '205' }), { kind: 'invalid', message: 'the portal refused the file without a message' }],
    [413, '', { kind: 'invalid', message: 'the portal refused the file as too large (HTTP 413)' }],
    [200, json({ maKetQua: '401' }), 'renew'],
    [401, '', 'renew'],
  ])('HTTP %i %s → %j', (status, text, expected) => {
    expect(classifyCheckInReply(status, text)).toEqual(expected);
  });

  it.each([
    [200, json({ maKetQua: '500' }), 'PORTAL_RETRY_LATER'],
    [200, json({ maKetQua: '999' }), 'PORTAL_RETRY_LATER'],
    [200, json({ thongDiep: 'x' }), 'PORTAL_BAD_RESPONSE'],
    [200, '[1]', 'PORTAL_BAD_RESPONSE'],
    [200, 'x'.repeat(70_000), 'PORTAL_BAD_RESPONSE'],
    [502, '', 'PORTAL_SERVER_ERROR'],
    [404, '', 'PORTAL_HTTP_STATUS'],
  ])('HTTP %i %s → throws %s', (status, text, code) => {
    let thrown: unknown;
    try {
      classifyCheckInReply(status, text);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CheckInSubmitError);
    expect((thrown as CheckInSubmitError).code).toBe(code);
  });

  it('checkInFileFacility reads the one MA_CSKCB of the records', () => {
    expect(checkInFileFacility(file())).toEqual({ facility: '12001' });
    expect(checkInFileFacility('<CHI_TIEU_TRANG_THAI_KCB/>')).toEqual({ problem: 'the file holds no TRANG_THAI_KCB record' });
  });
});

describe('logs (runs last)', () => {
  it('carry codes and latency, never the file, a name, the token or the password', () => {
    const submitted = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'portal check-in submission');
    expect(submitted.length).toBeGreaterThan(10);
    for (const l of submitted) expect(Object.keys(l)).toEqual(expect.arrayContaining(['code', 'latencyMs', 'renewed']));
    const all = lines.join('\n');
    for (const secret of [ACCOUNT.password, 'Nguyễn Đức Thiện', '1201234567', 'fileHSB64', 'PD94bWwg', key.certPem.slice(40, 80)])
      expect(all).not.toContain(secret);
    expect(all).not.toMatch(/token=|password=/);
  });
});
