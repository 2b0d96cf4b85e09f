/**
 * Verifies the visit log in a database: walks the whole hash chain (chain.ts) and checks the
 * outbox's back-references and the append-only triggers. Read-only: used by the auditors'
 * integrity endpoint and by `audit verify` on a file the service may be using.
 */
import type { Database } from '../db/database.js';
import { ChainWalker, type IntegrityReport } from './chain.js';
import { VISIT_SELECT, visitFromRow } from './visit-record.js';

const WALK_BATCH = 1000;

/**
 * Walks the chain in batches (each batch its own queue job, so check-ins keep flowing during a
 * long walk).
 */
export async function verifyChain(db: Database): Promise<IntegrityReport> {
  const walker = new ChainWalker();
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = await db.all<{ seq: number; has_outbox: number }>(
      `SELECT ${VISIT_SELECT}, (o.visit_seq IS NOT NULL) AS has_outbox FROM visits v LEFT JOIN sync_outbox o ON o.visit_seq = v.seq WHERE v.seq > ? ORDER BY v.seq LIMIT ?`,
      [after, WALK_BATCH],
    );
    for (const r of rows) walker.add(visitFromRow(r), r.has_outbox === 1);
    if (rows.length < WALK_BATCH) break;
    after = rows[rows.length - 1]!.seq;
  }
  const report: IntegrityReport = { intact: true, count: walker.count, headSeq: walker.headSeq, headHash: walker.headHash };
  if (walker.firstBreak) {
    return {
      ...report,
      intact: false,
      firstBrokenSeq: walker.firstBreak.seq,
      problem: walker.firstBreak.kind,
      message: walker.firstBreak.message,
    };
  }
  // A sync record whose visit is gone: the visit was deleted (e.g. the last row, which no
  // later link would reveal).
  const orphan = await db.get<{ seq: number | null }>(
    'SELECT min(visit_seq) AS seq FROM sync_outbox WHERE visit_seq NOT IN (SELECT seq FROM visits)',
  );
  if (orphan?.seq != null) {
    return {
      ...report,
      intact: false,
      firstBrokenSeq: orphan.seq,
      problem: 'OUTBOX_ORPHAN',
      message: `row ${orphan.seq} was removed (its sync record remains)`,
    };
  }
  const triggers = await db.all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'",
  );
  const guards = ['visits_no_update', 'visits_no_delete'].filter((n) =>
    triggers.some((t) => t.name === n && /RAISE\s*\(\s*ABORT/i.test(t.sql)),
  );
  if (guards.length !== 2) {
    return {
      ...report,
      intact: false,
      problem: 'TRIGGERS_MISSING',
      message: 'the append-only triggers on visits were removed or altered',
    };
  }
  return report;
}
