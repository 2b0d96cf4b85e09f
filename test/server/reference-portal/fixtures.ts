/** Shared fixtures for the reference-portal tests: a data folder, an in-process portal, wire calls. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, systemRandom } from '../../../server/clock.js';
import { silentLogger } from '../../../server/logger.js';
import type { PortalConfig } from '../../../server/reference-portal/config.js';
import type { PortalDataset, PortalPerson } from '../../../server/reference-portal/dataset-schema.js';
import { md5Hex, writeDataset } from '../../../server/reference-portal/dataset.js';
import type { RandomFraction, Sleep } from '../../../server/reference-portal/faults.js';
import { startPortal, type RunningPortal } from '../../../server/reference-portal/server.js';
import { PORTAL_PATHS, type CardCheckRequest } from '../../../server/wire/portal.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';

/** 09:00 in Hà Nội on 25 November 2026. */
export const NOW = Date.parse('2026-11-25T02:00:00Z');
export const USERNAME = '12001_bv';
export const PASSWORD = 'mat-khau-12001';
export const STAFF = { hoTen: 'Lê Thị Tân', cccd: '001090000001' };

/** A normal 2026 card for facility 12001; `nn` makes its numbers unique. */
export function person(nn: number, over: Partial<PortalPerson> = {}): PortalPerson {
  const maSoBhxh = `01000000${String(nn).padStart(2, '0')}`;
  return {
    maSoBhxh,
    maThe: `DN401${maSoBhxh}`,
    hoTen: 'Nguyễn Văn An',
    ngaySinh: '1990-03-20',
    gioiTinh: 'Nam',
    diaChi: 'Số 1 Phố Huế, Hà Nội',
    maDKBD: '12001',
    gtTheTu: '2026-01-01',
    gtTheDen: '2026-12-31',
    cqBHXH: '0101',
    maKV: 'K1',
    ngayDu5Nam: '2028-01-01',
    status: 'normal',
    ...over,
  };
}

export function dataset(persons: PortalPerson[]): PortalDataset {
  return {
    version: 1,
    persons,
    accounts: [
      { username: USERNAME, password: PASSWORD, facility: '12001', staff: [STAFF] },
      { username: '79002_bv', passwordMd5: md5Hex('khac'), facility: '79002', staff: [{ hoTen: 'Phạm Văn Bình', cccd: '079090000002' }] },
    ],
  };
}

export type TestPortal = RunningPortal & { dataDir: string; clock: ReturnType<typeof fixedClock>; sleeps: number[] };

export async function startTestPortal(
  persons: PortalPerson[],
  opts: { config?: Partial<PortalConfig>; randomFraction?: RandomFraction; sleep?: Sleep } = {},
): Promise<TestPortal> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reference-portal-'));
  writeDataset(dataDir, dataset(persons));
  const clock = fixedClock(NOW);
  const sleeps: number[] = [];
  const running = await startPortal(testPortalConfig(dataDir, { failModes: ['http500', 'hang', 'drop'], ...opts.config }), {
    clock,
    random: systemRandom,
    logger: silentLogger,
    randomFraction: opts.randomFraction ?? (() => 0),
    // Injected waiting: record the delay, do not spend it.
    sleep:
      opts.sleep ??
      ((ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      }),
  });
  return Object.assign(running, { dataDir, clock, sleeps });
}

/** The reply is the JSON under test (untyped on purpose): tests assert on its members. */

type Json = any;

export async function post(
  url: string,
  body: unknown,
  init: { raw?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: init.raw ?? JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
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

export interface Auth {
  token: string;
  id_token: string;
  username: string;
  password: string;
}

export async function takeToken(base: string, username = USERNAME, password = PASSWORD): Promise<Auth> {
  const r = await post(base + PORTAL_PATHS.token, { username, password: md5Hex(password) });
  if (r.body?.maKetQua !== '200') throw new Error(`token refused: ${JSON.stringify(r.body)}`);
  return { token: r.body.APIKey.access_token, id_token: r.body.APIKey.id_token, username, password: md5Hex(password) };
}

export function checkUrl(base: string, auth: Auth): string {
  return `${base}${PORTAL_PATHS.cardCheck}?${new URLSearchParams({ ...auth }).toString()}`;
}

/** A check request for `p` as the desk would send it (override anything). */
export function request(p: PortalPerson, over: Partial<CardCheckRequest> = {}): CardCheckRequest {
  const [y, m, d] = p.ngaySinh.split('-');
  return {
    maThe: p.maThe ?? p.maSoBhxh,
    hoTen: p.hoTen,
    ngaySinh: d ? `${d}/${m}/${y}` : p.ngaySinh,
    hoTenCb: STAFF.hoTen,
    cccdCb: STAFF.cccd,
    ...over,
  };
}
