import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { getCardCheck, startCardCheck } from '../api/client.js';
import { OnlineCheck, type CheckEvent, type OnlineCheckOptions } from './online-check.js';
import type { CardCheckRequest, CardCheckView, PortalSummary } from './types.js';

/**
 * The kiosk screen's one online card check at a time (a Lit controller: the page renders its
 * state). `start` cancels the previous check; `reset` (screen cleared, sign-out, new scan) and
 * `giveUp` (the receptionist stops waiting) stop the polling. `onEvent` hears every answer of the
 * current check only, with `first` true for the answer to the POST.
 */
export class CardCheckController implements ReactiveController {
  id: string | undefined;
  portal: PortalSummary | undefined;
  /** performance.now() when the current check started. */
  startedAt = 0;
  /** The service refused the check (or could not be reached). */
  failedCode: string | undefined;
  gaveUp = false;
  /** The visit category the service proposes for the checked card (proposedVisitCategory). */
  proposedCategory: string | undefined;
  private current: OnlineCheck | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onEvent: (e: CheckEvent, first: boolean) => void,
    private readonly options: OnlineCheckOptions = {},
  ) {
    host.addController(this);
  }

  /** The portal has not answered (and the check did not fail). */
  get pending(): boolean {
    return this.portal?.state === 'pending' && this.failedCode === undefined;
  }

  /** A check is running and the receptionist is waiting for it: the screen must not clear. */
  get waiting(): boolean {
    return this.pending && !this.gaveUp;
  }

  /** A check was started for what is on screen (running, answered, failed or given up). */
  get started(): boolean {
    return this.current !== undefined || this.id !== undefined || this.failedCode !== undefined || this.gaveUp;
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** Starts a check (cancelling the one before); resolves when it has finished or was cancelled. */
  async start(req: CardCheckRequest): Promise<void> {
    this.reset();
    this.startedAt = performance.now();
    const check = new OnlineCheck(
      { start: startCardCheck, get: getCardCheck },
      (e) => {
        if (check !== this.current) return;
        const first = this.id === undefined && this.failedCode === undefined;
        if (e.kind === 'view') this.apply(e.view);
        else this.failedCode = e.code;
        this.host.requestUpdate();
        this.onEvent(e, first);
      },
      this.options,
    );
    this.current = check;
    await check.run(req);
    if (this.current === check) this.current = undefined;
  }

  giveUp(): void {
    this.current?.cancel();
    this.current = undefined;
    this.gaveUp = true;
    this.host.requestUpdate();
  }

  reset(): void {
    this.current?.cancel();
    this.current = undefined;
    this.id = undefined;
    this.portal = undefined;
    this.failedCode = undefined;
    this.gaveUp = false;
    this.proposedCategory = undefined;
    this.host.requestUpdate();
  }

  private apply(view: CardCheckView): void {
    this.id = view.id;
    this.portal = view.portal;
    this.proposedCategory = view.proposedVisitCategory;
  }
}
