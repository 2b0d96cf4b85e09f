/**
 * Why a portal check could not even start: raised before any network call, with a stable code
 * the HTTP layer maps to a problem (a 4xx: the request or the operator's record is incomplete).
 * Messages name the field, never its value (no personal data).
 */
import { AppError } from '../errors.js';

export type PortalRequestErrorCode =
  /** The signed-in operator has no ID-card number: the 2024 check needs `cccdCb` (else 054). */
  | 'OPERATOR_CCCD_MISSING'
  /** The operator's ID-card number is not 12 digits. */
  | 'OPERATOR_CCCD_INVALID'
  /** The operator has no display name (`hoTenCb`, else 055). */
  | 'OPERATOR_NAME_MISSING'
  /** Neither a card number (15 characters or 10 digits) nor a 12-digit ID-card number. */
  | 'SUBJECT_NUMBER_INVALID'
  /** The patient's full name is missing or too long. */
  | 'SUBJECT_NAME_INVALID'
  /** The birth date is neither `YYYY-MM-DD` nor `YYYY`. */
  | 'SUBJECT_BIRTH_DATE_INVALID'
  /** The verification result carries nothing to look up (no card was read). */
  | 'SUBJECT_NOT_CHECKABLE';

/** An AppError (server/errors.ts): its code is in the one problem table (a 4xx), no HTTP status here. */
export class PortalRequestError extends AppError {
  declare readonly code: PortalRequestErrorCode;

  constructor(code: PortalRequestErrorCode, detail: string) {
    super(code, detail);
    this.name = 'PortalRequestError';
  }
}
