/**
 * A day's check-in records for auditors, and the day as one signed file: states from the outbox
 * and the receipts, Vietnam-day boundaries (the night of 31 December), STT numbering, what is
 * left out, and the file checked by the library and by the independent tools.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInDayFile, checkInRecordDay } from '../../../server/check-in-report/day-records.js';
import { CheckInOutbox } from '../../../server/check-in-report/outbox-repo.js';
import { loadFacilityKey, type FacilityKey } from '../../../server/check-in-record/facility-key.js';
import { verifyCheckInSignature } from '../../../server/check-in-record/verify-signature.js';
import { checkInXsdPath, validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { seedCard, seedVisits } from '../../../test-support/seed-visits.js';
import { writeFacilityKeyFiles, type FacilityKeyFiles } from '../../helpers/facility-cert.js';
import { xmllintSchema, xmlsecVerify } from '../../helpers/xml-tools.js';

/** 23:59 and 00:01 Vietnam time on the night of 31 December 2026 (UTC+7). */
const BEFORE_MIDNIGHT = Date.parse('2026-12-31T16:59:00Z');
const AFTER_MIDNIGHT = Date.parse('2026-12-31T17:01:00Z');
const CONTEXT = { patientIdSource: 'ma-so-bhxh' } as const;

let dir: string;
let db: Database;
let files: FacilityKeyFiles;
let key: FacilityKey;
let ids: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'checkin-day-'));
  ({ db } = await openKioskDatabase(join(dir, 'data'), BEFORE_MIDNIGHT));
  files = writeFacilityKeyFiles(dir, { now: BEFORE_MIDNIGHT });
  key = loadFacilityKey(files.keyFile, files.certFile, BEFORE_MIDNIGHT);
  ids = await seedVisits(
    db,
    [
      { recordedAt: BEFORE_MIDNIGHT - 3_600_000, card: seedCard(0), visitCategory: '1.1' }, // 22:59, 31 Dec
      { recordedAt: BEFORE_MIDNIGHT - 60_000, card: seedCard(1), visitCategory: '1.1' }, // 23:58: will be parked by the portal
      { recordedAt: BEFORE_MIDNIGHT, card: seedCard(2), visitCategory: '3.1' }, // 23:59, 31 Dec
      { recordedAt: AFTER_MIDNIGHT, card: seedCard(3), visitCategory: '1.1' }, // 00:01, 1 Jan 2027
      { recordedAt: AFTER_MIDNIGHT + 1000, verdict: 'rejected', card: seedCard(4) }, // not a check-in: no record
    ],
    '12001',
    { checkInOutbox: true },
  );
  const outbox = new CheckInOutbox(db);
  // The first visit was received; the second refused by the portal; the others not sent yet.
  await outbox.recordOutcomes(
    [
      { seq: 1, kind: 'sent', receipt: { code: '200', maGiaoDich: 'GD-0001', receivedAt: '20261231230001' } },
      { seq: 2, kind: 'parked', reason: 'PORTAL_205: GT_THE_DEN: sai' },
    ],
    BEFORE_MIDNIGHT,
  );
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkInRecordDay', () => {
  it("lists the Vietnam day's records with their states, receipts and reasons, in check-in order", async () => {
    const day = await checkInRecordDay(db, '2026-12-31', '12001');
    expect(day.counts).toEqual({ pending: 1, received: 1, parked: 1 });
    expect(day.records.map((r) => [r.maLk, r.state])).toEqual([
      [ids[0], 'received'],
      [ids[1], 'parked'],
      [ids[2], 'pending'],
    ]);
    expect(day.records[0]).toMatchObject({ maGiaoDich: 'GD-0001', receivedAt: '20261231230001', portalCode: '200', attempts: 1 });
    expect(day.records[1]).toMatchObject({ parkedReason: 'PORTAL_205: GT_THE_DEN: sai', maGiaoDich: null });
    expect(day.records[2]).toMatchObject({ visitCategory: '3.1', visitType: '01', attempts: 0, maGiaoDich: null });
  });

  it('puts 00:01 on 1 January in the next day, and leaves rejected attempts out', async () => {
    const day = await checkInRecordDay(db, '2027-01-01', '12001');
    expect(day.records.map((r) => r.maLk)).toEqual([ids[3]]);
    expect((await checkInRecordDay(db, '2026-12-30', '12001')).records).toEqual([]);
  });
});

describe('checkInDayFile', () => {
  it('is one signed file with the unrefused records numbered STT 1..n; the parked one is counted as skipped', async () => {
    const file = (await checkInDayFile(db, '2026-12-31', key, CONTEXT))!;
    expect(file).toMatchObject({ records: 2, skipped: 1 });
    expect([...file.xml.matchAll(/<MA_LK>([^<]+)<\/MA_LK>/g)].map((m) => m[1])).toEqual([ids[0], ids[2]]);
    expect([...file.xml.matchAll(/<STT>(\d+)<\/STT>/g)].map((m) => m[1])).toEqual(['1', '2']);
    expect(file.xml).toContain('<NGAY_VAO>202612312259</NGAY_VAO>');
    expect(file.xml).toContain('<NGAY_VAO>202612312359</NGAY_VAO>');
    expect(file.xml).not.toContain('202701010001');
  });

  it('validates against the XSD and its signature verifies, with the library and with xmllint and xmlsec1', async () => {
    for (const date of ['2026-12-31', '2027-01-01']) {
      const { xml } = (await checkInDayFile(db, date, key, CONTEXT))!;
      expect(await validateCheckInXml(xml)).toEqual({ valid: true, errors: [] });
      expect(verifyCheckInSignature(xml, files.certPem)).toMatchObject({ ok: true });
      expect(await xmllintSchema(checkInXsdPath(), xml)).toMatchObject({ code: 0 });
      expect(await xmlsecVerify(xml, files.certPem)).toMatchObject({ code: 0 });
    }
    expect((await checkInDayFile(db, '2027-01-01', key, CONTEXT))!.xml).toContain('<NGAY_VAO>202701010001</NGAY_VAO>');
  });

  it('is null for a day without records', async () => {
    expect(await checkInDayFile(db, '2026-12-30', key, CONTEXT)).toBeNull();
  });
});
