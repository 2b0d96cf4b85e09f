/**
 * Geometry for the hand-drawn SVG charts (no chart library: nothing to load from elsewhere and
 * nothing the kiosk's CSP has to allow). Pure functions, so they are easy to reason about.
 */

export const VERDICT_ORDER = ['accepted', 'needs_review', 'rejected'] as const;
export type VerdictKey = (typeof VERDICT_ORDER)[number];

export interface StackedBar {
  day: string;
  x: number;
  width: number;
  segments: Array<{ verdict: VerdictKey; y: number; height: number; value: number }>;
  total: number;
}

/** A "nice" axis maximum ≥ max: 1, 2, 5 × 10^n. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

export function stackedBars(
  days: ReadonlyArray<{ day: string } & Record<VerdictKey, number>>,
  box: { left: number; top: number; width: number; height: number },
): { bars: StackedBar[]; max: number } {
  const max = niceMax(Math.max(0, ...days.map((d) => VERDICT_ORDER.reduce((s, v) => s + d[v], 0))));
  const slot = days.length > 0 ? box.width / days.length : box.width;
  const width = Math.max(1, slot * 0.7);
  const bars = days.map((d, i) => {
    let base = box.top + box.height;
    const segments = VERDICT_ORDER.map((verdict) => {
      const height = (d[verdict] / max) * box.height;
      base -= height;
      return { verdict, y: base, height, value: d[verdict] };
    });
    return { day: d.day, x: box.left + i * slot + (slot - width) / 2, width, segments, total: segments.reduce((s, x) => s + x.value, 0) };
  });
  return { bars, max };
}

export function horizontalBars(
  items: ReadonlyArray<{ code: string; count: number }>,
  width: number,
): Array<{ code: string; count: number; length: number }> {
  const max = Math.max(1, ...items.map((i) => i.count));
  return items.map((i) => ({ ...i, length: (i.count / max) * width }));
}
