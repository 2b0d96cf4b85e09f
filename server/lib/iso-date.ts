/**
 * ISO-8601 calendar dates and instants as the command lines, the card format and the APIs write
 * them. Arithmetic only (no Date objects for the day check): card dates are checked on every scan.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date, optionally with a time (minutes, seconds, fraction) and a zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian month length. */
function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1] ?? 0;
}

/** True when year, month (1–12) and day name a real Gregorian calendar day (year 1 or later). */
export function isRealDay(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** A real calendar day written `YYYY-MM-DD`. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  return m !== null && isRealDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * An ISO-8601 date or date-time (`2026-11-25`, `2026-11-25T09:00:00+07:00`, `…T02:00Z`) as epoch
 * ms; undefined for anything else (free text that Date.parse would guess at included).
 */
export function parseIsoInstant(s: string): number | undefined {
  if (!ISO_INSTANT.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}
