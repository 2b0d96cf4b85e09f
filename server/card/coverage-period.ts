import { vietnamDay } from '../wire/vietnam-time.js';
import { reason } from './reasons.js';
import type { CardFields, Reason } from '../wire/verification.js';

/**
 * The coverage period (Giá trị sử dụng từ / đến) must contain today's Vietnam calendar day
 * (UTC+7). Both ends are inclusive days: the end date is valid through 23:59:59 local time and
 * invalid from local midnight. No end date is fine (newer cards print none; the credential's
 * `exp` bounds it). No grace period: the inpatient grace is decided at discharge, not at check-in.
 */
export function checkCoveragePeriod(card: Pick<CardFields, 'validFrom' | 'validTo'>, nowMs: number): Reason[] {
  if (card.validFrom === undefined && card.validTo === undefined) return [];
  const today = vietnamDay(nowMs);
  const out: Reason[] = [];
  if (card.validFrom !== undefined && today < card.validFrom) out.push(reason('CARD_NOT_YET_VALID'));
  if (card.validTo !== undefined && today > card.validTo) out.push(reason('CARD_EXPIRED'));
  return out;
}
