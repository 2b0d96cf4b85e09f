/**
 * GET /api/status as clients see it: the kiosk screen's status bar and a hospital's monitoring.
 * No personal data. Wire contract: imports nothing.
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
  /** DEMO_KEYS, TRUST_STALE, CLOCK_SUSPECT, TRUST_REFRESH_FAILED, SYNC_BEHIND. */
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

/** `sync` while sync to the medical-history store is on. */
export interface SyncStatus {
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

/** Members a feature adds (the service's status sections), by name. */
export interface KioskStatusSections {
  sync: SyncStatus | { enabled: false };
}

export type KioskStatus = KioskStatusCore & Partial<KioskStatusSections>;
