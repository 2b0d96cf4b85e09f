/** STUB: interface fixed; implementation in progress. */
import type { VisitRow } from '../visits/visit-record.js';
import type { CheckInRecord } from './fields.js';

/** Where MA_BN (the facility's patient id) comes from (KIOSK_PATIENT_ID_SOURCE). */
export const PATIENT_ID_SOURCES = ['ma-so-bhxh', 'card-number', 'cccd'] as const;
export type PatientIdSource = (typeof PATIENT_ID_SOURCES)[number];

export interface RecordContext {
  patientIdSource: PatientIdSource;
}

/**
 * A visit's check-in record (STT 1), or the required fields the visit cannot fill (the record is
 * parked for an auditor rather than sent incomplete).
 */
export declare function checkInRecordFromVisit(
  visit: VisitRow,
  ctx: RecordContext,
): { ok: true; record: CheckInRecord } | { ok: false; missing: string[] };
