/**
 * portal.*: the online card check with the reference portal in the path (both real processes on
 * 127.0.0.1, the kiosk with the Node flags of `npm start`).
 *
 * - overheadMs: what the kiosk adds to one check. The same patients are checked twice, one at a
 *   time: straight at the portal's wire (token taken once, as the kiosk keeps it) and through
 *   `POST /api/card-checks?wait=60` (parse, local verification, the check's row, the portal call,
 *   the merge, the answer's row). The median of the kiosk's time minus the median of the portal's.
 * - checkInsPerSecond: a whole desk transaction per patient, card check then
 *   `POST /api/check-ins {cardCheckId}`, from DESKS concurrent receptionists' loops, distinct
 *   patients. Bounded by the kiosk's cap on concurrent portal calls (4) by design: the real portal
 *   is slow and must not be flooded.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchReceptionist } from './bench-user.js';
import { freePort, serviceNodeFlags, startProcess, type Started } from './processes.js';
import { median, round } from './stats.js';
import { legacyPortalPerson, legacyQrText, demoLegacyPerson, type DemoLegacyPerson } from '../server/issuer/demo-legacy.js';
import { md5Hex, writeDataset } from '../server/reference-portal/dataset.js';
import { PORTAL_PATHS, type CardCheckRequest, type TokenReply } from '../server/wire/portal.js';

const PATIENTS = Number(process.env.BENCH_PORTAL_PATIENTS ?? 2_000);
const SEQUENTIAL = Number(process.env.BENCH_PORTAL_SEQUENTIAL ?? 300);
const DESKS = 16;
/** The bench receptionist (bench/bench-user.ts), registered as the portal account's staff. */
const STAFF = { hoTen: 'Bench Receptionist', cccd: '001090000001' };
const ACCOUNT = 'bench_12001';

/** Distinct insured persons shaped like the demo's paper-card holder. */
function patients(n: number): DemoLegacyPerson[] {
  const base = demoLegacyPerson(Date.now());
  return Array.from({ length: n }, (_, i) => {
    const id = String(i).padStart(8, '0');
    return { ...base, maSoBhxh: `12${id}`, cardNumber: `GD41212${id}`, cccd: `0121850${id.slice(3)}`, fullName: `Phạm Thị Thu Hằng ${i}` };
  });
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export async function benchPortal(workDir: string, trustFile: string) {
  const people = patients(PATIENTS);
  const password = 'bench-portal-' + Math.random().toString(36).slice(2);
  const portalDir = join(workDir, 'portal');
  writeDataset(portalDir, {
    version: 1,
    persons: people.map(legacyPortalPerson),
    accounts: [{ username: ACCOUNT, password, facility: '12001', staff: [STAFF] }],
  });
  const passwordFile = join(workDir, 'portal-password');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  const kioskDir = join(workDir, 'kiosk-portal');
  const receptionistPassword = await createBenchReceptionist(kioskDir);

  const portalPort = await freePort();
  const portal = await startProcess({
    entry: ['dist/server/reference-portal/main.js', '--port', String(portalPort), '--data-dir', portalDir],
    port: portalPort,
    readyPath: '/healthz',
  });
  let kiosk: Started | undefined;
  try {
    const kioskPort = await freePort();
    kiosk = await startProcess({
      entry: [
        ...serviceNodeFlags(),
        'dist/server/main.js',
        ...['--port', String(kioskPort), '--data-dir', kioskDir, '--trust-file', trustFile, '--trust-refresh', '0', '--no-demo-accounts'],
        ...['--portal-url', portal.url, '--portal-user', ACCOUNT, '--portal-password-file', passwordFile],
      ],
      port: kioskPort,
      readyPath: '/api/status',
    });
    const session = await fetch(kiosk.url + '/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: receptionistPassword }),
    });
    if (!session.ok) throw new Error(`login failed: ${session.status}`);
    const cookie = { cookie: (session.headers.get('set-cookie') ?? '').split(';')[0]! };

    // The portal alone: the same request the kiosk sends, with a token taken once.
    const token = await postJson(portal.url + PORTAL_PATHS.token, { username: ACCOUNT, password: md5Hex(password) });
    const apiKey = (token.json as unknown as TokenReply).APIKey;
    if (!apiKey) throw new Error('the portal refused the bench account');
    const auth = new URLSearchParams({
      token: apiKey.access_token,
      id_token: apiKey.id_token,
      username: ACCOUNT,
      password: md5Hex(password),
    });
    const direct: number[] = [];
    for (const p of people.slice(0, SEQUENTIAL)) {
      const body: CardCheckRequest = {
        maThe: p.cardNumber,
        hoTen: p.fullName,
        ngaySinh: `${p.birthDate.slice(8, 10)}/${p.birthDate.slice(5, 7)}/${p.birthDate.slice(0, 4)}`,
        hoTenCb: STAFF.hoTen,
        cccdCb: STAFF.cccd,
      };
      const t0 = performance.now();
      const r = await postJson(`${portal.url}${PORTAL_PATHS.cardCheck}?${auth.toString()}`, body);
      direct.push(performance.now() - t0);
      if (r.json.maKetQua !== '000') throw new Error(`the portal answered ${String(r.json.maKetQua)} for a bench patient`);
    }

    // Through the kiosk, one at a time: the same patients, answered with the portal's verdict.
    const viaKiosk: number[] = [];
    for (const p of people.slice(0, SEQUENTIAL)) {
      const t0 = performance.now();
      const r = await postJson(kiosk.url + '/api/card-checks?wait=60', { qr: legacyQrText(p) }, cookie);
      viaKiosk.push(performance.now() - t0);
      const state = (r.json.portal as { state?: string } | undefined)?.state;
      if (r.status !== 200 || state !== 'done') throw new Error(`card check: ${r.status} ${String(state)}`);
    }

    // Whole desk transactions, DESKS at once, each patient once (not the ones already checked).
    const queue = people.slice(SEQUENTIAL);
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: DESKS }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) {
          const c = await postJson(kiosk!.url + '/api/card-checks?wait=60', { qr: legacyQrText(p) }, cookie);
          const v = await postJson(kiosk!.url + '/api/check-ins', { cardCheckId: c.json.id }, cookie);
          if (v.status !== 201) throw new Error(`check-in by card check: ${v.status} ${String(v.json.code)}`);
          done++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const portalMs = median(direct);
    const kioskMs = median(viaKiosk);
    return {
      patients: PATIENTS,
      sequentialChecks: SEQUENTIAL,
      portalMedianMs: round(portalMs, 1),
      kioskMedianMs: round(kioskMs, 1),
      overheadMs: round(kioskMs - portalMs, 1),
      checkIns: done,
      desks: DESKS,
      checkInsPerSecond: round(done / seconds),
      note: 'reference portal without injected latency: the figures are the kiosk’s own cost, not a real portal’s 5–60 s',
    };
  } finally {
    await kiosk?.stop();
    await portal.stop();
  }
}
