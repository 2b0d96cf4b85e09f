/**
 * The online check as the service will call it (one function per kind of input), so the wiring
 * in server/app/ stays a few lines: policy → subject → client → merge.
 *
 * - no client configured → `off`; the policy says no → `not_needed`; a result with nothing to
 *   look up (no card was read: the local result already rejects it) → `not_needed`;
 * - an operator without an ID-card number (or name), or a scanned card whose name or birth date
 *   cannot be sent, rejects with PortalRequestError before any request (the route maps its code);
 * - otherwise the portal's outcome merged into the local result.
 */
import type { VerifyResult } from '../wire/verification.js';
import type { PortalClient } from './client.js';
import { PortalRequestError } from './errors.js';
import { manualEntryResult, mergePortalOutcome, withPortalState, type PortalCheckedResult } from './merge.js';
import { portalPolicy } from './options.js';
import { subjectFromManual, subjectFromResult, type CheckSubject, type ManualEntry, type PortalOperator } from './request.js';

export interface OnlineCheckOptions {
  signal?: AbortSignal;
}

/** The online check of a scanned card's local result (legacy, CCCD; signed cards in `all` mode). */
export async function checkScanned(
  client: PortalClient | undefined,
  local: VerifyResult,
  operator: PortalOperator,
  opts: OnlineCheckOptions = {},
): Promise<PortalCheckedResult> {
  if (client === undefined) return withPortalState(local, 'off');
  if (!portalPolicy(local.source, client.checkMode)) return withPortalState(local, 'not_needed');
  let subject: CheckSubject;
  try {
    subject = subjectFromResult(local);
  } catch (err) {
    if (err instanceof PortalRequestError && err.code === 'SUBJECT_NOT_CHECKABLE') return withPortalState(local, 'not_needed');
    throw err;
  }
  return mergePortalOutcome(local, await client.check(subject, operator, opts));
}

/** The online check of a receptionist's typed entry; without a portal it stays MANUAL_ENTRY (`off`). */
export async function checkManualEntry(
  client: PortalClient | undefined,
  entry: ManualEntry,
  operator: PortalOperator,
  nowMs: number,
  opts: OnlineCheckOptions = {},
): Promise<PortalCheckedResult> {
  const subject = subjectFromManual(entry);
  const local = manualEntryResult(entry, nowMs);
  if (client === undefined) return withPortalState(local, 'off');
  return mergePortalOutcome(local, await client.check(subject, operator, opts));
}
