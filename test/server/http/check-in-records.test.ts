/**
 * The check-in records over HTTP, on the real kiosk service: the category chosen at the desk
 * (or proposed), the auditors' day list and signed day file, /api/status's `checkInReport`, and
 * the report's on/off rules. The portal here is configured but unreachable (a closed port): the
 * records stay pending, as at a clinic whose line is down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckInSignature } from '../../../server/check-in-record/verify-signature.js';
import { validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { writeFacilityKeyFiles, type FacilityKeyFiles } from '../../helpers/facility-cert.js';
import { freePort } from '../sync/processes.js';
import { startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let dir: string;
let files: FacilityKeyFiles;
let portalFlags: string[];
const kiosks: LogKiosk[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'checkin-http-'));
  files = writeFacilityKeyFiles(dir, { now: Date.parse('2026-11-25T02:00:00Z') });
  const passwordFile = join(dir, 'portal-password');
  writeFileSync(passwordFile, 'not-used\n', { mode: 0o600 });
  // Nothing listens there: every call to the portal fails, so records wait.
  portalFlags = [
    '--portal-url',
    `http://127.0.0.1:${await freePort()}`,
    '--portal-user',
    '12001_bv',
    '--portal-password-file',
    passwordFile,
  ];
});
afterAll(async () => {
  await Promise.all(kiosks.map((k) => k.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function kiosk(flags: string[]): Promise<LogKiosk> {
  const k = await startLogKiosk({ flags });
  kiosks.push(k);
  return k;
}

describe('with the report on and a facility key', () => {
  let k: LogKiosk;
  const ids: string[] = [];
  beforeAll(async () => {
    k = await kiosk([...portalFlags, '--facility-key-file', files.keyFile, '--facility-cert-file', files.certFile]);
  });
  const post = (body: object) => k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body });
  const audit = (path: string) => k.request('GET', path, { cookie: k.cookies.auditor });

  it("records the category chosen at the desk, or the kiosk's proposal when none is sent", async () => {
    const chosen = await post({ qr: await k.card(0), visitCategory: '3.1' });
    expect(chosen.status).toBe(201);
    expect(chosen.json.visit.visitCategory).toBe('3.1');
    const proposed = await post({ qr: await k.card(1) });
    expect(proposed.status).toBe(201);
    // The sample card is registered at this kiosk's facility: 1.1.
    expect(proposed.json.visit.visitCategory).toBe('1.1');
    ids.push(chosen.json.visit.id, proposed.json.visit.id);
  });

  it('refuses a category the day does not have, or a malformed one, with 400 FIELD_INVALID naming it (nothing recorded)', async () => {
    for (const visitCategory of ['9.9', 'abc', '1.1.1', 11]) {
      const r = await post({ qr: await k.card(2), visitCategory });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code: 'FIELD_INVALID', field: 'visitCategory' });
    }
    const r = await post({ qr: await k.card(2), visitType: '99' });
    expect(r.json).toMatchObject({ code: 'FIELD_INVALID', field: 'visitType' });
    expect((await audit('/api/audit/check-in-records?date=2026-11-25')).json.records).toHaveLength(2);
  });

  it("lists the day's records with their state for auditors, and records the read", async () => {
    const r = await audit('/api/audit/check-in-records?date=2026-11-25');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ date: '2026-11-25', facility: '12001', counts: { pending: 2, received: 0, parked: 0 } });
    expect(r.json.records.map((x: { maLk: string; state: string; visitCategory: string }) => [x.maLk, x.state, x.visitCategory])).toEqual([
      [ids[0], 'pending', '3.1'],
      [ids[1], 'pending', '1.1'],
    ]);
    const reads = await audit('/api/audit/reads?limit=5');
    expect(reads.json.items ?? reads.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ endpoint: 'check-in-records', filter: { date: '2026-11-25' } })]),
    );
  });

  it('gives the day as one signed XML file that validates and verifies', async () => {
    const r = await audit('/api/audit/check-in-records.xml?date=2026-11-25');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="checkin-2026-11-25.xml"');
    expect(r.headers.get('x-record-count')).toBe('2');
    expect(await validateCheckInXml(r.text)).toEqual({ valid: true, errors: [] });
    expect(verifyCheckInSignature(r.text, files.certPem)).toMatchObject({ ok: true });
  });

  it('answers 404 CHECKIN_DAY_EMPTY for a day without records, 400 for a missing, malformed or unknown parameter, 403 to others', async () => {
    expect((await audit('/api/audit/check-in-records.xml?date=2026-11-24')).json).toMatchObject({ code: 'CHECKIN_DAY_EMPTY' });
    expect((await audit('/api/audit/check-in-records.xml?date=2026-11-24')).status).toBe(404);
    expect((await audit('/api/audit/check-in-records')).json).toMatchObject({ code: 'QUERY_INVALID', field: 'date' });
    expect((await audit('/api/audit/check-in-records?date=2026-02-30')).json).toMatchObject({ code: 'DATE_INVALID', field: 'date' });
    expect((await audit('/api/audit/check-in-records?date=2026-11-25&x=1')).json).toMatchObject({ code: 'QUERY_UNKNOWN' });
    const asReceptionist = await k.request('GET', '/api/audit/check-in-records?date=2026-11-25', { cookie: k.cookies.receptionist });
    expect(asReceptionist.status).toBe(403);
    expect((await k.request('GET', '/api/audit/check-in-records.xml?date=2026-11-25')).status).toBe(401);
  });

  it('shows the unsent records and the certificate in /api/status', async () => {
    const s = (await k.request('GET', '/api/status')).json;
    expect(s.checkInReport).toMatchObject({ enabled: true, pending: 2, parked: 0, facilityCert: { demo: true } });
    expect(s.checkInReport.facilityCert.subject).toContain('DEMO');
    expect(s.warnings).toContain('DEMO_FACILITY_CERT');
    expect(s.warnings).not.toContain('CHECKIN_REPORT_CONFIG');
  });
});

describe('the report without a usable key, off, or without a portal', () => {
  it('queues records without a facility key, says misconfigured, and cannot sign the day file (503)', async () => {
    const k = await kiosk(portalFlags);
    expect((await k.request('POST', '/api/check-ins', { cookie: k.cookies.receptionist, body: { qr: await k.card(0) } })).status).toBe(201);
    const s = (await k.request('GET', '/api/status')).json;
    expect(s.checkInReport).toMatchObject({
      enabled: true,
      state: 'misconfigured',
      configProblem: 'CHECKIN_KEY_NOT_CONFIGURED',
      facilityCert: null,
    });
    expect(s.warnings).toContain('CHECKIN_REPORT_CONFIG');
    const day = await k.request('GET', '/api/audit/check-in-records?date=2026-11-25', { cookie: k.cookies.auditor });
    expect(day.json.counts).toEqual({ pending: 1, received: 0, parked: 0 });
    const file = await k.request('GET', '/api/audit/check-in-records.xml?date=2026-11-25', { cookie: k.cookies.auditor });
    expect(file.status).toBe(503);
    expect(file.json).toMatchObject({ code: 'CHECKIN_KEY_UNAVAILABLE' });
  });

  it('KIOSK_CHECKIN_REPORT=off: no record is queued and the status says off; no portal: says no-portal', async () => {
    const off = await kiosk([...portalFlags, '--checkin-report', 'off']);
    expect(
      (await off.request('POST', '/api/check-ins', { cookie: off.cookies.receptionist, body: { qr: await off.card(0) } })).status,
    ).toBe(201);
    expect((await off.request('GET', '/api/status')).json.checkInReport).toEqual({ enabled: false, reason: 'off' });
    const { db } = await openKioskDatabase(off.dataDir, Date.now());
    try {
      expect(await db.get('SELECT COUNT(*) AS n FROM checkin_outbox')).toEqual({ n: 0 });
      expect(await db.get('SELECT COUNT(*) AS n FROM sync_outbox')).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
    const none = await kiosk([]);
    expect((await none.request('GET', '/api/status')).json.checkInReport).toEqual({ enabled: false, reason: 'no-portal' });
  });
});
