/**
 * Latency and failure injection for the reference portal (tests and demos: the real portal takes
 * 5–60 s at busy hours and fails now and then). Every /api/ call first waits the injected latency,
 * then, with probability `failRate`, fails in one of `failModes`:
 *   - `http500`  HTTP 500 with a short JSON body (the portal's gateway failing),
 *   - `hang`     no answer at all until the client gives up (or the portal stops),
 *   - `drop`     the connection is destroyed without an answer.
 * `answerCode` makes every card check that passes authentication answer that maKetQua
 * ("100" / "101" / "500": the portal's own data or server errors, HTTP 200). `next` is a script
 * consumed one entry per /api/ call before the random draw, for deterministic tests.
 *
 * Check-in submissions (guiHoSoCheckin) take the latency, the failures and the `next` script too
 * (a scripted code answers maKetQua "500" there), plus two faults of their own:
 *   - `checkInFailEvery: N`   every Nth authenticated submission answers maKetQua "500" (0 = off;
 *                             the count restarts whenever the setting is given);
 *   - `checkInRejectMaLk: []` a file holding one of these MA_LK answers 205 naming it, as the
 *                             agency does for a record it refuses.
 * `answerCode` stays the card check's.
 *
 * Randomness and waiting are injected (`random`, `sleep`), so tests drive them without real delays.
 */
import { ConfigError } from '../errors.js';

export const FAIL_MODES = ['http500', 'hang', 'drop'] as const;
export type FailMode = (typeof FAIL_MODES)[number];
export const INJECTABLE_CODES = ['100', '101', '500'] as const;
export type InjectableCode = (typeof INJECTABLE_CODES)[number];
/** One scripted outcome: a failure, an injected code (card checks only), or a normal answer. */
export type ScriptedOutcome = FailMode | InjectableCode | 'ok';

export interface Latency {
  minMs: number;
  maxMs: number;
}

export interface FaultSettings {
  latency: Latency;
  failRate: number;
  failModes: FailMode[];
  answerCode: InjectableCode | null;
  next: ScriptedOutcome[];
  /** How a bad or expired token is answered: HTTP 200 with maKetQua "401" (default), or HTTP 401 (same body). */
  authFailureAs: AuthFailureAs;
  /** Every Nth check-in submission answers "500" (0: never). */
  checkInFailEvery: number;
  /** MA_LK the check-in endpoint refuses (205). */
  checkInRejectMaLk: string[];
}

export const AUTH_FAILURE_AS = ['body', 'http'] as const;
export type AuthFailureAs = (typeof AUTH_FAILURE_AS)[number];

export const MAX_LATENCY_MS = 600_000;
/** Bounds of the check-in faults (a control request stays small). */
export const MAX_REJECT_MA_LK = 10_000;
const MAX_MA_LK_CHARS = 100;
const MAX_FAIL_EVERY = 1_000_000;

export function defaultFaultSettings(): FaultSettings {
  return {
    latency: { minMs: 0, maxMs: 0 },
    failRate: 0,
    failModes: [...FAIL_MODES],
    answerCode: null,
    next: [],
    authFailureAs: 'body',
    checkInFailEvery: 0,
    checkInRejectMaLk: [],
  };
}

/** `3000` (fixed) or `500-5000` (uniform), milliseconds. Throws a one-line message. */
export function parseLatency(text: string): Latency {
  const m = /^\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?$/.exec(text);
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || min > max || max > MAX_LATENCY_MS) throw new Error(`must be milliseconds MS or a range MIN-MAX (0–${MAX_LATENCY_MS})`);
  return { minMs: min, maxMs: max };
}

export function parseFailRate(text: string | number): number {
  const r = typeof text === 'number' ? text : /^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(r) || r < 0 || r > 1) throw new Error('must be a fraction 0–1');
  return r;
}

export function parseFailModes(text: string | readonly unknown[]): FailMode[] {
  const list = typeof text === 'string' ? text.split(',').map((s) => s.trim()) : text;
  if (list.length === 0 || !list.every((m): m is FailMode => (FAIL_MODES as readonly unknown[]).includes(m)))
    throw new Error(`must be a list of ${FAIL_MODES.join(', ')}`);
  return [...new Set(list)];
}

