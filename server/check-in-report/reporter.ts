/**
 * The check-in report: every visit checked in is reported to the agency's portal as a signed
 * check-in record, exactly once as the portal sees it (MA_LK = the visit's id, so a resend is
 * "201 already received"). The outbox worker (server/outbox/worker.ts) with the portal as its
 * destination, one record per call, plus what /api/status says about it: the queue, the
 * facility certificate, and why records wait when they cannot be signed.
 */
import type { Clock, Random } from '../clock.js';
import type { RecordContext } from '../check-in-record/record.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../outbox/worker.js';
import type { VisitRow } from '../visits/visit-record.js';
import type { CheckInReportStatus } from '../wire/check-in-report.js';
import { PortalCheckInDestination, type CheckInSubmitter } from './destination.js';
import type { FacilitySigner } from './facility-signer.js';
import { CheckInOutbox, type CheckInReceipt } from './outbox-repo.js';

/** Unsent records older than this raise CHECKIN_REPORT_BEHIND. */
export const BEHIND_AFTER_MS = 3_600_000;

export interface CheckInReporterDeps {
  db: Database;
  portal: CheckInSubmitter;
  signer: FacilitySigner;
  context: RecordContext;
  clock: Clock;
  random: Random;
  logger: Logger;
  options?: OutboxWorkerOptions;
}

export class CheckInReporter {
  readonly outbox: CheckInOutbox;
  readonly #worker: OutboxWorker<VisitRow, CheckInReceipt>;

  constructor(private readonly d: CheckInReporterDeps) {
    this.outbox = new CheckInOutbox(d.db);
    this.#worker = new OutboxWorker(
      this.outbox,
      new PortalCheckInDestination(d.portal, d.signer, d.context),
      d.clock,
      d.random,
      d.logger,
      { label: 'check-in report', codePrefix: 'CHECKIN_REPORT', behindWarning: 'CHECKIN_REPORT_BEHIND' },
      // One record per call: the portal answers for one file. Ordered, like the sync. Each
      // acknowledgement is recorded before the next record leaves: the portal counts every file
      // it is sent, so a kill resends only the one in flight, not that one and the one before.
      { behindAfterMs: BEHIND_AFTER_MS, ...d.options, batchSize: 1, overlapBookkeeping: false },
    );
  }

  start(): void {
    const signer = this.d.signer.current();
    if (signer.problem) this.d.logger.warn('check-in records cannot be signed yet; they wait', { code: signer.problem.code });
    else if (signer.key.demo)
      this.d.logger.warn('DEMO FACILITY CERTIFICATE: check-in records are signed with a demo key', { code: 'DEMO_FACILITY_CERT' });
    this.#worker.start();
  }

  /** A visit was recorded with its check-in outbox row. */
  wake(): void {
    this.#worker.wake();
  }

  /** Resolves once the backlog is counted. */
  counted(): Promise<void> {
    return this.#worker.counted();
  }

  stop(): Promise<void> {
    return this.#worker.stop();
  }

  onCycle(fn: () => void): () => void {
    return this.#worker.onCycle(fn);
  }

  status(): CheckInReportStatus {
    const base = this.#worker.status();
    const signer = this.d.signer.current();
    const cert = signer.key
      ? { subject: signer.key.subject, notAfter: signer.key.notAfter, demo: signer.key.demo, fingerprint: signer.key.fingerprint }
      : null;
    return {
      ...base,
      state: signer.problem && base.state !== 'stopped' ? 'misconfigured' : base.state,
      facilityCert: cert,
      ...(signer.problem ? { configProblem: signer.problem.code } : {}),
    };
  }

  /** CHECKIN_REPORT_BEHIND (oldest unsent over an hour), CHECKIN_REPORT_CONFIG (no usable key), DEMO_FACILITY_CERT. */
  warnings(): string[] {
    const signer = this.d.signer.current();
    return [
      ...this.#worker.warnings(),
      ...(signer.problem ? ['CHECKIN_REPORT_CONFIG'] : []),
      ...(signer.key?.demo ? ['DEMO_FACILITY_CERT'] : []),
    ];
  }
}
