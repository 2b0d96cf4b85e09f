/**
 * Vietnam keeps UTC+7 all year (no daylight saving), so calendar dates and years in Vietnam are
 * UTC shifted by seven hours: a visit at 2026-12-31T17:30Z is on 2027-01-01 in Hà Nội and belongs
 * to the 2027 book.
 */
export const VN_OFFSET_MS = 7 * 3600 * 1000;

export function vietnamYear(ms: number): number {
  return new Date(ms + VN_OFFSET_MS).getUTCFullYear();
}

export function vietnamDate(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Start of a Vietnam calendar day (YYYY-MM-DD) as epoch ms; undefined when not a real date. */
export function vietnamDayStart(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(utc) || new Date(utc).toISOString().slice(0, 10) !== date) return undefined;
  return utc - VN_OFFSET_MS;
}
