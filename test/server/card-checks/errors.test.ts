/** CardCheckError and PortalRequestError are AppErrors: their codes are in the one problem table. */
import { describe, expect, it } from 'vitest';
import { CardCheckError, type CardCheckErrorCode } from '../../../server/card-checks/errors.js';
import { AppError } from '../../../server/errors.js';
import { PortalRequestError, type PortalRequestErrorCode } from '../../../server/portal/errors.js';
import { problemStatus } from '../../../server/wire/problem-codes.js';

describe('card-check and portal request errors', () => {
  it('map to the statuses the routes answer with; field is a problem member', () => {
    const statuses: Record<CardCheckErrorCode, number> = {
      CARD_CHECK_NOT_FOUND: 404,
      CARD_CHECK_NOT_YOURS: 403,
      CARD_CHECK_EXPIRED: 409,
      CARD_CHECK_USED: 409,
      CARD_CHECK_PENDING: 409,
      CARD_CHECK_INPUT_INVALID: 400,
      CARD_CHECK_CLOSED: 503,
    };
    for (const [code, status] of Object.entries(statuses) as Array<[CardCheckErrorCode, number]>) {
      const err = new CardCheckError(code, 'why', code === 'CARD_CHECK_INPUT_INVALID' ? 'manual.name' : undefined);
      expect(err).toBeInstanceOf(AppError);
      expect(problemStatus(err.code)).toBe(status);
    }
    expect(new CardCheckError('CARD_CHECK_INPUT_INVALID', 'why', 'qr').extra).toEqual({ field: 'qr' });
    expect(new CardCheckError('CARD_CHECK_USED', 'why').extra).toBeUndefined();
  });

  it('portal request refusals are 4xx', () => {
    const codes: PortalRequestErrorCode[] = [
      'OPERATOR_CCCD_MISSING',
      'OPERATOR_CCCD_INVALID',
      'OPERATOR_NAME_MISSING',
      'SUBJECT_NUMBER_INVALID',
      'SUBJECT_NAME_INVALID',
      'SUBJECT_BIRTH_DATE_INVALID',
      'SUBJECT_NOT_CHECKABLE',
    ];
    for (const code of codes) {
      const err = new PortalRequestError(code, 'why');
      expect(err).toBeInstanceOf(AppError);
      expect(err.name).toBe('PortalRequestError');
      expect(problemStatus(err.code)).toBeGreaterThanOrEqual(400);
      expect(problemStatus(err.code)).toBeLessThan(500);
    }
  });
});
