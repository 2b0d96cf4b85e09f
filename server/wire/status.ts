import type { AnchorStatus } from './checkpoints.js';
import type { CheckInReportSection } from './check-in-report.js';

/**
 * GET /api/status as clients see it: the kiosk screen's status bar and a hospital's monitoring.
 * No personal data. Wire contract: imports nothing outside server/wire/.
 */

/** Members every status carries. */
export interface KioskStatusCore {
  service: 'bhyt-kiosk';
  version: string;
  now: string;
  uptimeSec: number;
  facility: string;
  deskId: string;
  /** The bundled demo issuer is trusted: never acceptable at a real front desk. */
  demo: boolean;
  /**
   * DEMO_KEYS, TRUST_STALE, CLOCK_SUSPECT, TRUST_REFRESH_FAILED, SYNC_BEHIND, PORTAL_DOWN, PORTAL_CONFIG,
   * CHECKIN_REPORT_BEHIND (the oldest unsent check-in record is over an hour old), CHECKIN_REPORT_CONFIG
   * (the facility key or certificate is unusable: records wait), PLAIN_LAN (listening on the network
   * without TLS, allowed by KIOSK_ALLOW_PLAIN_LAN).
   */
  warnings: string[];
  ui: { resultClearSec: number };
  trust: TrustStatus;
}

export interface TrustStatus {
  updatedAt: string;
  ageSec: number;
  crlCheckedAt: string;
  crlAgeSec: number;
  maxAgeSec: number;
  stale: boolean;
  demo: boolean;
  issuers: Array<{
    iss: string;
    name: string;
    demo: boolean;
    keys: Array<{ kid: string; nbf?: number; exp?: number; revoked: boolean }>;
    revocationLists: Array<{ kid: string; ctr: number; entries: number }>;
  }>;
  refresh: {
    lastAttemptAt?: string;
    lastSuccessAt?: string;
    lastError?: { at?: string; code: string; problems: string[] };
  };
}

/** An outbox worker's state (sync to the store, the check-in report to the portal). */
export interface OutboxStatus {
  enabled: true;
  state: 'starting' | 'idle' | 'sending' | 'backoff' | 'stopped';
  pending: number;
  parked: number;
  oldestPendingAgeSec: number | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: { at: string; code: string; detail: string } | null;
  nextAttemptAt: string | null;
  consecutiveFailures: number;
}

/** `sync` while sync to the medical-history store is on. */
export type SyncStatus = OutboxStatus;

/**
 * `portal`: the agency portal's online card check as this kiosk sees it (no secrets, no patient
 * data). `state`: `off` (no KIOSK_PORTAL_URL), `unknown` (no answer since start), `reachable`,
 * `slow` (median latency of recent answers above 15 s), `down` (the last check got no answer),
 * `misconfigured` (the portal refused the facility's setup: 054/055/401, or an operator's record).
 */
export interface PortalStatus {
  enabled: boolean;
  state: 'off' | 'unknown' | 'reachable' | 'slow' | 'down' | 'misconfigured';
  /** Which results get the online check (KIOSK_PORTAL_CHECK). */
  checkMode?: 'unsigned' | 'all';
  /** Card checks waiting for the portal now. */
  inFlight: number;
  lastAnswer: { at: string; state: string; code?: string; latencyMs?: number } | null;
  /** The last configuration problem the portal reported, until a check passes again. */
  configProblem?: { at: string; code: string } | null;
  /** Recent outcomes (the last 20): answered, unanswered, refused setup; median latency of answers. */
  recent: { done: number; unavailable: number; config: number; medianLatencyMs: number | null };
  /** Visits checked in while the portal was unavailable, not re-checked yet. */
  awaitingRecheck: number;
  recheck?: { running: boolean; failures: number; lastRound: { at: string; recorded: number; flagged: number; stopped?: string } | null };
}

/** Members a feature adds (the service's status sections), by name. */
export interface KioskStatusSections {
  sync: SyncStatus | { enabled: false };
  portal: PortalStatus;
  /** The check-in records reported to the agency's portal (server/wire/check-in-report.ts). */
  checkInReport: CheckInReportSection;
  /** The logs' checkpoints at the medical-history store (server/wire/checkpoints.ts). */
  anchor: AnchorStatus | { enabled: false };
}

export type KioskStatus = KioskStatusCore & Partial<KioskStatusSections>;
