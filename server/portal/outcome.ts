/**
 * What one online card check came to (PortalClient.check's answer). Three kinds, so the desk and
 * /api/status can tell them apart:
 * - `answer`: the portal understood and answered a result code (pass, review, reject, 205 or a
 *   code the kiosk does not know): the portal-verdict table decides;
 * - `config`: the facility's setup is wrong (054/055 staff ID, 401 after one token renewal, or an
 *   HTTP 403/404 from a wrong URL): never blamed on the patient;
 * - `unavailable`: no usable answer within the time budget (unreachable, time-out, 5xx or
 *   100/101/500 after the retries, a reply that is not the wire's shape, or the caller's abort).
 */
import type { CardCheckReply } from '../wire/portal.js';

export interface PortalCallStats {
  /** Card-check requests sent (token requests not counted). */
  attempts: number;
  /** Token renewals this call waited for (its own or one shared with other callers). */
  renewals: number;
  /** From the call to its outcome, ms (queue wait included). */
  latencyMs: number;
  /** When the call started and ended, ms since epoch (the injected clock). */
  startedAt: number;
  checkedAt: number;
}

export type UnavailableCause = 'timeout' | 'unreachable' | 'server_error' | 'bad_response' | 'aborted';

/** An outcome without its call statistics. */
export type PortalOutcomeBody =
  | { kind: 'answer'; code: string; reply: CardCheckReply }
  | { kind: 'config'; code: string; reply?: CardCheckReply }
  | { kind: 'unavailable'; cause: UnavailableCause; lastCode?: string };

export type PortalOutcome = PortalOutcomeBody & PortalCallStats;
