/** Injected time and randomness: no module reads Date.now() or crypto.random* directly. */
import { randomBytes } from 'node:crypto';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock frozen at `ms` (tests); `set`/`advance` move it explicitly. */
export function fixedClock(ms: number | string | Date): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = typeof ms === 'number' ? ms : new Date(ms).getTime();
  return {
    now: () => t,
    set: (v: number) => {
      t = v;
    },
    advance: (d: number) => {
      t += d;
    },
  };
}

export interface Random {
  bytes(n: number): Buffer;
}

export const systemRandom: Random = { bytes: (n) => randomBytes(n) };
