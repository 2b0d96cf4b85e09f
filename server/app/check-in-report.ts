/**
 * Wires the check-in record report (server/check-in-report/): on whenever the portal is
 * configured, unless KIOSK_CHECKIN_REPORT=off. Starts the reporter (the second outbox
 * destination, woken by each recorded visit), adds `checkInReport` to /api/status with its
 * warnings, mounts the auditors' day views, and drains the reporter on shutdown.
 */
import { adminOutboxRoutes } from '../http/routes/admin-outbox.js';
import type { RequestHandler } from 'express';
import type { Clock, Random } from '../clock.js';
import { checkInDayFile, checkInRecordDay } from '../check-in-report/day-records.js';
import type { CheckInSubmitter } from '../check-in-report/destination.js';
import { FacilitySigner } from '../check-in-report/facility-signer.js';
import { CheckInReporter } from '../check-in-report/reporter.js';
import type { KioskConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { checkInRecordRoutes } from '../http/routes/check-in-records.js';
import type { Logger } from '../logger.js';
import type { OutboxWorkerOptions } from '../outbox/worker.js';
import type { Role } from '../users/types.js';
import type { CheckInReportSection } from '../wire/check-in-report.js';
import type { FeatureParts } from './feature.js';

type ReportConfig = Pick<
  KioskConfig,
  'checkInReport' | 'portalUrl' | 'facility' | 'facilityKeyFile' | 'facilityCertFile' | 'patientIdSource' | 'checkInMaxBackoffSec'
>;

/** Whether visits get a check-in outbox row: the portal is configured and the report not turned off. */
export function checkInReportOn(config: Pick<KioskConfig, 'checkInReport' | 'portalUrl'>): boolean {
  return config.checkInReport === 'on' && config.portalUrl !== undefined;
}

export interface CheckInReportModule extends FeatureParts {
  reporter: CheckInReporter | undefined;
  ready: Promise<void>;
}

export function startCheckInReport(deps: {
  config: ReportConfig;
  db: Database;
  /** The portal client (the card check's: one token for both); undefined when the portal is off. */
  portal: CheckInSubmitter | undefined;
  onVisitRecorded: (listener: (e: { checkInOutbox: boolean }) => void) => () => void;
  /** Where auditors' reads are recorded (the visit log's audit_reads). */
  recordAuditRead: (reader: string, endpoint: string, filter: unknown, at: number) => Promise<void>;
  clock: Clock;
  random: Random;
  logger: Logger;
  requireRole: (...roles: Role[]) => RequestHandler;
  options?: OutboxWorkerOptions;
}): CheckInReportModule {
  const { config, db, clock } = deps;
  const signer = new FacilitySigner({ keyFile: config.facilityKeyFile, certFile: config.facilityCertFile }, clock);
  const context = { patientIdSource: config.patientIdSource };
  const routers = [
    checkInRecordRoutes({
      requireRole: deps.requireRole,
      records: {
        day: (date) => checkInRecordDay(db, date, config.facility),
        async dayFile(date) {
          const s = signer.current();
          return s.key === undefined ? 'unavailable' : checkInDayFile(db, date, s.key, context);
        },
        recordRead: (reader, endpoint, filter) => deps.recordAuditRead(reader, endpoint, filter, clock.now()),
      },
    }),
  ];
  if (!checkInReportOn(config) || deps.portal === undefined) {
    const reason = config.checkInReport === 'off' ? 'off' : 'no-portal';
    deps.logger.info(`check-in report to the portal is off (${reason === 'off' ? 'KIOSK_CHECKIN_REPORT=off' : 'no portal configured'})`, {
      code: 'CHECKIN_REPORT_OFF',
    });
    const off: CheckInReportSection = { enabled: false, reason };
    return { reporter: undefined, ready: Promise.resolve(), routers, statusSections: [{ name: 'checkInReport', get: () => off }] };
  }
  const reporter = new CheckInReporter({
    db,
    portal: deps.portal,
    signer,
    context,
    clock,
    random: deps.random,
    logger: deps.logger,
    options: { maxBackoffMs: config.checkInMaxBackoffSec * 1000, ...deps.options },
  });
  routers.push(
    adminOutboxRoutes({
      destination: 'check-in-records',
      target: { requeueParked: (id) => reporter.outbox.requeueParked(id), wake: () => reporter.wake() },
      requireAdmin: deps.requireRole('admin'),
      logger: deps.logger,
    }),
  );
  const unsubscribe = deps.onVisitRecorded((e) => {
    if (e.checkInOutbox) reporter.wake();
  });
  reporter.start();
  deps.logger.info('check-in report to the portal is on', { code: 'CHECKIN_REPORT_ON', patientIdSource: config.patientIdSource });
  return {
    reporter,
    ready: reporter.counted(),
    routers,
    statusSections: [{ name: 'checkInReport', get: () => reporter.status(), warnings: () => reporter.warnings() }],
    closables: [
      {
        async close() {
          unsubscribe();
          await reporter.stop();
        },
      },
    ],
  };
}
