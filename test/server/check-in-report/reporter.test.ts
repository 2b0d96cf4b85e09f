/**
 * The check-in report against a real kiosk database (SQLite file, migrations, the writer's
 * trigger) with a scripted portal: what is sent, what is recorded beside the visit, what is
 * parked, and how it waits for a usable facility key. Waits are released by the test (no real
 * backoff, no sleeping).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, systemRandom } from '../../../server/clock.js';
import type { CheckInSubmitter } from '../../../server/check-in-report/destination.js';
import { FacilitySigner } from '../../../server/check-in-report/facility-signer.js';
import { CheckInReporter } from '../../../server/check-in-report/reporter.js';
import { verifyCheckInSignature } from '../../../server/check-in-record/verify-signature.js';
import { validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { silentLogger } from '../../../server/logger.js';
import { OutboxTransportError } from '../../../server/outbox/types.js';
import { seedCard, seedVisits } from '../../../test-support/seed-visits.js';
import { writeFacilityKeyFiles, type FacilityKeyFiles } from '../../helpers/facility-cert.js';

const T0 = Date.parse('2026-12-01T02:00:00Z');
type Answer = Awaited<ReturnType<CheckInSubmitter['submitCheckInRecord']>> | Error;

/** The portal, scripted: answers in order (then 200s), every file kept. */
class ScriptedPortal implements CheckInSubmitter {
  files: string[] = [];
  constructor(public script: Answer[] = []) {}
  async submitCheckInRecord(xml: string): Promise<Exclude<Answer, Error>> {
    this.files.push(xml);
    const next = this.script.shift() ?? {
      kind: 'received',
      code: '200',
      maGiaoDich: `GD${this.files.length}`,
      receivedAt: '20261201090000',
    };
    if (next instanceof Error) throw next;
    return next;
  }
}

/** Backoff waits held until the test releases them. */
function heldSleep() {
  const waiting: Array<() => void> = [];
  return {
    sleep: (_ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    release: () => waiting.splice(0).forEach((r) => r()),
    get waiting() {
      return waiting.length;
    },
  };
}

let dir: string;
let db: Database;
let keys: FacilityKeyFiles;
let reporter: CheckInReporter | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'checkin-report-'));
  ({ db } = await openKioskDatabase(join(dir, 'data'), T0));
  keys = writeFacilityKeyFiles(dir, { now: T0 });
});
afterEach(async () => {
  await reporter?.stop();
  reporter = undefined;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function seed(n: number, over: (i: number) => Partial<Parameters<typeof seedVisits>[1][number]> = () => ({})) {
  return seedVisits(
    db,
    Array.from({ length: n }, (_, i) => ({ recordedAt: T0 + i * 1000, card: seedCard(i), visitCategory: '1.1', ...over(i) })),
    '12001',
    { checkInOutbox: true },
  );
}

function start(
  portal: CheckInSubmitter,
  opts: { files?: { keyFile?: string; certFile?: string }; sleep?: ReturnType<typeof heldSleep>; stopGraceMs?: number } = {},
) {
  const files = opts.files ?? keys;
  reporter = new CheckInReporter({
    db,
    portal,
    signer: new FacilitySigner({ keyFile: files.keyFile, certFile: files.certFile }, fixedClock(T0)),
    context: { patientIdSource: 'ma-so-bhxh' },
    clock: fixedClock(T0),
    random: systemRandom,
    logger: silentLogger,
    options: { sleep: (opts.sleep ?? heldSleep()).sleep, ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}) },
  });
  reporter.start();
  return reporter;
}

/** Resolves once `cond` holds after a worker cycle. */
function until(r: CheckInReporter, cond: () => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('condition not reached')), 10_000);
    const check = async () => {
      if (await cond()) {
        clearTimeout(timer);
        off();
        resolve();
      }
    };
    const off = r.onCycle(() => void check());
    void check();
  });
}

const receipts = () =>
  db.all<{ visit_id: string; portal_code: string; ma_giao_dich: string | null; received_at: string | null }>(
    'SELECT visit_id, portal_code, ma_giao_dich, received_at FROM checkin_receipts ORDER BY visit_seq',
  );
const states = () =>
  db.all<{ visit_id: string; state: string; attempts: number; parked_reason: string | null }>(
    'SELECT visit_id, state, attempts, parked_reason FROM checkin_outbox ORDER BY visit_seq',
  );

/** Nothing left pending in the file (the counts /api/status shows can lag a cycle). */
const settled = async () => (await states()).every((s) => s.state !== 'pending');

