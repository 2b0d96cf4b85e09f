/**
 * The auditor page's one date format: dd/mm/yyyy, typed as text so it never follows the
 * browser's locale (a native date input shows mm/dd/yyyy in an English browser). Pure functions.
 */
import { vietnamDay, vietnamDayStart } from '../../server/wire/vietnam-time.js';

const VN_DATE = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → `dd/mm/yyyy`; anything else unchanged. */
export function formatDay(iso: string): string {
  const m = ISO_DAY.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** `dd/mm/yyyy` (also d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy, or already `YYYY-MM-DD`) → `YYYY-MM-DD`; undefined when not a real day. */
export function parseDay(text: string): string | undefined {
  const t = text.trim();
  if (ISO_DAY.test(t)) return vietnamDayStart(t) === undefined ? undefined : t;
  const m = VN_DATE.exec(t);
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  return vietnamDayStart(iso) === undefined ? undefined : iso;
}

/** Today in Vietnam, `YYYY-MM-DD`. */
export function todayVn(now: number = Date.now()): string {
  return vietnamDay(now);
}

/** The Vietnam day `delta` days after `iso`. */
export function addDays(iso: string, delta: number): string {
  const start = vietnamDayStart(iso);
  return start === undefined ? iso : vietnamDay(start + delta * 86_400_000);
}

/**
 * A time as the portal wrote it: ISO-8601 is shown in Vietnam time; the portal's compact
 * `yyyyMMddHHmm[ss]` (already Vietnam time) as dd/mm/yyyy hh:mm[:ss]; anything else as it came.
 */
export function portalTime(text: string, vnTime: (iso: string) => string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(text);
  if (compact) return `${compact[3]}/${compact[2]}/${compact[1]} ${compact[4]}:${compact[5]}${compact[6] ? `:${compact[6]}` : ''}`;
  return Number.isFinite(Date.parse(text)) ? vnTime(text) : text;
}
