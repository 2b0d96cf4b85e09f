/**
 * How the trust store's age is shown: plain while fresh, amber once past half the allowed age
 * (time to get the kiosk online), red once stale (verdicts already need review).
 */
export function trustAgeLevel(ageSec: number | undefined, maxAgeSec: number | undefined, stale: boolean): 'fresh' | 'ageing' | 'stale' {
  if (stale || (ageSec !== undefined && maxAgeSec !== undefined && ageSec > maxAgeSec)) return 'stale';
  if (ageSec !== undefined && maxAgeSec !== undefined && ageSec > maxAgeSec / 2) return 'ageing';
  return 'fresh';
}
