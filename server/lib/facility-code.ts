/**
 * A health facility's code (mã cơ sở KCB): 5 characters, a 2-digit province code and 3 digits or
 * capital letters, e.g. 12001. The one rule for the kiosk's configuration, the card issuer, the
 * medical-history store's keys and visits, and the command lines.
 */
export const FACILITY_CODE = /^[0-9]{2}[0-9A-Z]{3}$/;

export function isFacilityCode(s: unknown): s is string {
  return typeof s === 'string' && FACILITY_CODE.test(s);
}
