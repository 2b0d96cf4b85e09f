/**
 * Calendar-date helpers. Card dates are calendar days in Vietnam (UTC+7, no daylight saving),
 * kept as ISO `YYYY-MM-DD` strings so that comparing two of them is a string comparison.
 */

/** Vietnam's fixed offset from UTC. */
export const VN_OFFSET_MS = 7 * 3600 * 1000;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DMY_SLASH = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DMY_COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const YEAR = /^\d{4}$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;

/** Gregorian month length, by arithmetic: this runs on every scan, so no Date objects. */
function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1] ?? 0;
}

function validYmd(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** A real calendar day written `YYYY-MM-DD`. */
export function isIsoDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DAY.exec(s);
  return m !== null && validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each part valid. */
export function isFhirDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_PARTIAL.exec(s);
  if (!m) return false;
  if (m[2] === undefined) return true;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return false;
  return m[3] === undefined || validYmd(Number(m[1]), mo, Number(m[3]));
}

function toIso(d: string, mo: string, y: string): string | undefined {
  return validYmd(Number(y), Number(mo), Number(d)) ? `${y}-${mo}-${d}` : undefined;
}

/**
 * `dd/MM/yyyy` → `yyyy-MM-dd`; with `allowYear`, a bare `yyyy` stays a year (legacy birth dates
 * where only the year is known); else undefined.
 */
export function isoFromDmySlash(s: string, allowYear = false): string | undefined {
  const t = s.trim();
  if (allowYear && YEAR.test(t)) return t;
  const m = DMY_SLASH.exec(t);
  return m ? toIso(m[1]!, m[2]!, m[3]!) : undefined;
}

/** `ddMMyyyy` (chip ID card) → `yyyy-MM-dd`, else undefined. */
export function isoFromDmyCompact(s: string): string | undefined {
  const m = DMY_COMPACT.exec(s.trim());
  return m ? toIso(m[1]!, m[2]!, m[3]!) : undefined;
}

// One-entry memo for vnToday: every scan of a day asks for the same answer. Pure (a cache of a
// pure function), so it does not make the verifier stateful.
let memoDay = Number.NaN;
let memoText = '';

/** The calendar day in Vietnam at instant `nowMs`, as `YYYY-MM-DD`. */
export function vnToday(nowMs: number): string {
  const day = Math.floor((nowMs + VN_OFFSET_MS) / DAY_MS);
  if (day !== memoDay) {
    memoText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    memoDay = day;
  }
  return memoText;
}
