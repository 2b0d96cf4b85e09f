import type { SessionUser } from '../server/wire/session.js';
import type { KioskStatus } from '../server/wire/status.js';

/** Typed CustomEvents the elements dispatch (all bubble and cross shadow roots). */

export type ScanSource = 'camera' | 'wedge' | 'paste';

export interface ScanDetail {
  text: string;
  source: ScanSource;
}

export interface CheckedInDetail {
  duplicate: boolean;
}

export interface SessionDetail {
  user: SessionUser | undefined;
}

export function scanEvent(detail: ScanDetail): CustomEvent<ScanDetail> {
  return new CustomEvent('kiosk-scan', { detail, bubbles: true, composed: true });
}

export function checkedInEvent(detail: CheckedInDetail): CustomEvent<CheckedInDetail> {
  return new CustomEvent('kiosk-checked-in', { detail, bubbles: true, composed: true });
}

export function sessionEvent(detail: SessionDetail): CustomEvent<SessionDetail> {
  return new CustomEvent('kiosk-session', { detail, bubbles: true, composed: true });
}

/** Fresh /api/status (or undefined when the service is unreachable). */
export function statusEvent(status: KioskStatus | undefined): CustomEvent<{ status: KioskStatus | undefined }> {
  return new CustomEvent('kiosk-status', { detail: { status }, bubbles: true, composed: true });
}

/** Any interaction inside the result area: restarts the auto-clear countdown. */
export function activityEvent(): CustomEvent<void> {
  return new CustomEvent('kiosk-activity', { bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'kiosk-scan': CustomEvent<ScanDetail>;
    'kiosk-checked-in': CustomEvent<CheckedInDetail>;
    'kiosk-session': CustomEvent<SessionDetail>;
    'kiosk-activity': CustomEvent<void>;
    'kiosk-status': CustomEvent<{ status: KioskStatus | undefined }>;
  }
}
