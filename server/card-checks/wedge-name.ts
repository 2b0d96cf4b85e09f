/**
 * A chip ID-card QR typed by a keyboard-wedge scanner: the scanner types what a US keyboard can,
 * so every Vietnamese letter of the name is lost ("Nguyễn Đức Thiện" arrives as "Nguyn c Thin").
 * What survives is the ID number and the birth date (digits): the check relies on those, and on
 * the agency portal's record where a portal is configured; the typed name is never the name.
 *
 * - `wedgeLocal`: the local result without the name (`nameFrom: 'unreadable'`), and the typed text
 *   kept only to ask the portal (which requires a name).
 * - The portal is asked with the typed name first; a name mismatch (060/061) that carries the
 *   portal's record of that ID number is asked again with the portal's own name, so the portal
 *   itself compares the birth date (070 when it differs) and the card's state.
 * - `namedByPortal`: once the ID number and birth date matched (any answer but 060/061/070 with a
 *   name in it), the portal's name is the patient's name, marked `nameFrom: 'portal'`.
 * - The background re-check of a visit checked in while the portal was down asks the same way
 *   (`askWithUnreadableName`), with the typed name read back from the visit's scanned text
 *   (`typedNameOf`): the card check keeps neither once it is a visit.
 */
import { parseIdCardQr } from '../card/id-card-qr.js';
import type { PortalCheckedResult } from '../portal/merge.js';
import type { CheckSubject } from '../portal/request.js';
import type { PortalOutcome } from '../portal/outcome.js';
import type { VerifyResult } from '../wire/verification.js';

const NAME_MISMATCH = new Set(['060', '061']);
const IDENTITY_MISMATCH = new Set(['060', '061', '070']);

/** The local result of a wedge-typed chip ID-card QR without its name; undefined when not one. */
export function wedgeLocal(local: VerifyResult): { local: VerifyResult; typedName: string } | undefined {
  if (local.source !== 'id-card' || local.card?.fullName === undefined) return undefined;
  const { fullName, ...card } = local.card;
  return { local: { ...local, card: { ...card, nameFrom: 'unreadable' } }, typedName: fullName };
}

/** The portal's name for the ID number, when its answer was a name mismatch (ask again with it). */
export function portalNameToAskWith(outcome: PortalOutcome): string | undefined {
  if (outcome.kind !== 'answer' || !NAME_MISMATCH.has(outcome.code)) return undefined;
  const name = outcome.reply.hoTen?.trim();
  return name ? name : undefined;
}

/** The merged result with the portal's name as the patient's, once ID number and birth date matched. */
export function namedByPortal(merged: PortalCheckedResult, outcome: PortalOutcome): PortalCheckedResult {
  if (outcome.kind !== 'answer' || IDENTITY_MISMATCH.has(outcome.code)) return merged;
  const name = outcome.reply.hoTen?.trim();
  if (!name) return merged;
  return { ...merged, card: { ...merged.card, fullName: name, nameFrom: 'portal' } };
}

/**
 * Asks the portal about a wedge-typed ID card: with the typed name, then, when the answer is a
 * name mismatch carrying the portal's record, once more with the portal's name.
 */
export async function askWithUnreadableName(
  ask: (subject: CheckSubject) => Promise<PortalOutcome>,
  subject: CheckSubject,
): Promise<PortalOutcome> {
  const first = await ask(subject);
  const portalName = portalNameToAskWith(first);
  return portalName === undefined ? first : ask({ ...subject, fullName: portalName });
}

/** The name as the wedge typed it, read back from the scanned ID-card text; undefined when there is none. */
export function typedNameOf(qrText: string | undefined): string | undefined {
  if (qrText === undefined) return undefined;
  const parsed = parseIdCardQr(qrText);
  return parsed.ok ? parsed.card.fullName : undefined;
}
