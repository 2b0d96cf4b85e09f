import type { SessionUser } from '../server/wire/session.js';
import type { KioskStatus } from '../server/wire/status.js';
import type { VerifyResult } from '../server/wire/verification.js';
import type { ManualEntryInput } from './card-check/types.js';

/** Typed CustomEvents the elements dispatch (all bubble and cross shadow roots). */

/** tray: reopened from the "chưa tiếp nhận" tray; serial: a USB serial scanner read by the service. */
export type ScanSource = 'camera' | 'wedge' | 'paste' | 'tray' | 'serial';

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

/** A card typed in by hand (no QR): looked up online like a scan. */
export interface ManualEntryDetail {
  entry: ManualEntryInput;
}

export function manualEntryEvent(detail: ManualEntryDetail): CustomEvent<ManualEntryDetail> {
  return new CustomEvent('kiosk-manual-entry', { detail, bubbles: true, composed: true });
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

export interface ReviewDetail {
  /** A review is under way (something ticked, or the receptionist stopped waiting for the portal). */
  open: boolean;
}

/** The check-in's review opened or closed: the screen does not clear itself while one is open. */
export function reviewEvent(detail: ReviewDetail): CustomEvent<ReviewDetail> {
  return new CustomEvent('kiosk-review', { detail, bubbles: true, composed: true });
}

/** The receptionist stops waiting for the portal and checks in under review. */
export function giveUpEvent(): CustomEvent<void> {
  return new CustomEvent('kiosk-give-up', { bubbles: true, composed: true });
}

/** Any interaction inside the result area: restarts the auto-clear countdown. */
export function activityEvent(): CustomEvent<void> {
  return new CustomEvent('kiosk-activity', { bubbles: true, composed: true });
}

/** The visit category and type the receptionist has chosen (or kept) for the card on screen. */
export interface VisitCodesDetail {
  /** MA_DOITUONG_KCB; undefined: let the server propose. */
  category: string | undefined;
  /** MA_LOAI_KCB. */
  type: string;
}

export function visitCodesEvent(detail: VisitCodesDetail): CustomEvent<VisitCodesDetail> {
  return new CustomEvent('kiosk-visit-codes', { detail, bubbles: true, composed: true });
}

/** A scanned patient not yet checked in, kept in the "chưa tiếp nhận" tray. */
export interface PendingPatient {
  id: string;
  result: VerifyResult;
  /** The scanned text (reopen re-verifies it); undefined for a typed-in card. */
  qr: string | undefined;
  /** The online card check it came from, when the portal answered for it. */
  cardCheckId: string | undefined;
  idempotencyKey: string;
  /** The QR was typed by a keyboard-wedge scanner (reopened as such: its ID card's name stays unused). */
  wedge?: boolean;
}

export interface TrayDetail {
  id: string;
  /** open: back on the main panel; dismiss: removed on purpose; done: checked in from the tray. */
  action: 'open' | 'dismiss' | 'done';
}

export function trayEvent(detail: TrayDetail): CustomEvent<TrayDetail> {
  return new CustomEvent('kiosk-tray', { detail, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'kiosk-visit-codes': CustomEvent<VisitCodesDetail>;
    'kiosk-scan': CustomEvent<ScanDetail>;
    'kiosk-checked-in': CustomEvent<CheckedInDetail>;
    'kiosk-session': CustomEvent<SessionDetail>;
    'kiosk-activity': CustomEvent<void>;
    'kiosk-status': CustomEvent<{ status: KioskStatus | undefined }>;
    'kiosk-review': CustomEvent<ReviewDetail>;
    'kiosk-give-up': CustomEvent<void>;
    'kiosk-manual-entry': CustomEvent<ManualEntryDetail>;
    'kiosk-tray': CustomEvent<TrayDetail>;
  }
}
