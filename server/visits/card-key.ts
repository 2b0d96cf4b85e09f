import { createHash } from 'node:crypto';
import type { CardFields } from '../wire/verification.js';

/**
 * What makes "the same card" for the duplicate-visit rule: the card number, else the mã số BHXH,
 * else the chip ID number, else a hash of the raw QR text (never the text itself: keys are
 * indexed and compared, the QR is kept once in its own column).
 */
export function cardKey(card: CardFields | undefined, qrText: string): string {
  if (card?.cardNumber) return `card:${card.cardNumber.toUpperCase()}`;
  if (card?.maSoBhxh) return `bhxh:${card.maSoBhxh}`;
  if (card?.idNumber) return `cccd:${card.idNumber}`;
  return `qr:${createHash('sha256').update(qrText, 'utf8').digest('hex')}`;
}
