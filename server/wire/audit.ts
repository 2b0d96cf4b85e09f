/**
 * The auditor's API (/api/audit/*) as clients see it. Wire contract: imports nothing outside
 * server/wire/.
 */
import type { Verdict } from './verification.js';
import type { Visit, VisitRecheck } from './visit.js';

/** What an auditor sees of a visit's sync: no internal retry schedule, the outcome and why. */
export interface SyncView {
  /** none: never sent (a rejected attempt has no outbox row). */
  state: 'none' | 'pending' | 'sent' | 'parked';
  attempts?: number;
  sentAt?: string;
  lastError?: string;
  parkedReason?: string;
}

/** A visit as GET /api/audit/visits lists it. */
/** `recheck`: the visit's re-check, when it was checked in while the portal was unavailable and re-checked since. */
export type AuditVisit = Visit & { sync: SyncView; recheck?: VisitRecheck };

/** A keyset page: `nextCursor` continues, null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET /api/audit/visits. */
export type AuditVisitPage = Page<AuditVisit>;

/** One Vietnam day of GET /api/audit/summary (every day of the range, zeros included). */
export type SummaryDay = { day: string; total: number } & Record<Verdict, number>;

/** GET /api/audit/summary. */
export interface AuditSummary {
  from: string;
  to: string;
  days: SummaryDay[];
  totals: { total: number } & Record<Verdict, number>;
  topRejectReasons: Array<{ code: string; count: number }>;
}

/** GET /api/audit/integrity. */
export interface AuditIntegrity {
  /** Both logs intact and holding the last anchored checkpoint. */
  intact: boolean;
  /** The visit log's entries, head and hash (as before the card-check log existed). */
  count: number;
  headSeq: number;
  headHash: string;
  checkedAt: string;
  firstBrokenSeq?: number;
  /** The first problem: a visit-chain break (SEQ_GAP, HASH_MISMATCH, …), a card-check log one (RECORD_CHANGED, …) or CHECKPOINT_MISSING / CHECKPOINT_MISMATCH. */
  problem?: string;
  /** Which log `problem` is about (absent: the visit log). */
  brokenLog?: 'visits' | 'cardChecks';
  /** The card-check log (a hash chain over the card checks and re-checks). */
  cardChecks?: { intact: boolean; count: number; headSeq: number; headHash: string; problem?: string; firstBrokenSeq?: number };
  /** The anchor at the medical-history store: the last checkpoint it accepted and how fresh it is. */
  anchor?: {
    /** False when sync is off: there is no store to anchor at. */
    enabled: boolean;
    lastCheckpoint: {
      visits: { seq: number; hash: string };
      cardChecks: { seq: number; hash: string };
      signedAt: string;
      anchoredAt: string;
      ageSec: number;
    } | null;
    /** Entries after the last checkpoint (not yet anchored). */
    notAnchored: { visits: number; cardChecks: number };
  };
}

/** One item of GET /api/audit/sync/parked. */
export type ParkedVisit = { visitId: string; seq: number } & SyncView;

/** One item of GET /api/audit/reads: who read what. */
export interface AuditRead {
  id: number;
  at: string;
  username: string;
  endpoint: string;
  filter: unknown;
}

/** GET /api/audit/reads. */
export interface AuditReads {
  items: AuditRead[];
}
