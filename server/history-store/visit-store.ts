/**
 * Storage behind the medical-history store's HTTP API. The reference implementation is SQLite
 * (sqlite-visit-store.ts); an agency deployment can put a server database behind the same
 * interface without touching the HTTP layer.
 */
import type { BookEntry, HistoryVisit, ItemResult } from '../wire/history-store.js';
import type { CheckpointLedger } from './checkpoint-ledger.js';

/** A validated item ready to store. */
export interface PreparedVisit {
  index: number;
  visit: HistoryVisit;
  contentHash: string;
  checkedInMs: number;
}

export interface FacilityQuery {
  facility: string;
  /** Inclusive lower bound on check-in time, epoch ms. */
  fromMs?: number;
  /** Exclusive upper bound on check-in time, epoch ms. */
  toMs?: number;
  limit: number;
  /** Keyset position: items strictly after (checkedInMs, id). */
  after?: { checkedInMs: number; id: string };
}

export interface StoredVisit extends HistoryVisit {
  checkedInMs: number;
  receivedAt: number;
}

export interface VisitStore {
  /** The kiosks' checkpoints (checkpoint-ledger.ts), in the same database. */
  readonly checkpoints: CheckpointLedger;
  /**
   * Stores the items in one transaction, idempotently by id: a new id is `stored`; an id already
   * held with the same canonical content is a `duplicate` (acknowledged, not stored twice); an id
   * held with different content is a `conflict`. Returns one result per item, in item order.
   */
  storeBatch(items: readonly PreparedVisit[], receivedAt: number): Promise<ItemResult[]>;
  /** One patient's visits in a Vietnam-time year, oldest first; optionally only one facility's. */
  patientBook(maSoBhxh: string, year: number, facility: string | undefined): Promise<BookEntry[]>;
  /** A facility's visits by (check-in time, id), for reconciliation. */
  facilityVisits(q: FacilityQuery): Promise<StoredVisit[]>;
  /** Number of visits held (tests). */
  count(): Promise<number>;
  /**
   * Readiness (GET /readyz): resolves when the database answers a query on every connection the
   * store serves from; rejects when it does not (closed, gone, refusing connections).
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}
