import type { VerifyResult } from '../../server/wire/verification.js';

/**
 * A chip ID-card QR typed by a keyboard-wedge scanner has lost every Vietnamese letter of its name
 * ("Nguyn c Thin"): the screen never shows that as the patient's name. The verdict keeps the ID
 * number and birth date (what survives) and marks the name unreadable; with a portal, the card
 * check answers with the portal's name (`nameFrom: 'portal'`). The same rule as the service's
 * server/card-checks/wedge-name.ts, for POST /api/verify's instant verdict.
 */
export function withoutWedgeName(result: VerifyResult): VerifyResult {
  if (result.source !== 'id-card' || result.card?.fullName === undefined) return result;
  const { fullName: _typed, ...card } = result.card;
  return { ...result, card: { ...card, nameFrom: 'unreadable' } };
}
