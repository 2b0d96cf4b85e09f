/**
 * The check-in report end to end with real processes on 127.0.0.1: the kiosk service as a child
 * process (`server/main.ts`, started as an operator would, SIGKILLed mid-send) and the REAL
 * reference portal (in-process, its own HTTP server: it checks the token, the XSD, the
 * signature against the facility's registered certificate and MA_LK uniqueness). Exactly once
 * as the portal sees it: every visit's MA_LK held once, whatever failed in between.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.js';
import { kioskDbPath } from '../../server/db/open-kiosk-db.js';
import { silentLogger } from '../../server/logger.js';
import { addAccount, md5Hex } from '../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../server/reference-portal/server.js';
import { seedCard, seedKioskDataDir } from '../../test-support/seed-visits.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { writeFacilityKeyFiles, type FacilityKeyFiles } from '../helpers/facility-cert.js';
import { testPortalConfig } from '../helpers/reference-portal.js';
import { createReceptionist, freePort, kioskStatus, pollUntil, startKioskProcess, type Child } from '../server/sync/processes.js';

const FACILITY = '12001';
const PORTAL_USER = '12001_bv';
const PORTAL_PASSWORD = 'portal-password-for-e2e';
const RECEPTIONIST = { username: 'le-tan-e2e', password: 'a long enough passphrase' };

let root: string;
let issuer: TestIssuer;
let keys: FacilityKeyFiles;
let passwordFile: string;
const children: Child[] = [];
const portals: RunningPortal[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'checkin-e2e-'));
  issuer = await makeTestIssuer({ now: Date.now() });
  keys = writeFacilityKeyFiles(root, { facility: FACILITY });
  passwordFile = join(root, 'portal-password');
  writeFileSync(passwordFile, PORTAL_PASSWORD, { mode: 0o600 });
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
  await Promise.all(portals.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await issuer?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** The reference portal with the facility's account and its registered certificate, on `port`. */
async function portalOn(port: number): Promise<RunningPortal> {
  const dataDir = mkdtempSync(join(root, 'portal-'));
  addAccount(dataDir, { username: PORTAL_USER, passwordMd5: md5Hex(PORTAL_PASSWORD), facility: FACILITY, staff: [] });
  const portal = await startPortal(testPortalConfig(dataDir, { port, keepCheckIns: true }), { logger: silentLogger });
  portal.checkIns.registerFacilityCert(FACILITY, keys.certPem);
  portals.push(portal);
  return portal;
}

async function kiosk(dataDir: string, port: number, portalUrl: string): Promise<Child> {
  const child = await startKioskProcess({
    port,
    dataDir,
    trustFile: issuer.trustFile,
    env: {
      KIOSK_PORTAL_URL: portalUrl,
      KIOSK_PORTAL_USER: PORTAL_USER,
      KIOSK_PORTAL_PASSWORD_FILE: passwordFile,
      KIOSK_FACILITY_KEY_FILE: keys.keyFile,
      KIOSK_FACILITY_CERT_FILE: keys.certFile,
      // Retries at most a second apart: the tests wait for outcomes, not for backoff.
      KIOSK_CHECKIN_MAX_BACKOFF: '1s',
    },
  });
  children.push(child);
  return child;
}

/** Every MA_LK the portal holds for the facility (and how many valid files carried each). */
async function held(portal: RunningPortal): Promise<Map<string, number>> {
  const listing = await portal.checkIns.list(FACILITY);
  return new Map(listing.records.map((r) => [r.maLk, r.submissions]));
}

/** The kiosk's receipts and outbox states, read from its file (the service may be running). */
async function kioskRecords(dataDir: string) {
  const db = await openDatabase(kioskDbPath(dataDir), { readOnly: true });
  try {
    const states = await db.all<{ visit_id: string; state: string; parked_reason: string | null }>(
      'SELECT visit_id, state, parked_reason FROM checkin_outbox ORDER BY visit_seq',
    );
    const receipts = await db.all<{ visit_id: string; ma_giao_dich: string }>('SELECT visit_id, ma_giao_dich FROM checkin_receipts');
    return { states, receipts };
  } finally {
    await db.close();
  }
}

const seeded = (n: number, at: number) =>
  Array.from({ length: n }, (_, i) => ({ recordedAt: at + i, card: seedCard(i), visitCategory: '1.1' }));

