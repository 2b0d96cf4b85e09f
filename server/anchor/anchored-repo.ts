/**
 * The kiosk's memory of the checkpoints the store accepted (table `anchored_checkpoints`): written
 * by the anchor, read by the anchor's status and the auditor's integrity view. The store's copy is
 * the one that counts (`audit verify --store`); this one tells the auditor how fresh the anchor is.
 */
import type { Queryable } from '../db/database.js';
import type { ChainHeadClaim } from '../wire/checkpoints.js';

export interface AnchoredView {
  visits: ChainHeadClaim;
  cardChecks: ChainHeadClaim;
  signedAt: number;
  anchoredAt: number;
}

export async function lastAnchored(q: Queryable): Promise<AnchoredView | undefined> {
  const t = await q.get<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'anchored_checkpoints'");
  if (!t || t.n === 0) return undefined;
  const r = await q.get<{ vs: number; vh: string; cs: number; ch: string; signed_at: number; anchored_at: number }>(
    `SELECT visit_seq AS vs, visit_hash AS vh, card_check_seq AS cs, card_check_hash AS ch, signed_at, anchored_at
       FROM anchored_checkpoints ORDER BY anchored_at DESC, visit_seq DESC, card_check_seq DESC LIMIT 1`,
  );
  return r
    ? { visits: { seq: r.vs, hash: r.vh }, cardChecks: { seq: r.cs, hash: r.ch }, signedAt: r.signed_at, anchoredAt: r.anchored_at }
    : undefined;
}

export async function rememberAnchored(q: Queryable, a: AnchoredView): Promise<void> {
  await q.run(
    `INSERT INTO anchored_checkpoints (visit_seq, visit_hash, card_check_seq, card_check_hash, signed_at, anchored_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (visit_seq, card_check_seq) DO UPDATE SET signed_at = excluded.signed_at, anchored_at = excluded.anchored_at`,
    [a.visits.seq, a.visits.hash, a.cardChecks.seq, a.cardChecks.hash, a.signedAt, a.anchoredAt],
  );
}
