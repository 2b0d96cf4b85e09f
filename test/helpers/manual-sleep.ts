/**
 * An injected Sleep (server/lib/sleep.ts) for tests that must never wait for real time: every
 * wait is recorded with its length and ends when the test calls `expire()` (or its signal aborts).
 */
import type { Sleep } from '../../server/lib/sleep.js';

export function manualSleep(): { sleep: Sleep; waits: number[]; pending(): number; expire(): void } {
  const waits: number[] = [];
  let open: Array<() => void> = [];
  return {
    waits,
    pending: () => open.length,
    expire() {
      const o = open;
      open = [];
      for (const r of o) r();
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        waits.push(ms);
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
