/**
 * Exponential backoff with full jitter (a uniformly random wait between zero and the capped
 * exponential), so many kiosks coming back online after an outage do not hit the store in step.
 */
import type { Random } from '../clock.js';

/** A uniform number in [0, 1) from the injected randomness (48 bits). */
export function uniform(random: Random): number {
  return random.bytes(6).readUIntBE(0, 6) / 2 ** 48;
}

/** Wait before retry number `failures` (1 = after the first failure). */
export function backoffDelayMs(failures: number, opts: { baseMs: number; maxMs: number }, random: Random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.floor(uniform(random) * exp);
}
