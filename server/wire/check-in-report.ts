/**
 * The check-in record report (the second outbox destination: every confirmed visit reported to
 * the agency's portal, signed) as clients see it: `/api/status`'s `checkInReport` section and the
 * auditors' day list. Wire contract: imports nothing outside server/wire/.
 */
import type { SyncStatus } from './status.js';

/** Where one visit's check-in record stands. */
export type CheckInRecordState = 'pending' | 'received' | 'parked';

/** `checkInReport` in /api/status while reporting is on. */
export interface CheckInReportStatus extends Omit<SyncStatus, 'state'> {
  /** `misconfigured`: records wait (nothing is lost) until the facility key/certificate is fixed. */
  state: SyncStatus['state'] | 'misconfigured';
  /** The signing certificate (no secrets): subject, validity, DEMO flag. */
  facilityCert: { subject: string; notAfter: string; demo: boolean; fingerprint: string } | null;
  /** Why the reporter cannot send (a configuration problem's code), while `misconfigured`. */
  configProblem?: string;
}

export type CheckInReportSection = CheckInReportStatus | { enabled: false; reason: 'off' | 'no-portal' };

/** One visit's record in `GET /api/audit/check-in-records?date=`. */
export interface CheckInRecordView {
  visitId: string;
  /** MA_LK: the visit's id, the same on every resend. */
  maLk: string;
  visitSeq: number;
  checkedInAt: string;
  operator: string;
  visitCategory: string | null;
  visitType: string;
  state: CheckInRecordState;
  attempts: number;
  lastError: string | null;
  /** The portal's transaction id and receipt time once received. */
  maGiaoDich: string | null;
  receivedAt: string | null;
  /** "200" received or "201" already received. */
  portalCode: string | null;
  /** Why it was parked (the portal's 205 message, or a record the kiosk could not build). */
  parkedReason: string | null;
}

export interface CheckInRecordDay {
  date: string;
  facility: string;
  counts: Record<CheckInRecordState, number>;
  records: CheckInRecordView[];
}

/** A visit category (MA_DOITUONG_KCB) or visit type (MA_LOAI_KCB) as the kiosk offers it. */
export interface VisitCodeView {
  code: string;
  /** Vietnamese first; English for the second language. */
  labelVi: string;
  labelEn: string;
  validFrom: string;
  validTo: string | null;
}

/** `GET /api/visit-codes`: the codes valid today, and what the kiosk proposes by default. */
export interface VisitCodeTable {
  date: string;
  categories: VisitCodeView[];
  types: VisitCodeView[];
  defaultType: string;
}
