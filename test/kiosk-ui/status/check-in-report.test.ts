import { describe, expect, it } from 'vitest';
import { checkInReportItem } from '../../../kiosk-ui/status/check-in-report.js';
import type { KioskStatus } from '../../../server/wire/status.js';
import type { CheckInReportStatus } from '../../../server/wire/check-in-report.js';

const on: CheckInReportStatus = {
  enabled: true,
  state: 'idle',
  pending: 3,
  parked: 0,
  oldestPendingAgeSec: 120,
  lastAttemptAt: null,
  lastSuccessAt: null,
  lastError: null,
  nextAttemptAt: null,
  consecutiveFailures: 0,
  facilityCert: null,
};
const status = (checkInReport: KioskStatus['checkInReport'], warnings: string[] = []) => ({ warnings, checkInReport }) as KioskStatus;

describe('checkInReportItem', () => {
  it('shows nothing while reporting is off or the section is absent', () => {
    expect(checkInReportItem(undefined)).toBeUndefined();
    expect(checkInReportItem(status(undefined))).toBeUndefined();
    expect(checkInReportItem(status({ enabled: false, reason: 'off' }))).toBeUndefined();
  });

  it('counts unsent and refused records', () => {
    expect(checkInReportItem(status({ ...on, parked: 1 }))).toEqual({
      pending: 3,
      parked: 1,
      oldestAgeSec: 120,
      behind: false,
      config: false,
    });
  });

  it('is behind on the warning or when the oldest record waits over an hour', () => {
    expect(checkInReportItem(status(on, ['CHECKIN_REPORT_BEHIND']))?.behind).toBe(true);
    expect(checkInReportItem(status({ ...on, oldestPendingAgeSec: 3601 }))?.behind).toBe(true);
    expect(checkInReportItem(status({ ...on, oldestPendingAgeSec: 3600 }))?.behind).toBe(false);
  });

  it('flags the facility key / certificate problem', () => {
    expect(checkInReportItem(status(on, ['CHECKIN_REPORT_CONFIG']))?.config).toBe(true);
    expect(checkInReportItem(status({ ...on, state: 'misconfigured', configProblem: 'FACILITY_CERT_EXPIRED' }))?.config).toBe(true);
  });
});