describe('CheckInReporter', () => {
  it('records each receipt before the next record leaves, so a kill resends only the record in flight', async () => {
    await seed(3);
    const events: string[] = [];
    const portal = new ScriptedPortal();
    const submit = portal.submitCheckInRecord.bind(portal);
    portal.submitCheckInRecord = (xml) => {
      events.push(`send ${portal.files.length + 1}`);
      return submit(xml);
    };
    const r = start(portal);
    // Patched before the worker's first acknowledgement (start() only begins an async loop).
    const record = r.outbox.recordOutcomes.bind(r.outbox);
    r.outbox.recordOutcomes = async (outcomes, now) => {
      await record(outcomes, now);
      events.push(`recorded ${outcomes.map((o) => o.seq).join(',')}`);
    };
    await until(r, settled);
    expect(events).toEqual(['send 1', 'recorded 1', 'send 2', 'recorded 2', 'send 3', 'recorded 3']);
  });

  it('sends each visit once, in order, as a signed record that validates, and records the receipt beside it', async () => {
    const ids = await seed(3);
    const portal = new ScriptedPortal();
    const r = start(portal);
    await until(r, settled);
    expect(portal.files).toHaveLength(3);
    for (const [i, xml] of portal.files.entries()) {
      expect(xml).toContain(`<MA_LK>${ids[i]}</MA_LK>`);
      expect(verifyCheckInSignature(xml, keys.certPem)).toMatchObject({ ok: true });
      expect(await validateCheckInXml(xml)).toEqual({ valid: true, errors: [] });
    }
    expect(await receipts()).toEqual(
      ids.map((id, i) => ({ visit_id: id, portal_code: '200', ma_giao_dich: `GD${i + 1}`, received_at: '20261201090000' })),
    );
    expect((await states()).map((s) => [s.state, s.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(r.status()).toMatchObject({ enabled: true, pending: 0, parked: 0, facilityCert: { demo: true } });
    expect(r.warnings()).toEqual(['DEMO_FACILITY_CERT']);
  });

  it('keeps "201 already received" as the receipt: a resend is harmless, never a second record', async () => {
    const [id] = await seed(1);
    const portal = new ScriptedPortal([{ kind: 'received', code: '201', maGiaoDich: 'GD-FIRST', receivedAt: '20261201085959' }]);
    const r = start(portal);
    await until(r, settled);
    expect(await receipts()).toEqual([{ visit_id: id, portal_code: '201', ma_giao_dich: 'GD-FIRST', received_at: '20261201085959' }]);
  });

  it('parks a file the portal calls invalid (205) with its message, and goes on with the next', async () => {
    const ids = await seed(3);
    const portal = new ScriptedPortal([
      { kind: 'received', code: '200', maGiaoDich: 'GD1', receivedAt: null },
      { kind: 'invalid', message: 'HO_TEN: sai định dạng' },
    ]);
    const r = start(portal);
    await until(r, settled);
    expect(await states()).toMatchObject([
      { visit_id: ids[0], state: 'sent' },
      { visit_id: ids[1], state: 'parked', parked_reason: 'PORTAL_205: HO_TEN: sai định dạng' },
      { visit_id: ids[2], state: 'sent' },
    ]);
    expect(portal.files).toHaveLength(3);
    expect(r.status()).toMatchObject({ parked: 1 });
  });

  it('parks a visit that cannot fill a required field without sending it (RECORD_INCOMPLETE names the fields)', async () => {
    await seed(2, (i) => (i === 0 ? { card: null, maSoBhxh: null } : {}));
    const portal = new ScriptedPortal();
    const r = start(portal);
    await until(r, settled);
    const [first, second] = await states();
    expect(first).toMatchObject({ state: 'parked', parked_reason: 'RECORD_INCOMPLETE: MA_BN, HO_TEN, NGAY_SINH' });
    expect(second).toMatchObject({ state: 'sent' });
    expect(portal.files).toHaveLength(1);
  });

  it('retries a failed call with backoff, counting attempts and keeping the error; order is kept', async () => {
    const ids = await seed(2);
    const held = heldSleep();
    const portal = new ScriptedPortal([new OutboxTransportError('PORTAL_SERVER_ERROR', 'portal answered maKetQua 500')]);
    const r = start(portal, { sleep: held });
    await until(r, () => r.status().state === 'backoff');
    expect(r.status()).toMatchObject({ pending: 2, consecutiveFailures: 1, lastError: { code: 'PORTAL_SERVER_ERROR' } });
    expect((await states())[0]).toMatchObject({ state: 'pending', attempts: 1 });
    held.release();
    await until(r, settled);
    expect((await receipts()).map((x) => x.visit_id)).toEqual(ids);
    expect((await states())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('holds records while no facility key is configured (misconfigured, CHECKIN_REPORT_CONFIG), and sends them once it is', async () => {
    await seed(2);
    const held = heldSleep();
    const portal = new ScriptedPortal();
    const late = join(dir, 'late');
    const files = { keyFile: join(late, 'facility-key.pem'), certFile: join(late, 'facility-cert.pem') };
    const r = start(portal, { files, sleep: held });
    await until(r, () => r.status().state === 'misconfigured' && r.status().lastError !== null);
    expect(r.status()).toMatchObject({ pending: 2, facilityCert: null, configProblem: 'FACILITY_KEY_UNREADABLE' });
    expect(r.warnings()).toContain('CHECKIN_REPORT_CONFIG');
    expect(portal.files).toHaveLength(0);
    // The IT person installs the key and certificate: no restart needed.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(late);
    writeFacilityKeyFiles(late, { now: T0 });
    held.release();
    await until(r, settled);
    expect(portal.files).toHaveLength(2);
    expect(r.warnings()).not.toContain('CHECKIN_REPORT_CONFIG');
  });

  it('is woken by a new check-in and stops cleanly, leaving an unanswered record pending', async () => {
    await seed(1);
    let called!: () => void;
    const submitted = new Promise<void>((resolve) => (called = resolve));
    const files: string[] = [];
    const portal: CheckInSubmitter = {
      submitCheckInRecord: (xml, signal) => {
        files.push(xml);
        if (files.length === 1) return Promise.resolve({ kind: 'received', code: '200', maGiaoDich: 'GD1', receivedAt: null });
        called();
        // The second record's answer never comes: stop() must abandon it after its grace.
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORTED' })), { once: true });
        });
      },
    };
    const r = start(portal, { stopGraceMs: 50 });
    await until(r, settled);
    // A check-in after the queue went idle: the trigger's row, and the writer's event wakes the worker.
    await seed(1);
    r.wake();
    await submitted;
    await r.stop();
    expect(await states()).toMatchObject([
      { state: 'sent', attempts: 1 },
      { state: 'pending', attempts: 0 },
    ]);
    reporter = undefined;
  });
});
