/**
 * One Vietnam day's check-in records, for auditors and for the facility's insurance office: each
 * record's state (pending / received with the portal's transaction id / parked with the reason),
 * and the day as ONE signed file (STT 1..n) — the fallback a facility uploads by hand when the
 * connection has been down for days. Reads only; the HTTP route and `audit check-in-xml` call it.
 */
import { checkInRecordFromVisit, type RecordContext } from '../check-in-record/record.js';
import type { CheckInRecord } from '../check-in-record/fields.js';
import type { FacilityKey } from '../check-in-record/facility-key.js';
import { signCheckInXml } from '../check-in-record/sign.js';
import { checkInXml } from '../check-in-record/xml.js';
import type { Database, Queryable } from '../db/database.js';
import { VISIT_SELECT, visitFromRow, type VisitRow } from '../visits/visit-record.js';
import type { CheckInRecordDay, CheckInRecordState, CheckInRecordView } from '../wire/check-in-report.js';
import { vietnamDayStart } from '../wire/vietnam-time.js';

const DAY_MS = 86_400_000;

/** A day holds at most this many records in one answer (a clinic's busiest day is far below). */
export const MAX_DAY_RECORDS = 20_000;

interface DayRow {
  o_state: 'pending' | 'sent' | 'parked';
  o_attempts: number;
  o_last_error: string | null;
  o_parked_reason: string | null;
  r_code: string | null;
  r_ma_giao_dich: string | null;
  r_received_at: string | null;
  r_recorded_at: number | null;
}

/** The records of one day, in check-in order, with their visits. */
async function dayRows(q: Queryable, day: string): Promise<Array<{ visit: VisitRow; row: DayRow }>> {
  const start = vietnamDayStart(day);
  if (start === undefined) throw new RangeError(`not a day: ${day}`);
  const rows = await q.all(
    `SELECT ${VISIT_SELECT},
            o.state AS o_state, o.attempts AS o_attempts, o.last_error AS o_last_error, o.parked_reason AS o_parked_reason,
            r.portal_code AS r_code, r.ma_giao_dich AS r_ma_giao_dich, r.received_at AS r_received_at, r.recorded_at AS r_recorded_at
       FROM checkin_outbox o
       JOIN visits v ON v.seq = o.visit_seq
       LEFT JOIN checkin_receipts r ON r.visit_seq = o.visit_seq
      WHERE v.recorded_at >= ? AND v.recorded_at < ?
      ORDER BY v.seq
      LIMIT ?`,
    [start, start + DAY_MS, MAX_DAY_RECORDS],
  );
  return rows.map((r) => ({ visit: visitFromRow(r), row: r as unknown as DayRow }));
}

function stateOf(row: DayRow): CheckInRecordState {
  return row.o_state === 'sent' ? 'received' : row.o_state;
}

function view(visit: VisitRow, row: DayRow): CheckInRecordView {
  return {
    visitId: visit.id,
    maLk: visit.id,
    visitSeq: visit.seq,
    checkedInAt: new Date(visit.recorded_at).toISOString(),
    operator: visit.operator,
    visitCategory: visit.visit_category,
    visitType: visit.visit_type,
    state: stateOf(row),
    attempts: row.o_attempts,
    lastError: row.o_last_error,
    maGiaoDich: row.r_ma_giao_dich,
    receivedAt: row.r_received_at,
    portalCode: row.r_code,
    parkedReason: row.o_parked_reason,
  };
}

/** The day's records and their states (`facility`: this kiosk's, echoed for the reader). */
export async function checkInRecordDay(db: Database, day: string, facility: string): Promise<CheckInRecordDay> {
  const rows = await db.read((q) => dayRows(q, day));
  const records = rows.map(({ visit, row }) => view(visit, row));
  const counts: Record<CheckInRecordState, number> = { pending: 0, received: 0, parked: 0 };
  for (const r of records) counts[r.state]++;
  return { date: day, facility, counts, records };
}

/**
 * The day as one signed file: every record of the day that can be built and was not refused by
 * the portal (pending and received alike: a received one is answered 201 by MA_LK, harmless),
 * numbered STT 1..n in check-in order. `null` when the day has no such record.
 */
export async function checkInDayFile(
  db: Database,
  day: string,
  key: FacilityKey,
  context: RecordContext,
): Promise<{ xml: string; records: number; skipped: number } | null> {
  const rows = await db.read((q) => dayRows(q, day));
  const records: CheckInRecord[] = [];
  let skipped = 0;
  for (const { visit, row } of rows) {
    const built = row.o_state === 'parked' ? undefined : checkInRecordFromVisit(visit, context);
    if (built === undefined || !built.ok) {
      skipped++;
      continue;
    }
    records.push({ ...built.record, STT: String(records.length + 1) });
  }
  if (records.length === 0) return null;
  return { xml: signCheckInXml(checkInXml(records), key), records: records.length, skipped };
}
