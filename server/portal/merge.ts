/**
 * Merging the online check into a local verification result (the shape of /api/verify's result,
 * server/card/types.ts), pure:
 *
 * - pass (000, 004): the "look it up online" findings (UNSIGNED_LEGACY, ID_CARD_PRESENTED,
 *   MANUAL_ENTRY) are cleared (digital-card.md §4); 004 adds NEW_CARD_ISSUED (info).
 * - review / reject: the table's reason goes first, carrying the portal's number, so it is the
 *   primary code; the local findings stay.
 * - 205 → PORTAL_REQUEST_INVALID, an unknown code → PORTAL_CODE_UNKNOWN (warnings).
 * - config (054/055/401/HTTP 4xx) → PORTAL_CONFIG_ERROR, unavailable → PORTAL_UNAVAILABLE
 *   (warnings, so a person decides); the local findings stay, nothing is cleared.
 *
 * Local errors are never cleared by an online pass: the kiosk's own findings (a printed end date
 * in the past, a bad signature in `all` mode) still reject, and the desk sees both. The verdict is
 * recomputed with the verifier's rule (any error → rejected, else any warning → needs_review,
 * else accepted); `portalCode` is the portal's number whenever it answered one, else the
 * primary reason's.
 */
import { reason } from '../card/reasons.js';
import type { CardCheckReply } from '../wire/portal.js';
import type { CardFields, Reason, VerifyResult } from '../wire/verification.js';
import type { PortalOutcome } from './outcome.js';
import type { ManualEntry } from './request.js';
import { isoFromPortalDate, summaryFromOutcome, type PortalState, type PortalSummary } from './summary.js';
import { CLEARED_BY_PASS, portalVerdictRow } from './verdicts.js';

export type PortalCheckedResult = VerifyResult & { portal: PortalSummary };

/** Verdict, primary code and its portal number from the findings (the verifier's rule). */
function decide(reasons: Reason[]): Pick<VerifyResult, 'verdict' | 'code' | 'portalCode'> {
  const error = reasons.find((r) => r.severity === 'error');
  const warning = reasons.find((r) => r.severity === 'warning');
  const primary = error ?? warning ?? reasons.find((r) => r.severity === 'info');
  const out: Pick<VerifyResult, 'verdict' | 'code' | 'portalCode'> = {
    verdict: error ? 'rejected' : warning ? 'needs_review' : 'accepted',
    code: primary ? primary.code : 'OK',
  };
  const portalCode = primary ? primary.portalCode : '000';
  if (portalCode !== undefined) out.portalCode = portalCode;
  return out;
}

function rebuild(local: VerifyResult, reasons: Reason[], portal: PortalSummary, answered?: string): PortalCheckedResult {
  const { verdict, code, portalCode } = decide(reasons);
  const out: PortalCheckedResult = { ...local, verdict, code, reasons, portal };
  delete out.portalCode;
  const number = answered ?? portalCode;
  if (number !== undefined) out.portalCode = number;
  return out;
}

/** The portal's outcome merged into `local`; `local` is not modified. */
export function mergePortalOutcome(local: VerifyResult, outcome: PortalOutcome): PortalCheckedResult {
  const summary = summaryFromOutcome(outcome, local.card);
  const kept = local.reasons.map((r) => ({ ...r }));
  if (outcome.kind === 'unavailable') return rebuild(local, [reason('PORTAL_UNAVAILABLE'), ...kept], summary);
  if (outcome.kind === 'config') return rebuild(local, [reason('PORTAL_CONFIG_ERROR', { portalCode: outcome.code }), ...kept], summary);

  const code = outcome.code;
  const row = portalVerdictRow(code);
  if (row === undefined) return rebuild(local, [reason('PORTAL_CODE_UNKNOWN', { portalCode: code }), ...kept], summary, code);
  switch (row.kind) {
    case 'pass': {
      const rest = kept.filter((r) => !CLEARED_BY_PASS.includes(r.code));
      const note = row.reason ? [reason(row.reason, { portalCode: code })] : [];
      return rebuild({ ...local, card: completeCard(local.card, outcome.reply) }, [...rest, ...note], summary, code);
    }
    case 'review':
    case 'reject':
    case 'input': {
      const r = reason(row.reason ?? 'PORTAL_CODE_UNKNOWN', { portalCode: code });
      if (row.severity) r.severity = row.severity;
      return rebuild(local, [r, ...kept], summary, code);
    }
    default:
      // config / retry / auth rows reach here only if a client hands over such an answer
      // unclassified: treat them as what they are for the desk.
      if (row.kind === 'config' || row.kind === 'auth')
        return rebuild(local, [reason('PORTAL_CONFIG_ERROR', { portalCode: code }), ...kept], { ...summary, state: 'config' });
      return rebuild(local, [reason('PORTAL_UNAVAILABLE', { portalCode: code }), ...kept], { ...summary, state: 'unavailable' });
  }
}

/**
 * The insurance fields a confirmed card lacks, from the agency's record (a pass only): a chip ID
 * card or a typed-in ID number carries no card number or mã số BHXH, yet the visit needs them
 * (the medical-history store books visits by mã số BHXH, the check-in record names the card).
 * What the card itself says is never overwritten: only missing fields are filled.
 */
function completeCard(card: CardFields | undefined, reply: CardCheckReply): CardFields {
  const out: CardFields = { ...card };
  const fill = <K extends keyof CardFields>(key: K, value: CardFields[K] | null | undefined) => {
    if (out[key] === undefined && value !== undefined && value !== null && value !== '') out[key] = value;
  };
  fill('maSoBhxh', reply.maSoBHXH);
  fill('cardNumber', reply.maThe && reply.maThe.length !== 12 ? reply.maThe : undefined);
  fill('fullName', reply.hoTen);
  fill('registeredFacility', reply.maDKBD);
  fill('validFrom', isoFromPortalDate(reply.gtTheTu));
  fill('validTo', isoFromPortalDate(reply.gtTheDen));
  fill('fiveYearDate', isoFromPortalDate(reply.ngayDu5Nam));
  return out;
}

/** `local` with a portal state and nothing merged (pending, not_needed, off). */
export function withPortalState(local: VerifyResult, state: Extract<PortalState, 'pending' | 'not_needed' | 'off'>): PortalCheckedResult {
  return { ...local, portal: { state } };
}

/**
 * The local result of a receptionist's typed entry: nothing was verified, so MANUAL_ENTRY
 * (warning) until the portal answers. No `source` (not a scanned QR) and no checks ran.
 */
export function manualEntryResult(entry: ManualEntry, nowMs: number): VerifyResult {
  const card: VerifyResult['card'] = {};
  const number = entry.cardNumber?.replace(/\s+/g, '').toUpperCase();
  if (number) card.cardNumber = number;
  else if (entry.cccd?.trim()) card.idNumber = entry.cccd.trim();
  const name = entry.name.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name) card.fullName = name;
  if (entry.birthDate.trim()) card.birthDate = entry.birthDate.trim();
  const reasons = [reason('MANUAL_ENTRY')];
  return { ...decide(reasons), reasons, checks: [], card, checkedAt: new Date(nowMs).toISOString() };
}
