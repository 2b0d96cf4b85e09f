/**
 * Calendar-date helpers. Card dates are calendar days in Vietnam (UTC+7, no daylight saving),
 * kept as ISO `YYYY-MM-DD` strings so that comparing two of them is a string comparison.
 */

import { isRealDay } from '../lib/iso-date.js';

const ISO_PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DMY_SLASH = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const DMY_COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const YEAR = /^\d{4}$/;

/** FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each part valid. */
export function isFhirDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_PARTIAL.exec(s);
  if (!m) return false;
  if (m[2] === undefined) return true;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return false;
  return m[3] === undefined || isRealDay(Number(m[1]), mo, Number(m[3]));
}

function toIso(d: string, mo: string, y: string): string | undefined {
  return isRealDay(Number(y), Number(mo), Number(d)) ? `${y}-${mo}-${d}` : undefined;
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
