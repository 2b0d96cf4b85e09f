/**
 * Camera de-duplication: a phone held in front of the camera decodes many times a second. The
 * same text is passed on once, then ignored while it keeps being seen; it counts as new again
 * only after it has been out of sight for `windowMs` (so holding a card still never re-sends it,
 * and showing it again a few seconds later does). Only a hash of the text is kept, so nothing
 * personal stays in memory after the verdict clears.
 */
export class RecentScans {
  private lastHash: string | undefined;
  private lastSeenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = 4000) {}

  /** True when `text` is new and should be processed; records the sighting either way. */
  accept(text: string, now: number): boolean {
    const h = fingerprint(text);
    const duplicate = h === this.lastHash && now - this.lastSeenAt < this.windowMs;
    this.lastHash = h;
    this.lastSeenAt = now;
    return !duplicate;
  }
}

/** Two FNV-1a 32-bit hashes with different seeds plus the length: enough to tell scans apart. */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return `${text.length}:${a.toString(16)}:${b.toString(16)}`;
}
