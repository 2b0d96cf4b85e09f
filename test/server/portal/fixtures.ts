/**
 * The reference portal (server/reference-portal/) started in process on 127.0.0.1:0 with a
 * data file holding one person per result code, on a frozen portal clock (10:00 in Vietnam on
 * 2026-12-01), and a portal client wired to it with every log line captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type Random } from '../../../server/clock.js';
import { createLogger } from '../../../server/logger.js';
import { PortalClient, type PortalClientDeps } from '../../../server/portal/client.js';
import type { PortalClientOptions } from '../../../server/portal/options.js';
import type { PortalPerson } from '../../../server/reference-portal/dataset-schema.js';
import { writeDataset } from '../../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../../server/reference-portal/server.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';

/** 10:00 in Vietnam, 2026-12-01. */
export const PORTAL_NOW = Date.parse('2026-12-01T03:00:00Z');
export const TOKEN_TTL_S = 3000;
export const ACCOUNT = { username: '12001_bv', password: 'mật-khẩu đủ dài 2026!', facility: '12001' };
export const OPERATOR = { name: 'Lê Thị Tân', cccd: '001090000001' };
export const OPERATOR_NOT_REGISTERED = { name: 'Lê Thị Tân', cccd: '001090000009' };
export const OPERATOR_WRONG_NAME = { name: 'Trần Văn Sai', cccd: '001090000001' };

let seq = 0;
function bhxh(): string {
  return `12000000${String(++seq).padStart(2, '0')}`;
}

/** One person: a 15-character card HC4 + 12 + mã số BHXH, valid through 2026. */
export function person(overrides: Partial<PortalPerson> = {}): PortalPerson {
  const maSoBhxh = overrides.maSoBhxh ?? bhxh();
  return {
    maSoBhxh,
    maThe: `HC412${maSoBhxh}`,
    hoTen: 'Phạm Minh Châu',
    ngaySinh: '1985-07-09',
    gioiTinh: 'Nữ',
    diaChi: 'Số 5 Đường Trần Phú, Thành phố Lai Châu',
    maDKBD: '12001',
    gtTheTu: '2026-01-01',
    gtTheDen: '2026-12-31',
    ngayDu5Nam: '2029-01-01',
    status: 'normal',
    ...overrides,
  };
}

/** The holder of the legacy paper-card and CCCD samples (bhyt-domain.md), with a visit this morning. */
export const SAMPLE_HOLDER = person({
  maSoBhxh: '1201234567',
  maThe: 'HC4121201234567',
  cccd: '012090001234',
  hoTen: 'Nguyễn Đức Thiện',
  ngaySinh: '1990-03-20',
  gioiTinh: 'Nam',
  diaChi: 'Số 10 Ngõ 132 Trần Hưng Đạo, Thành phố Lai Châu',
  ngayDu5Nam: '2028-01-01',
  visits: [
    {
      maHoSo: 'HS-1',
      maCSKCB: '12002',
      ngayVao: '202612010810',
      ngayRa: null,
      tenBenh: null,
      tinhTrang: null,
      kqDieuTri: null,
      lyDoVV: null,
    },
    {
      maHoSo: 'HS-0',
      maCSKCB: '12001',
      ngayVao: '202611031400',
      ngayRa: '202611031530',
      tenBenh: null,
      tinhTrang: null,
      kqDieuTri: null,
      lyDoVV: null,
    },
  ],
});

