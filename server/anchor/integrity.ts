/**
 * What the auditor's integrity view adds to the visit chain's own check: the card-check log,
 * the last checkpoint the store accepted (and whether the local logs still hold it: a cut or
 * rewritten log that left the kiosk's own record of its anchor in place is caught here at
 * once; the store's copy, `audit verify --store`, catches the rest).
 */
import type { Database } from '../db/database.js';
import { verifyCardCheckLog, type CardCheckLogReport } from '../card-checks/card-check-log-verifier.js';
import { lastAnchored, type AnchoredView } from './anchored-repo.js';
import { checkAgainst, type CheckpointFinding } from './log-check.js';

export interface AnchorIntegrity {
  /** Sync (and so the anchor) is on. */
  enabled: boolean;
  cardChecks: CardCheckLogReport;
  lastCheckpoint: AnchoredView | undefined;
  /** The local logs contradict the last accepted checkpoint. */
  finding: CheckpointFinding | undefined;
}

export async function anchorIntegrity(db: Database, enabled: boolean): Promise<AnchorIntegrity> {
  const cardChecks = await verifyCardCheckLog(db);
  const last = await lastAnchored(db);
  const finding = last
    ? await checkAgainst(db, [{ source: 'the last checkpoint the store accepted', visits: last.visits, cardChecks: last.cardChecks }])
    : undefined;
  return { enabled, cardChecks, lastCheckpoint: last, finding };
}
