/**
 * Checks a kiosk's logs against checkpoints recorded outside it: the store's (fetched with
 * `audit verify --store`) or ones written down (`--expect-hash-at SEQ:HASH`). Every checkpoint
 * must be present in the local log with the same hash: a cut tail lacks the latest, a rebuilt or
 * renumbered chain has another hash at an anchored sequence number. Read-only.
 */
import type { Queryable } from '../db/database.js';
import type { ChainHeadClaim } from '../wire/checkpoints.js';

export interface ExpectedHeads {
  /** Where the checkpoint came from, for the message ("the store's checkpoint signed at …"). */
  source: string;
  visits?: ChainHeadClaim;
  cardChecks?: ChainHeadClaim;
}

export type CheckpointProblem = 'CHECKPOINT_MISSING' | 'CHECKPOINT_MISMATCH';

export interface CheckpointFinding {
  problem: CheckpointProblem;
  log: 'visits' | 'cardChecks';
  seq: number;
  /** English, for the CLI. */
  message: string;
}

const LOGS = {
  visits: { table: 'visits', label: 'visit log' },
  cardChecks: { table: 'card_check_log', label: 'card-check log' },
} as const;

/** Parses `SEQ:HASH` (a visit-log checkpoint written down); undefined when malformed. */
export function parseHashAt(text: string): ChainHeadClaim | undefined {
  const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(text.trim());
  if (!m) return undefined;
  const seq = Number(m[1]);
  return seq >= 1 ? { seq, hash: m[2]!.toLowerCase() } : undefined;
}

/** The first checkpoint the local log contradicts, or undefined when it holds every one. */
export async function checkAgainst(q: Queryable, expected: readonly ExpectedHeads[]): Promise<CheckpointFinding | undefined> {
  const tables = new Set(
    (await q.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('visits', 'card_check_log')")).map(
      (t) => t.name,
    ),
  );
  for (const e of expected) {
    for (const log of ['visits', 'cardChecks'] as const) {
      const head = e[log];
      if (!head || head.seq === 0) continue;
      const { table, label } = LOGS[log];
      const row = tables.has(table) ? await q.get<{ hash: string }>(`SELECT hash FROM ${table} WHERE seq = ?`, [head.seq]) : undefined;
      if (!row) {
        return {
          problem: 'CHECKPOINT_MISSING',
          log,
          seq: head.seq,
          message: `the ${label} has no entry ${head.seq}, which ${e.source} holds (its end was cut off)`,
        };
      }
      if (row.hash !== head.hash) {
        return {
          problem: 'CHECKPOINT_MISMATCH',
          log,
          seq: head.seq,
          message: `the ${label}'s entry ${head.seq} has another hash than ${e.source} (the log was rewritten or renumbered)`,
        };
      }
    }
  }
  return undefined;
}
