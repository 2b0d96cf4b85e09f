/**
 * The desk's answer when the portal gave none: the merged result of a check whose portal call
 * never finished (interrupted by a restart, aborted on shutdown: `unavailable`), and of one
 * refused before any request (`notSent`: the operator's record, `config` with
 * PORTAL_CONFIG_ERROR beside the local result; an unsendable card, `not_needed`).
 */
import { reason } from '../card/reasons.js';
import type { PortalRequestError } from '../portal/errors.js';
import { mergePortalOutcome, type PortalCheckedResult } from '../portal/merge.js';
import type { PortalOutcome } from '../portal/outcome.js';
import type { PortalSummary } from '../portal/summary.js';
import type { VerifyResult } from '../wire/verification.js';

/** The merged result of a check whose portal call never finished (interrupted, aborted). */
export function interrupted(local: VerifyResult, startedAt: number, at: number): PortalCheckedResult {
  const outcome: PortalOutcome = {
    kind: 'unavailable',
    cause: 'aborted',
    attempts: 0,
    renewals: 0,
    latencyMs: Math.max(0, at - startedAt),
    startedAt,
    checkedAt: at,
  };
  return mergePortalOutcome(local, outcome);
}

/** The local result with a refusal that happened before any request (operator's record, unsendable card). */
export function notSent(local: VerifyResult, err: PortalRequestError, at: number): PortalCheckedResult {
  const operatorProblem = err.code.startsWith('OPERATOR_');
  const summary: PortalSummary = {
    state: operatorProblem ? 'config' : 'not_needed',
    code: err.code,
    message: err.message,
    checkedAt: new Date(at).toISOString(),
  };
  if (!operatorProblem) return { ...local, portal: summary };
  const reasons = [reason('PORTAL_CONFIG_ERROR'), ...local.reasons.map((r) => ({ ...r }))];
  const error = reasons.find((r) => r.severity === 'error');
  const warning = reasons.find((r) => r.severity === 'warning');
  const primary = error ?? warning ?? reasons[0]!;
  const out: PortalCheckedResult = {
    ...local,
    verdict: error ? 'rejected' : 'needs_review',
    code: primary.code,
    reasons,
    portal: summary,
  };
  delete out.portalCode;
  if (primary.portalCode !== undefined) out.portalCode = primary.portalCode;
  return out;
}