export const PEOPLE = {
  ok: SAMPLE_HOLDER,
  defence: person({ status: 'defence-fund', maThe: undefined }),
  police: person({ status: 'police-fund', maThe: undefined }),
  replaced: person({
    gtTheDen: '2026-06-30',
    newCard: {
      maThe: 'HC4121200009999',
      gtTheTu: '2026-07-01',
      gtTheDen: '2027-06-30',
      maDKBD: '12001',
      tenDKBD: 'Bệnh viện Đa khoa tỉnh',
    },
  }),
  renewed: person({
    newCard: { maThe: 'HC4121200009998', gtTheTu: '2026-11-15', gtTheDen: '2027-12-31', maDKBD: '12002', tenDKBD: 'Trung tâm Y tế' },
  }),
  expired: person({ gtTheDen: '2026-11-30' }),
  revoked: person({ status: 'revoked' }),
  reduced120: person({ status: 'reduced', reducedCode: '120' }),
  reduced121: person({ status: 'reduced', reducedCode: '121' }),
  reduced122: person({ status: 'reduced', reducedCode: '122' }),
  reduced123: person({ status: 'reduced', reducedCode: '123' }),
  reduced124: person({ status: 'reduced', reducedCode: '124' }),
  child: person({ status: 'child-without-card', hoTen: 'Vàng A Pó', ngaySinh: '2023-02-14' }),
  elsewhere: person({ maDKBD: '12005', onlyAtRegisteredFacility: true }),
  checkedEarlier: person({
    checks: [{ userKT: '12003_ttyt', thoiGianKT: '202612010745', thongBao: 'Thông tin thẻ chính xác', maLoi: '000' }],
  }),
} satisfies Record<string, PortalPerson>;

/** Writes a portal data file of PEOPLE, with ACCOUNT and OPERATOR as its one staff member, into `dir`. */
export function writePeople(dir: string): void {
  writeDataset(dir, {
    version: 1,
    persons: Object.values(PEOPLE),
    accounts: [
      {
        username: ACCOUNT.username,
        password: ACCOUNT.password,
        facility: ACCOUNT.facility,
        staff: [{ hoTen: OPERATOR.name, cccd: OPERATOR.cccd }],
      },
    ],
  });
}

/** Deterministic randomness: a counter's bytes. */
export function counterRandom(): Random {
  let n = 0;
  return {
    bytes(k: number) {
      const b = Buffer.alloc(k);
      for (let i = 0; i < k; i++) b[i] = (n++ * 37 + 11) & 0xff;
      return b;
    },
  };
}

export interface PortalHarness {
  portal: RunningPortal;
  portalLog: Record<string, unknown>[];
  /** Token requests the portal answered (its own log lines). */
  tokenRequests(): number;
  cardChecks(): number;
  close(): Promise<void>;
}

export async function startTestPortal(): Promise<PortalHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-client-'));
  writePeople(dir);
  const portalLog: Record<string, unknown>[] = [];
  const portal = await startPortal(testPortalConfig(dir, { tokenTtlSeconds: TOKEN_TTL_S }), {
    clock: fixedClock(PORTAL_NOW),
    logger: createLogger({ sink: (l) => portalLog.push(JSON.parse(l) as Record<string, unknown>) }),
  });
  const count = (msg: string) => portalLog.filter((l) => l.msg === msg).length;
  return {
    portal,
    portalLog,
    tokenRequests: () => count('token'),
    cardChecks: () => count('card check'),
    async close() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The URL of a fetch input, whatever its form. */
export function inputUrl(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

export interface ClientHarness {
  client: PortalClient;
  /** Every log line the client wrote, raw. */
  lines: string[];
  /** Backoff waits the client asked for. */
  waits: number[];
  /** Query strings and bodies the client sent (to know the secrets the logs must not carry). */
  sent: { url: string; body: string }[];
}

export function makeClient(
  url: string,
  lines: string[],
  opts: Partial<PortalClientOptions> = {},
  deps: Partial<PortalClientDeps> = {},
): ClientHarness {
  const waits: number[] = [];
  const sent: { url: string; body: string }[] = [];
  const baseFetch = deps.fetchImpl ?? fetch;
  const client = new PortalClient(
    { url, user: ACCOUNT.username, password: ACCOUNT.password, timeoutMs: 5_000, ...opts },
    {
      clock: fixedClock(PORTAL_NOW),
      random: counterRandom(),
      logger: createLogger({ level: 'debug', sink: (l) => lines.push(l), now: () => PORTAL_NOW }),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...deps,
      fetchImpl: (input, init) => {
        sent.push({ url: inputUrl(input), body: typeof init?.body === 'string' ? init.body : '' });
        return baseFetch(input, init);
      },
    },
  );
  return { client, lines, waits, sent };
}
