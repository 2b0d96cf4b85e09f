import { svg, type SVGTemplateResult } from 'lit';
import type { Severity } from '../../server/wire/verification.js';
import type { Tone } from '../verdict/view-model.js';

/**
 * Verdict icons: a shape per verdict (circle + tick, triangle + "!", octagon + cross), so the
 * verdict is readable without colour. aria-hidden: the title text says the same thing.
 */
export function toneIcon(tone: Tone): SVGTemplateResult {
  switch (tone) {
    case 'ok':
      return svg`<svg viewBox="0 0 64 64" aria-hidden="true" class="icon"><circle cx="32" cy="32" r="29" fill="none" stroke="currentColor" stroke-width="6"/><path d="M18 33 l10 10 l18 -20" fill="none" stroke="currentColor" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
    case 'review':
      return svg`<svg viewBox="0 0 64 64" aria-hidden="true" class="icon"><path d="M32 5 L61 57 H3 Z" fill="none" stroke="currentColor" stroke-width="6" stroke-linejoin="round"/><path d="M32 23 V40" stroke="currentColor" stroke-width="7" stroke-linecap="round"/><circle cx="32" cy="49" r="4" fill="currentColor"/></svg>`;
    case 'stop':
      return svg`<svg viewBox="0 0 64 64" aria-hidden="true" class="icon"><path d="M20 3 H44 L61 20 V44 L44 61 H20 L3 44 V20 Z" fill="none" stroke="currentColor" stroke-width="6" stroke-linejoin="round"/><path d="M22 22 L42 42 M42 22 L22 42" stroke="currentColor" stroke-width="7" stroke-linecap="round"/></svg>`;
  }
}

export function severityIcon(severity: Severity): SVGTemplateResult {
  return toneIcon(severity === 'error' ? 'stop' : severity === 'warning' ? 'review' : 'ok');
}

export function infoIcon(): SVGTemplateResult {
  return svg`<svg viewBox="0 0 64 64" aria-hidden="true" class="icon"><circle cx="32" cy="32" r="29" fill="none" stroke="currentColor" stroke-width="6"/><path d="M32 28 V46" stroke="currentColor" stroke-width="7" stroke-linecap="round"/><circle cx="32" cy="18" r="4" fill="currentColor"/></svg>`;
}

/** The mute button's speaker (crossed out when muted). */
export function speakerIcon(muted: boolean) {
  return svg`<svg class="bar-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9v6h4l5 4V5L7 9H3z" fill="currentColor"/>${
    muted
      ? svg`<path d="M16 9l6 6M22 9l-6 6" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`
      : svg`<path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`
  }</svg>`;
}
