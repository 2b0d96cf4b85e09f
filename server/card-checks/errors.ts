/**
 * Why a card-check request cannot be answered, with a stable code the HTTP layer maps to a
 * problem (its status: server/wire/problem-codes.ts; noted beside each code). Like PortalRequestError:
 * messages name the field or the rule, never a value (no personal data), and no HTTP status lives here.
 */
import { AppError } from '../errors.js';

export type CardCheckErrorCode =
  /** 404: no card check with this id (or not one this service recorded). */
  | 'CARD_CHECK_NOT_FOUND'
  /** 403: the check was made at another desk or by another operator. */
  | 'CARD_CHECK_NOT_YOURS'
  /** 409: the check is older than the check-in window: scan the card again. */
  | 'CARD_CHECK_EXPIRED'
  /** 409: the check already became a visit. */
  | 'CARD_CHECK_USED'
  /** 409: the portal has not answered yet: GET /api/card-checks/{id}?wait=S, then check in. */
  | 'CARD_CHECK_PENDING'
  /** 400: the request is neither `{qr}` nor `{manual}`, or a manual entry's field is unusable (see `field`). */
  | 'CARD_CHECK_INPUT_INVALID'
  /** 503: the service is shutting down. */
  | 'CARD_CHECK_CLOSED';

/** An AppError (server/errors.ts): its code is in the one problem table; `field` is also a problem member. */
export class CardCheckError extends AppError {
  declare readonly code: CardCheckErrorCode;

  constructor(
    code: CardCheckErrorCode,
    detail: string,
    /** The request member at fault, when there is one (`manual.name`, `qr`, …). */
    readonly field?: string,
  ) {
    super(code, detail, field !== undefined ? { field } : undefined);
    this.name = 'CardCheckError';
  }
}