/** Validates a partial update (from the control endpoint or a test). Throws ConfigError listing every problem. */
export function parseFaultUpdate(raw: unknown): Partial<FaultSettings> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(['fault settings: must be a JSON object']);
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  const out: Partial<FaultSettings> = {};
  const attempt = (name: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  };
  for (const k of Object.keys(o))
    if (!['latency', 'failRate', 'failModes', 'answerCode', 'next', 'authFailureAs', 'checkInFailEvery', 'checkInRejectMaLk'].includes(k))
      problems.push(`unknown setting "${k.slice(0, 40)}"`);
  if (o.latency !== undefined)
    attempt('latency', () => {
      if (typeof o.latency === 'string' || typeof o.latency === 'number') out.latency = parseLatency(String(o.latency));
      else {
        const l = o.latency as Partial<Latency> | null;
        out.latency = parseLatency(`${l?.minMs}-${l?.maxMs}`);
      }
    });
  if (o.failRate !== undefined)
    attempt('failRate', () => {
      if (typeof o.failRate !== 'number' && typeof o.failRate !== 'string') throw new Error('must be a fraction 0–1');
      out.failRate = parseFailRate(o.failRate);
    });
  if (o.failModes !== undefined)
    attempt('failModes', () => {
      if (typeof o.failModes !== 'string' && !Array.isArray(o.failModes)) throw new Error('must be a list');
      out.failModes = parseFailModes(o.failModes as string | unknown[]);
    });
  if (o.answerCode !== undefined) {
    if (o.answerCode === null || (INJECTABLE_CODES as readonly unknown[]).includes(o.answerCode))
      out.answerCode = o.answerCode as InjectableCode | null;
    else problems.push(`answerCode: must be null or one of ${INJECTABLE_CODES.join(', ')}`);
  }
  if (o.next !== undefined) {
    const all: readonly unknown[] = [...FAIL_MODES, ...INJECTABLE_CODES, 'ok'];
    if (Array.isArray(o.next) && o.next.length <= 1000 && o.next.every((x) => all.includes(x))) out.next = o.next as ScriptedOutcome[];
    else problems.push(`next: must be a list of ${all.join(', ')}`);
  }
  if (o.authFailureAs !== undefined) {
    if ((AUTH_FAILURE_AS as readonly unknown[]).includes(o.authFailureAs)) out.authFailureAs = o.authFailureAs as AuthFailureAs;
    else problems.push(`authFailureAs: must be ${AUTH_FAILURE_AS.join(' or ')}`);
  }
  if (o.checkInFailEvery !== undefined) {
    const n = o.checkInFailEvery;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_FAIL_EVERY) out.checkInFailEvery = n;
    else problems.push(`checkInFailEvery: must be a whole number 0–${MAX_FAIL_EVERY} (0 = off)`);
  }
  if (o.checkInRejectMaLk !== undefined) {
    const l = o.checkInRejectMaLk;
    if (
      Array.isArray(l) &&
      l.length <= MAX_REJECT_MA_LK &&
      l.every((x) => typeof x === 'string' && x.length > 0 && x.length <= MAX_MA_LK_CHARS)
    )
      out.checkInRejectMaLk = [...new Set(l as string[])];
    else problems.push(`checkInRejectMaLk: must be a list of at most ${MAX_REJECT_MA_LK} MA_LK (1–${MAX_MA_LK_CHARS} characters each)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

export interface CallPlan {
  delayMs: number;
  failure: FailMode | undefined;
  /** Card checks only: answer this maKetQua instead of looking the card up. */
  code: InjectableCode | undefined;
}

/** A number in [0, 1). */
export type RandomFraction = () => number;
export type Sleep = (ms: number) => Promise<void>;

export class PortalFaults {
  private settings: FaultSettings;
  /** Authenticated check-in submissions since checkInFailEvery was last given. */
  private checkInCalls = 0;

  constructor(
    initial: Partial<FaultSettings>,
    private readonly random: RandomFraction,
    readonly sleep: Sleep,
  ) {
    this.settings = { ...defaultFaultSettings(), ...initial };
  }

  get current(): FaultSettings {
    return {
      ...this.settings,
      latency: { ...this.settings.latency },
      failModes: [...this.settings.failModes],
      next: [...this.settings.next],
      checkInRejectMaLk: [...this.settings.checkInRejectMaLk],
    };
  }

  update(partial: Partial<FaultSettings>): FaultSettings {
    this.settings = { ...this.settings, ...partial };
    if (partial.checkInFailEvery !== undefined) this.checkInCalls = 0;
    return this.current;
  }

  /** Counts one authenticated check-in submission; true when it is the Nth and must answer "500". */
  checkInFailsNow(): boolean {
    const every = this.settings.checkInFailEvery;
    if (every <= 0) return false;
    this.checkInCalls++;
    return this.checkInCalls % every === 0;
  }

  /** The first of `maLks` the check-in faults refuse, if any. */
  checkInRejected(maLks: readonly string[]): string | undefined {
    const refused = this.settings.checkInRejectMaLk;
    if (refused.length === 0) return undefined;
    const set = new Set(refused);
    return maLks.find((m) => set.has(m));
  }

  /** True when something may fail or wait (the portal then logs a warning at start). */
  get active(): boolean {
    const s = this.settings;
    return (
      s.latency.maxMs > 0 ||
      s.failRate > 0 ||
      s.answerCode !== null ||
      s.next.length > 0 ||
      s.checkInFailEvery > 0 ||
      s.checkInRejectMaLk.length > 0
    );
  }

  /** What happens to the next /api/ call. Draws: latency, then (failRate > 0) fail?, then which mode. */
  plan(): CallPlan {
    const s = this.settings;
    const { minMs, maxMs } = s.latency;
    const delayMs = maxMs > minMs ? minMs + Math.floor(this.random() * (maxMs - minMs + 1)) : minMs;
    const scripted = s.next.shift();
    if (scripted !== undefined) {
      if (scripted === 'ok') return { delayMs, failure: undefined, code: s.answerCode ?? undefined };
      if ((FAIL_MODES as readonly string[]).includes(scripted)) return { delayMs, failure: scripted as FailMode, code: undefined };
      return { delayMs, failure: undefined, code: scripted as InjectableCode };
    }
    let failure: FailMode | undefined;
    if (s.failRate > 0 && this.random() < s.failRate) {
      failure = s.failModes[Math.min(s.failModes.length - 1, Math.floor(this.random() * s.failModes.length))];
    }
    return { delayMs, failure, code: s.answerCode ?? undefined };
  }
}
