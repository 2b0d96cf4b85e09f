/**
 * Shapes exchanged with the kiosk service (docs/helpers-brief.md, "HTTP API contract"). The
 * verify result is the server's own type, imported type-only so the bundle carries no server code.
 */
export type { VerifyResult, Reason, ReasonCode, CardFields, Verdict, Severity } from '../../server/card/types.js';

export interface StatusSync {
  enabled?: boolean;
  pending?: number;
  oldestPendingAgeSec?: number | null;
  lastSuccessAt?: string | null;
  lastError?: unknown;
  parked?: number;
}

export interface KioskStatus {
  service: string;
  version: string;
  now: string;
  facility: string;
  deskId: string;
  demo: boolean;
  warnings: string[];
  ui?: { resultClearSec?: number };
  trust?: { updatedAt?: string; ageSec?: number; crlAgeSec?: number; maxAgeSec?: number; stale?: boolean; demo?: boolean };
  sync?: StatusSync;
}

export interface SessionUser {
  username: string;
  displayName?: string;
  role?: string;
  deskId?: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  [extra: string]: unknown;
}

/** A visit as GET /api/visits/recent returns it (the receptionist's view). */
export type { Visit as RecentVisit } from '../../server/visits/visit-view.js';
