/** The auditor page's filter fields and their query string (its calls are in kiosk-ui/api/client.ts). */
import { vietnamWallClock } from '../../server/wire/vietnam-time.js';

/** Filter fields the auditor can set; empty ones are left out of the query. */
export interface AuditFilters {
  from: string;
  to: string;
  cardNumber: string;
  maSoBhxh: string;
  verdict: string;
  reasonCode: string;
  operator: string;
  desk: string;
  /** The patient's name (with or without diacritics). */
  name: string;
}

export const EMPTY_FILTERS: AuditFilters = {
  from: '',
  to: '',
  cardNumber: '',
  maSoBhxh: '',
  verdict: '',
  reasonCode: '',
  operator: '',
  desk: '',
  name: '',
};

export function filterParams(
  f: AuditFilters,
  keys: ReadonlyArray<keyof AuditFilters> = Object.keys(EMPTY_FILTERS) as Array<keyof AuditFilters>,
): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of keys) {
    const v = f[k].trim();
    if (v) p.set(k, v);
  }
  return p;
}

/** Vietnam local time for display: dd/mm/yyyy hh:mm:ss. */
export function vnTime(iso: string): string {
  const d = vietnamWallClock(Date.parse(iso));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
