/**
 * The kiosk database schema, as migrations. Append new migrations at the end; never edit one
 * that has shipped (a database records which versions it has applied).
 *
 * Times are integers, milliseconds since the epoch (UTC). Visits are append-only: triggers refuse
 * UPDATE and DELETE, and every row is linked into a SHA-256 hash chain (server/visits/chain.ts).
 */
import type { Migration } from './migrate.js';

export const KIOSK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, visits, outbox, idempotency, audit reads',
    sql: `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  cccd TEXT,
  role TEXT NOT NULL CHECK (role IN ('receptionist', 'auditor', 'admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE visits (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  facility TEXT NOT NULL,
  desk_id TEXT NOT NULL,
  operator TEXT NOT NULL,
  operator_name TEXT NOT NULL,
  operator_cccd TEXT,
  recorded_at INTEGER NOT NULL,
  checked_at TEXT NOT NULL,
  visit_type TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'needs_review', 'rejected')),
  code TEXT NOT NULL,
  reason_codes TEXT NOT NULL,
  review_note TEXT,
  source TEXT,
  card_key TEXT NOT NULL,
  card_number TEXT,
  ma_so_bhxh TEXT,
  card_json TEXT,
  issuer TEXT,
  key_id TEXT,
  rid TEXT,
  demo INTEGER NOT NULL DEFAULT 0,
  qr_text TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Few indexes on purpose: every index is pages written per check-in (the hot path). Auditor
-- queries walk seq (time-ordered) and are rare; the card lookups an inspector does are indexed.
CREATE INDEX visits_card_window ON visits (facility, card_key, recorded_at);
CREATE INDEX visits_card_number ON visits (card_number) WHERE card_number IS NOT NULL;
CREATE INDEX visits_bhxh ON visits (ma_so_bhxh) WHERE ma_so_bhxh IS NOT NULL;

CREATE TRIGGER visits_no_update BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'visits are append-only'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visits are append-only'); END;

-- Work for the sync worker: one row per recorded visit (accepted / needs_review), written in the
-- same transaction as the visit, so a crash can never record a visit and forget to send it.
CREATE TABLE sync_outbox (
  visit_seq INTEGER PRIMARY KEY REFERENCES visits(seq),
  visit_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'parked')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER,
  parked_reason TEXT
);
CREATE INDEX sync_outbox_state ON sync_outbox (state, visit_seq);

-- Idempotency-Key: the first answer to (operator, key) is the answer forever.
CREATE TABLE idempotency_keys (
  operator TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  visit_seq INTEGER NOT NULL REFERENCES visits(seq),
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (operator, key)
);

-- Every auditor read, itself append-only.
CREATE TABLE audit_reads (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  username TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  filter TEXT NOT NULL
);
CREATE TRIGGER audit_reads_no_update BEFORE UPDATE ON audit_reads
BEGIN SELECT RAISE(ABORT, 'audit reads are append-only'); END;
CREATE TRIGGER audit_reads_no_delete BEFORE DELETE ON audit_reads
BEGIN SELECT RAISE(ABORT, 'audit reads are append-only'); END;
`,
  },
];
