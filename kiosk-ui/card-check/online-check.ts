/**
 * The online card check's loop, without a DOM: POST /api/card-checks (the local findings at
 * once), then GET /api/card-checks/{id}?wait=… again and again while the portal is `pending`.
 * One AbortController per check: a new scan, the screen clearing, sign-out or "stop waiting"
 * cancels it, and nothing it fetched afterwards is reported. A lost connection is retried after a
 * pause (the check keeps running on the service); a refusal (4xx) ends the loop.
 */
import type { ApiOutcome } from '../api/client.js';
import type { VerifyResult } from '../../server/wire/verification.js';
import type { KioskStatus } from '../../server/wire/status.js';
import type { CardCheckRequest, CardCheckView, PortalHealth } from './types.js';

export interface CardCheckApi {
  start(req: CardCheckRequest, waitSec: number, signal: AbortSignal): Promise<ApiOutcome<CardCheckView>>;
  get(id: string, waitSec: number, signal: AbortSignal): Promise<ApiOutcome<CardCheckView>>;
}

export type CheckEvent =
  | { kind: 'view'; view: CardCheckView }
  /** The service refused the check (or could not be reached for the first request). */
  | { kind: 'failed'; status: number; code: string; field?: string };

export interface OnlineCheckOptions {
  /** `?wait=` of each GET (seconds, ≤ 60). */
  pollWaitSec?: number;
  /** `?wait=` of the first POST: 0 shows the local findings at once. */
  firstWaitSec?: number;
  /** Pause before asking again after a lost connection or a 5xx. */
  retryMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class OnlineCheck {
  readonly #abort = new AbortController();
  readonly #opts: Required<OnlineCheckOptions>;

  constructor(
    private readonly api: CardCheckApi,
    private readonly onEvent: (e: CheckEvent) => void,
    opts: OnlineCheckOptions = {},
  ) {
    this.#opts = { pollWaitSec: 20, firstWaitSec: 0, retryMs: 2000, sleep: defaultSleep, ...opts };
  }

  get cancelled(): boolean {
    return this.#abort.signal.aborted;
  }

  cancel(): void {
    this.#abort.abort();
  }

  /** Runs until the portal answered, the service refused, or cancel(). Never throws. */
  async run(req: CardCheckRequest): Promise<void> {
    const signal = this.#abort.signal;
    const first = await this.api.start(req, this.#opts.firstWaitSec, signal);
    if (signal.aborted) return;
    if (!first.ok) {
      const field = typeof first.problem.field === 'string' ? first.problem.field : undefined;
      this.onEvent({ kind: 'failed', status: first.status, code: first.code, ...(field !== undefined ? { field } : {}) });
      return;
    }
    this.onEvent({ kind: 'view', view: first.body });
    const id = first.body.id;
    let state = first.body.portal?.state;
    while (state === 'pending' && !signal.aborted) {
      const res = await this.api.get(id, this.#opts.pollWaitSec, signal);
      if (signal.aborted) return;
      if (res.ok) {
        this.onEvent({ kind: 'view', view: res.body });
        state = res.body.portal?.state;
      } else if (res.status === 0 || res.status >= 500) {
        await this.#opts.sleep(this.#opts.retryMs, signal);
      } else {
        this.onEvent({ kind: 'failed', status: res.status, code: res.code });
        return;
      }
    }
  }
}

/** How the portal is doing per /api/status: `off` when the service has no portal (or says nothing). */
export function portalHealth(status: KioskStatus | undefined): PortalHealth {
  const p = status?.portal;
  return p && p.enabled !== false ? (p.state ?? 'off') : 'off';
}

/**
 * Whether this result goes through the online check: a portal is configured, and the card is a
 * legacy paper card or a chip ID card (manual entries always are), or any signed card under
 * KIOSK_PORTAL_CHECK=all.
 */
export function needsOnlineCheck(result: VerifyResult, status: KioskStatus | undefined): boolean {
  if (portalHealth(status) === 'off') return false;
  if (result.source === 'legacy-unsigned' || result.source === 'id-card') return true;
  return status?.portal?.checkMode === 'all' && result.source === 'signed';
}
