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
  {
    version: 2,
    name: 'card checks (every online check recorded) and visit re-checks',
    sql: `
-- One row per card check at the desk (POST /api/card-checks): who, when, which desk, which card,
-- the local verdict, and the portal's answer once it came (server/card-checks/). A check moves
-- pending → done / unavailable / config exactly once; the triggers below refuse any other change
-- of what was recorded. Rejected checks are rows too, whether or not they become visits.
CREATE TABLE card_checks (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  answered_at INTEGER,
  facility TEXT NOT NULL,
  desk_id TEXT NOT NULL,
  operator TEXT NOT NULL,
  operator_name TEXT NOT NULL,
  -- The staff member's ID number: the portal's check (and a later re-check) is done in their name.
  operator_cccd TEXT,
  source TEXT CHECK (source IS NULL OR source IN ('signed', 'legacy-unsigned', 'id-card', 'manual')),
  card_number TEXT,
  ma_so_bhxh TEXT,
  -- The patient's chip ID-card number when the check was by it (needed to re-check); auditors
  -- see it masked.
  cccd TEXT,
  local_verdict TEXT NOT NULL CHECK (local_verdict IN ('accepted', 'needs_review', 'rejected')),
  local_code TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'needs_review', 'rejected')),
  code TEXT NOT NULL,
  reason_codes TEXT NOT NULL,
  portal_state TEXT NOT NULL CHECK (portal_state IN ('pending', 'done', 'unavailable', 'config', 'not_needed', 'off')),
  portal_code TEXT,
  portal_message TEXT,
  latency_ms INTEGER,
  attempts INTEGER,
  local_json TEXT NOT NULL,
  result_json TEXT NOT NULL,
  -- The scanned text, kept only until the check becomes a visit (the visit row keeps it then).
  qr_text TEXT,
  visit_id TEXT UNIQUE,
  linked_at INTEGER
);
CREATE INDEX card_checks_time ON card_checks (created_at, id);
CREATE INDEX card_checks_verdict ON card_checks (verdict, created_at, id);
CREATE INDEX card_checks_operator ON card_checks (operator, created_at, id);
CREATE INDEX card_checks_desk ON card_checks (desk_id, created_at, id);
CREATE INDEX card_checks_portal_code ON card_checks (portal_code, created_at, id) WHERE portal_code IS NOT NULL;
CREATE INDEX card_checks_card_number ON card_checks (card_number) WHERE card_number IS NOT NULL;
CREATE INDEX card_checks_bhxh ON card_checks (ma_so_bhxh) WHERE ma_so_bhxh IS NOT NULL;
CREATE INDEX card_checks_pending ON card_checks (portal_state) WHERE portal_state = 'pending';
CREATE INDEX card_checks_recheck ON card_checks (created_at) WHERE portal_state = 'unavailable' AND visit_id IS NOT NULL;

CREATE TRIGGER card_checks_no_delete BEFORE DELETE ON card_checks
BEGIN SELECT RAISE(ABORT, 'card checks are kept'); END;
-- What was recorded at the desk never changes.
CREATE TRIGGER card_checks_fixed BEFORE UPDATE ON card_checks
WHEN NEW.id IS NOT OLD.id OR NEW.created_at IS NOT OLD.created_at OR NEW.facility IS NOT OLD.facility
  OR NEW.desk_id IS NOT OLD.desk_id OR NEW.operator IS NOT OLD.operator OR NEW.operator_name IS NOT OLD.operator_name
  OR NEW.operator_cccd IS NOT OLD.operator_cccd OR NEW.source IS NOT OLD.source OR NEW.card_number IS NOT OLD.card_number
  OR NEW.ma_so_bhxh IS NOT OLD.ma_so_bhxh OR NEW.cccd IS NOT OLD.cccd OR NEW.local_verdict IS NOT OLD.local_verdict
  OR NEW.local_code IS NOT OLD.local_code OR NEW.local_json IS NOT OLD.local_json
  OR (NEW.qr_text IS NOT OLD.qr_text AND NEW.qr_text IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'a card check''s desk record is fixed'); END;
-- The portal's answer is recorded once: pending → done / unavailable / config, never again.
CREATE TRIGGER card_checks_answer_once BEFORE UPDATE ON card_checks
WHEN OLD.portal_state != 'pending' AND (NEW.portal_state IS NOT OLD.portal_state OR NEW.portal_code IS NOT OLD.portal_code
  OR NEW.verdict IS NOT OLD.verdict OR NEW.code IS NOT OLD.code OR NEW.result_json IS NOT OLD.result_json
  OR NEW.answered_at IS NOT OLD.answered_at OR NEW.latency_ms IS NOT OLD.latency_ms)
BEGIN SELECT RAISE(ABORT, 'a card check''s portal answer is recorded once'); END;
CREATE TRIGGER card_checks_no_reanswer BEFORE UPDATE ON card_checks
WHEN OLD.portal_state = 'pending' AND NEW.portal_state NOT IN ('pending', 'done', 'unavailable', 'config')
BEGIN SELECT RAISE(ABORT, 'a pending card check ends done, unavailable or config'); END;
-- A check becomes at most one visit, once.
CREATE TRIGGER card_checks_link_once BEFORE UPDATE ON card_checks
WHEN OLD.visit_id IS NOT NULL AND (NEW.visit_id IS NOT OLD.visit_id OR NEW.linked_at IS NOT OLD.linked_at)
BEGIN SELECT RAISE(ABORT, 'a card check is linked to one visit'); END;

-- A visit checked in while the portal was unavailable, looked up again once it answers: the
-- outcome is a new record beside the visit (the chained visit row is never edited). A re-check
-- that comes back rejected (or cannot be done at all) is flagged for auditors.
CREATE TABLE visit_rechecks (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  visit_id TEXT NOT NULL,
  card_check_id TEXT NOT NULL REFERENCES card_checks(id),
  at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('done', 'not_checkable')),
  portal_code TEXT,
  portal_message TEXT,
  latency_ms INTEGER,
  attempts INTEGER,
  verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'needs_review', 'rejected')),
  code TEXT NOT NULL,
  reason_codes TEXT NOT NULL,
  flagged INTEGER NOT NULL CHECK (flagged IN (0, 1))
);
CREATE UNIQUE INDEX visit_rechecks_one ON visit_rechecks (card_check_id);
CREATE INDEX visit_rechecks_visit ON visit_rechecks (visit_id);
CREATE INDEX visit_rechecks_flagged ON visit_rechecks (seq) WHERE flagged = 1;
CREATE TRIGGER visit_rechecks_no_update BEFORE UPDATE ON visit_rechecks
BEGIN SELECT RAISE(ABORT, 'visit re-checks are append-only'); END;
CREATE TRIGGER visit_rechecks_no_delete BEFORE DELETE ON visit_rechecks
BEGIN SELECT RAISE(ABORT, 'visit re-checks are append-only'); END;
`,
  },
  {
    version: 3,
    name: 'visits record the online card check they were checked in with',
    sql: `
-- The card check a visit was checked in from (server/card-checks/) and the portal's answer as it
-- stood then. NULL on every visit without one and on every older row; the hash chain leaves a NULL
-- portal column out of a row's content, so rows written before this migration still verify.
ALTER TABLE visits ADD COLUMN card_check_id TEXT;
ALTER TABLE visits ADD COLUMN portal_state TEXT;
ALTER TABLE visits ADD COLUMN portal_code TEXT;
ALTER TABLE visits ADD COLUMN portal_message TEXT;
ALTER TABLE visits ADD COLUMN portal_checked_at INTEGER;
ALTER TABLE visits ADD COLUMN portal_latency_ms INTEGER;
CREATE INDEX visits_card_check ON visits (card_check_id) WHERE card_check_id IS NOT NULL;
`,
  },
  {
    version: 4,
    name: 'check-in records: the visit category, the second outbox (to the portal) and its receipts',
    sql: `
-- The visit category (MA_DOITUONG_KCB) the check-in record reports, as proposed or chosen at the
-- desk. NULL on older rows; the hash chain leaves it out of a row's content while NULL.
ALTER TABLE visits ADD COLUMN visit_category TEXT;

-- Work for the check-in reporter (server/check-in-report/): one row per recorded visit while the
-- report is on, written by the visit's own INSERT (a TEMP trigger, like sync_outbox's), so a
-- visit can never be recorded and its check-in record forgotten. Same states as sync_outbox.
CREATE TABLE checkin_outbox (
  visit_seq INTEGER PRIMARY KEY REFERENCES visits(seq),
  visit_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'parked')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER,
  parked_reason TEXT
);
CREATE INDEX checkin_outbox_state ON checkin_outbox (state, visit_seq);

-- The portal's receipt of a visit's check-in record: its transaction id (maGiaoDich, kept for
-- reconciliation) and receipt time, recorded once beside the visit, never changed.
CREATE TABLE checkin_receipts (
  visit_seq INTEGER PRIMARY KEY REFERENCES visits(seq),
  visit_id TEXT NOT NULL UNIQUE,
  portal_code TEXT NOT NULL CHECK (portal_code IN ('200', '201')),
  ma_giao_dich TEXT,
  -- thoiGianTiepNhan as the portal gave it (its own clock and format), and when the kiosk recorded it.
  received_at TEXT,
  recorded_at INTEGER NOT NULL
);
CREATE TRIGGER checkin_receipts_no_update BEFORE UPDATE ON checkin_receipts
BEGIN SELECT RAISE(ABORT, 'check-in receipts are append-only'); END;
CREATE TRIGGER checkin_receipts_no_delete BEFORE DELETE ON checkin_receipts
BEGIN SELECT RAISE(ABORT, 'check-in receipts are append-only'); END;
`,
  },
  {
    version: 5,
    name: 'users: last sign-in (the admin page shows it; sessions are deleted when they end)',
    sql: `
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
`,
  },
  {
    version: 6,
    name: 'card-check log (a hash chain over the card checks and re-checks), anchored checkpoints',
    sql: `
-- The card checks change as they live (answered, linked to a visit), so they are not chained
-- themselves: every write to card_checks or visit_rechecks appends one entry here, in the same
-- transaction, holding the hash of the record as it now is (server/card-checks/card-check-log.ts).
-- No personal data: only ids and hashes.
CREATE TABLE card_check_log (
  seq INTEGER PRIMARY KEY,
  record_kind TEXT NOT NULL CHECK (record_kind IN ('card_check', 'recheck')),
  record_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('recorded', 'answered', 'linked', 'adopted')),
  at INTEGER NOT NULL,
  record_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX card_check_log_record ON card_check_log (record_kind, record_id, seq);
CREATE TRIGGER card_check_log_no_update BEFORE UPDATE ON card_check_log
BEGIN SELECT RAISE(ABORT, 'the card-check log is append-only'); END;
CREATE TRIGGER card_check_log_no_delete BEFORE DELETE ON card_check_log
BEGIN SELECT RAISE(ABORT, 'the card-check log is append-only'); END;
-- The records written before this log existed are entered once, at the next start ('adopted').
CREATE TABLE card_check_log_adoption (pending INTEGER NOT NULL);
INSERT INTO card_check_log_adoption (pending) VALUES (1);

-- The checkpoints the medical-history store accepted (server/anchor/): the auditor page shows
-- the last one and its age. The store's copy is the one that counts; this is the kiosk's memory.
CREATE TABLE anchored_checkpoints (
  visit_seq INTEGER NOT NULL,
  visit_hash TEXT NOT NULL,
  card_check_seq INTEGER NOT NULL,
  card_check_hash TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  anchored_at INTEGER NOT NULL,
  PRIMARY KEY (visit_seq, card_check_seq)
);
`,
  },
];
