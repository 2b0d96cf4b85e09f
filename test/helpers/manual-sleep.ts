/**
 * An injected Sleep (server/lib/sleep.ts) for tests that must never wait for real time: every
 * wait is recorded with its length and ends when the test calls `expire()` (or its signal
 * aborts); `next()` resolves when the code under test next starts a wait.
 */
import type { Sleep } from '../../server/lib/sleep.js';

export interface ManualSleep {
  sleep: Sleep;
  /** The length of every wait asked for, in order. */
  waits: number[];
  /** Waits started and not ended yet. */
  pending(): number;
  /** Ends every pending wait. */
  expire(): void;
  /** Resolves at the next call of `sleep`. */
  next(): Promise<void>;
}

export function manualSleep(): ManualSleep {
  const waits: number[] = [];
  let open: Array<() => void> = [];
  const onSleep: Array<() => void> = [];
  return {
    waits,
    pending: () => open.length,
    expire() {
      const o = open;
      open = [];
      for (const r of o) r();
    },
    next: () => new Promise<void>((r) => onSleep.push(r)),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        waits.push(ms);
        for (const l of onSleep.splice(0)) l();
        if (signal.aborted) return resolve();
        const done = () => {
          open = open.filter((x) => x !== done);
          resolve();
        };
        open.push(done);
        signal.addEventListener('abort', done, { once: true });
      }),
  };
}
