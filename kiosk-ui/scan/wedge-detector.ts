/**
 * Tells a USB 2D scanner in keyboard-wedge mode apart from a person typing. Scanners "type" the
 * QR text as a burst of keys a few milliseconds apart and end with Enter; people type at
 * 100+ ms per key. Pure: it sees only the fields of a KeyboardEvent it needs, so it is unit
 * tested in node and the page wires it to a document-level keydown listener.
 *
 * Input methods: with a Vietnamese IME (Unikey, OS Telex/VNI) active, Chromium reports many keys
 * as `Process` (keyCode 229) with the real key only in `code`. The signed-card text is `shc:/`
 * plus digits precisely so it survives that: for `Process` keys the character is recovered from
 * the physical key (`code`) for digits and the few `shc:/` characters. `Unidentified` keys and
 * composition events carry nothing usable and are skipped without breaking the burst.
 */

export interface WedgeKey {
  key: string;
  code?: string;
  /** Event time in ms (KeyboardEvent.timeStamp). */
  timeStamp: number;
  isComposing?: boolean;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export interface WedgeOptions {
  /** Average gap between keys of a scanner burst must be below this (ms). */
  maxAverageGapMs: number;
  /** A single gap longer than this starts a new burst (ms)… */
  maxGapMs: number;
  /**
   * …unless a fast burst is well under way: then a stall up to this long (the page's main thread
   * busy decoding a camera frame, a hub hiccup) does not cut the card text in two (ms).
   */
  maxStallMs: number;
  /** Bursts shorter than this are ignored (a person's quick "ok" + Enter). */
  minLength: number;
  /** Longer input is dropped: no card QR is this long. */
  maxLength: number;
  /** A second Enter this soon after a scan is the scanner's CR+LF tail, swallowed (ms). */
  tailMs: number;
}

export const DEFAULT_WEDGE_OPTIONS: Readonly<WedgeOptions> = Object.freeze({
  maxAverageGapMs: 35,
  maxGapMs: 250,
  maxStallMs: 1500,
  minLength: 8,
  maxLength: 4096,
  tailMs: 100,
});

/**
 * What the page should do with the key: `scan` — a complete scanner burst (text given; prevent
 * the Enter so it does not press a focused button); `burst` — part of a fast burst in progress
 * (safe to prevent default); `tail` — the scanner's trailing CR/LF, prevent it too; `none` —
 * leave the key alone.
 */
export type WedgeAction = { action: 'scan'; text: string } | { action: 'burst' } | { action: 'tail' } | { action: 'none' };

/** Physical keys whose character we recover when an IME reports `Process`. */
const PROCESS_CODE_CHARS: Readonly<Record<string, readonly [string, string]>> = {
  KeyS: ['s', 'S'],
  KeyH: ['h', 'H'],
  KeyC: ['c', 'C'],
  Semicolon: [';', ':'],
  Slash: ['/', '?'],
};

const IGNORED_KEYS = new Set(['Process', 'Unidentified', 'Dead', 'Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta']);

/** The character a key contributes to a burst, or undefined when it contributes nothing. */
export function keyChar(ev: WedgeKey): string | undefined {
  if (ev.key === 'Process' && ev.code) {
    const digit = /^(?:Digit|Numpad)(\d)$/.exec(ev.code);
    if (digit) return digit[1];
    const pair = PROCESS_CODE_CHARS[ev.code];
    if (pair) return ev.shiftKey ? pair[1] : pair[0];
    return undefined;
  }
  if (ev.isComposing || IGNORED_KEYS.has(ev.key)) return undefined;
  if (ev.key.length !== 1) return undefined;
  const c = ev.key.charCodeAt(0);
  // Printable ASCII: digits, `shc:/`, and the legacy paper-card QR's letters, hex, `|$#-/ `.
  return c >= 0x20 && c <= 0x7e ? ev.key : undefined;
}

export class WedgeDetector {
  private readonly opts: WedgeOptions;
  private chars: string[] = [];
  private firstAt = 0;
  private lastAt = 0;
  private lastScanAt = Number.NEGATIVE_INFINITY;

  constructor(opts: Partial<WedgeOptions> = {}) {
    this.opts = { ...DEFAULT_WEDGE_OPTIONS, ...opts };
  }

  /** Feed one keydown; returns what the page should do with it. */
  handleKey(ev: WedgeKey): WedgeAction {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) {
      this.reset();
      return { action: 'none' };
    }
    const t = ev.timeStamp;
    if (ev.key === 'Enter' || ev.key === '\r' || ev.key === '\n') return this.finish(t);

    const ch = keyChar(ev);
    if (ch === undefined) {
      // Modifiers (Shift for ':'), IME noise: neither part of the text nor a reason to reset.
      return this.chars.length > 0 && this.continues(t) ? { action: 'burst' } : { action: 'none' };
    }
    if (this.chars.length > 0 && !this.continues(t)) this.reset();
    if (this.chars.length === 0) this.firstAt = t;
    if (this.chars.length >= this.opts.maxLength) {
      this.reset();
      return { action: 'none' };
    }
    this.chars.push(ch);
    this.lastAt = t;
    return this.inFastBurst() ? { action: 'burst' } : { action: 'none' };
  }

  /** The text collected so far. */
  get text(): string {
    return this.chars.join('');
  }

  /** Characters collected so far (0: no burst under way). */
  get size(): number {
    return this.chars.length;
  }

  /** Forget any partial input (e.g. when a text field takes focus). */
  reset(): void {
    this.chars = [];
    this.firstAt = 0;
    this.lastAt = 0;
  }

  private averageGap(): number {
    return this.chars.length < 2 ? Number.POSITIVE_INFINITY : (this.lastAt - this.firstAt) / (this.chars.length - 1);
  }

  /** Whether a key at time `t` belongs to the input so far (see maxGapMs / maxStallMs). */
  private continues(t: number): boolean {
    const gap = t - this.lastAt;
    if (gap <= this.opts.maxGapMs) return true;
    return gap <= this.opts.maxStallMs && this.chars.length >= this.opts.minLength && this.averageGap() < this.opts.maxAverageGapMs;
  }

  private inFastBurst(): boolean {
    return this.chars.length >= 3 && this.averageGap() < this.opts.maxAverageGapMs;
  }

  private finish(t: number): WedgeAction {
    if (this.chars.length === 0) {
      return t - this.lastScanAt <= this.opts.tailMs ? { action: 'tail' } : { action: 'none' };
    }
    const recent = this.continues(t);
    const fast = this.averageGap() < this.opts.maxAverageGapMs;
    const text = this.chars.join('').trim();
    this.reset();
    if (!recent || !fast || text.length < this.opts.minLength) return { action: 'none' };
    this.lastScanAt = t;
    return { action: 'scan', text };
  }
}
