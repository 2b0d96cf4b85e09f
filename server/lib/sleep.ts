/**
 * The one abortable wait (the portal client's backoff, the desk's `?wait=S`, the re-check
 * worker's idle and backoff waits): `Sleep` is what tests inject so that no test waits for real
 * time.
 */

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
