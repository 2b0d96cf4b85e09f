/**
 * The check-in record report (`checkInReport` in /api/status) as the status bar shows it: unsent
 * records, refused (parked) ones, and the two warnings (CHECKIN_REPORT_BEHIND: the oldest unsent
 * record is over an hour old; CHECKIN_REPORT_CONFIG: the facility key or certificate is unusable).
 */
import type { KioskStatus } from '../../server/wire/status.js';

/** The report is "behind" when the oldest unsent record waits longer than this (as the service warns). */
export const CHECKIN_REPORT_BEHIND_SEC = 3600;

export interface CheckInReportItem {
  pending: number;
  parked: number;
  /** Seconds the oldest unsent record has waited, when there is one. */
  oldestAgeSec: number | null;
  behind: boolean;
  config: boolean;
}

/** What the bar shows; undefined when reporting is off (or the status has no such section yet). */
export function checkInReportItem(status: KioskStatus | undefined): CheckInReportItem | undefined {
  const s = status?.checkInReport;
  if (!s || !s.enabled) return undefined;
  const warnings = new Set(status?.warnings ?? []);
  const oldestAgeSec = s.oldestPendingAgeSec ?? null;
  return {
    pending: s.pending ?? 0,
    parked: s.parked ?? 0,
    oldestAgeSec,
    behind: warnings.has('CHECKIN_REPORT_BEHIND') || (oldestAgeSec !== null && oldestAgeSec > CHECKIN_REPORT_BEHIND_SEC),
    config: warnings.has('CHECKIN_REPORT_CONFIG') || s.state === 'misconfigured',
  };
}
