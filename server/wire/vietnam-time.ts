/**
 * Vietnam time: UTC+7 all year (no daylight saving), so a Vietnam calendar day is UTC shifted by
 * seven hours: 2026-12-31T17:30Z is already 2027-01-01 in Hà Nội. The one home of the offset for
 * the service (card dates, auditor filters and summaries, CSV, the medical-history store's
 * yearly books) and the kiosk screens; it imports nothing, so the UI may use it too.
 */

/** Vietnam's fixed offset from UTC, ms. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// One-entry memo: every scan of a day asks for the same answer (a cache of a pure function).
let memoDay = Number.NaN;
let memoText = '';

/** The calendar day in Vietnam at instant `ms`, as `YYYY-MM-DD`. */
export function vietnamDay(ms: number): string {
  const day = Math.floor((ms + VN_OFFSET_MS) / DAY_MS);
  if (day !== memoDay) {
    memoText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    memoDay = day;
  }
  return memoText;
}

/** The calendar year in Vietnam at instant `ms`. */
export function vietnamYear(ms: number): number {
  return new Date(ms + VN_OFFSET_MS).getUTCFullYear();
}

/** Midnight at the start of a Vietnam calendar day (`YYYY-MM-DD`) as epoch ms; undefined when not a real day. */
export function vietnamDayStart(day: string): number | undefined {
  const m = ISO_DAY.exec(day);
  if (!m) return undefined;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - VN_OFFSET_MS;
  // A day that does not exist (02-30) rolls over into another one: refuse it.
  return Number.isFinite(start) && vietnamDay(start) === day ? start : undefined;
}

/** Vietnam local time, ISO-8601 with its offset, e.g. 2026-11-25T09:00:00.000+07:00. */
export function vietnamTimestamp(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().replace('Z', '+07:00');
}

/** A Date whose UTC fields (getUTCHours …) read Vietnam wall-clock time, whatever the machine's zone. */
export function vietnamWallClock(ms: number): Date {
  return new Date(ms + VN_OFFSET_MS);
}
