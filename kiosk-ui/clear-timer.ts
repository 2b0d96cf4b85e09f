/**
 * The kiosk screen's auto-clear countdown: `arm(sec)` (re)starts it, reporting the whole seconds
 * left; at zero it calls `onExpire`. `stop()` stops it (also: paused while the portal is asked or a
 * review is open). `?clear=SECONDS` overrides the service's setting (tests, demos).
 */
export class ClearTimer {
  private tick: ReturnType<typeof setInterval> | undefined;
  private deadline = 0;

  constructor(
    private readonly onLeft: (sec: number | undefined) => void,
    private readonly onExpire: () => void,
  ) {}

  arm(sec: number): void {
    clearInterval(this.tick);
    this.deadline = performance.now() + sec * 1000;
    this.onLeft(Math.ceil(sec));
    this.tick = setInterval(
      () => {
        const left = (this.deadline - performance.now()) / 1000;
        if (left <= 0) this.onExpire();
        else this.onLeft(Math.ceil(left));
      },
      Math.min(1000, Math.max(100, sec * 250)),
    );
  }

  stop(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    this.onLeft(undefined);
  }
}

export function readClearOverride(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('clear');
  if (raw === null) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 && n <= 3600 ? n : undefined;
}