describe('check-in records to the portal (processes)', () => {
  it('portal down for 200 check-ins, then up: exactly 200 records received, each MA_LK once, receipts beside the visits', async () => {
    const portalPort = await freePort();
    const dataDir = mkdtempSync(join(root, 'kiosk-'));
    await createReceptionist(dataDir, RECEPTIONIST.username, RECEPTIONIST.password);
    const k = await kiosk(dataDir, await freePort(), `http://127.0.0.1:${portalPort}`);
    const login = await fetch(`${k.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(RECEPTIONIST),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const qr = (await issuer.issue({ cardNumber: `DN41212${String(i).padStart(8, '0')}` })).qrText;
      const res = await fetch(`${k.url}/api/check-ins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ qr }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { visit: { id: string } }).visit.id);
    }
    // Nothing reaches a portal that is not there; the kiosk says so and keeps every record.
    const down = await pollUntil(async () => {
      const s = (await kioskStatus(k.url)).checkInReport;
      return s.pending === 200 && s.lastError !== null ? s : undefined;
    }, 'the unsent records counted');
    expect(down.lastError.code).toBe('PORTAL_UNREACHABLE');

    const portal = await portalOn(portalPort);
    await pollUntil(async () => ((await kioskStatus(k.url)).checkInReport.pending === 0 ? true : undefined), 'the backlog sent', 120_000);
    const got = await held(portal);
    expect(got.size).toBe(200);
    expect([...got.keys()].sort()).toEqual([...ids].sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    const { states, receipts } = await kioskRecords(dataDir);
    expect(states.every((s) => s.state === 'sent')).toBe(true);
    expect(receipts.map((r) => r.visit_id).sort()).toEqual([...ids].sort());
    expect(receipts.every((r) => /^GD[0-9A-F]{20}$/.test(r.ma_giao_dich))).toBe(true);
  }, 240_000);

  it('SIGKILL in the middle of a 1,000-visit backlog, restart: exactly 1,000 records, each MA_LK once', async () => {
    const portal = await portalOn(0);
    const dataDir = mkdtempSync(join(root, 'kiosk-'));
    const ids = await seedKioskDataDir(dataDir, seeded(1000, Date.now() - 3_600_000), FACILITY, { checkInOutbox: true });
    const port = await freePort();
    const first = await kiosk(dataDir, port, portal.url);
    await pollUntil(async () => ((await held(portal)).size >= 150 ? true : undefined), 'part of the backlog sent', 120_000, 5);
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const atKill = (await held(portal)).size;
    expect(atKill).toBeLessThan(1000);

    const second = await kiosk(dataDir, port, portal.url);
    await pollUntil(async () => ((await kioskStatus(second.url)).checkInReport.pending === 0 ? true : undefined), 'the rest sent', 180_000);
    const got = await held(portal);
    expect(got.size).toBe(1000);
    expect([...got.keys()].sort()).toEqual([...ids].sort());
    // The record in flight when the kiosk died may have gone twice: the portal answered 201, and kept one.
    const resent = [...got.values()].reduce((a, n) => a + n, 0) - 1000;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThanOrEqual(1);
    const { receipts } = await kioskRecords(dataDir);
    expect(receipts).toHaveLength(1000);
  }, 300_000);

  it('a portal failing every third call and refusing one record: all good ones arrive, the bad one is parked with its message', async () => {
    const portal = await portalOn(0);
    const dataDir = mkdtempSync(join(root, 'kiosk-'));
    const ids = await seedKioskDataDir(dataDir, seeded(30, Date.now() - 60_000), FACILITY, { checkInOutbox: true });
    const bad = ids[7]!;
    portal.control.setFaults({ checkInFailEvery: 3, checkInRejectMaLk: [bad] });
    const k = await kiosk(dataDir, await freePort(), portal.url);
    await pollUntil(
      async () => {
        const s = (await kioskStatus(k.url)).checkInReport;
        return s.pending === 0 && s.parked === 1 ? true : undefined;
      },
      'every record sent or parked',
      120_000,
    );
    const got = await held(portal);
    expect(got.size).toBe(29);
    expect(got.has(bad)).toBe(false);
    expect([...got.keys()].sort()).toEqual(ids.filter((id) => id !== bad).sort());
    const { states } = await kioskRecords(dataDir);
    const parked = states.filter((s) => s.state === 'parked');
    expect(parked).toHaveLength(1);
    expect(parked[0]!.visit_id).toBe(bad);
    expect(parked[0]!.parked_reason).toMatch(/^PORTAL_205: .*MA_LK/);
  }, 180_000);
});
