/**
 * Card-check records for the tests that write them straight through the repository (the log, its
 * anchor, the settled events): an unsigned paper card checked at desk-1 by le.tan, waiting for the
 * portal, and the portal's "000" answer to it.
 */
import type { NewCardCheck } from '../../server/card-checks/records.js';
import type { PortalCheckedResult } from '../../server/portal/merge.js';
import type { VerifyResult } from '../../server/wire/verification.js';

export const unsignedLocal = (now: number): VerifyResult => ({
  verdict: 'needs_review',
  code: 'UNSIGNED_LEGACY',
  reasons: [{ code: 'UNSIGNED_LEGACY', severity: 'warning', message_vi: 'Thẻ không ký', message_en: 'Unsigned card' }],
  checks: [{ name: 'qr', ok: true }],
  checkedAt: new Date(now).toISOString(),
});

/** The portal's answer: the card exists and is valid (000), so the check is accepted. */
export const portalAccepted = (now: number): PortalCheckedResult => ({
  ...unsignedLocal(now),
  verdict: 'accepted',
  code: 'OK',
  reasons: [],
  portal: { state: 'done', code: '000', latencyMs: 42, attempts: 1 },
});

/** New card checks, one a millisecond after `now`, with ids `${idPrefix}-0000-7000-8000-<n>`. */
export function cardCheckMaker(now: number, idPrefix: string): (over?: Partial<NewCardCheck>) => NewCardCheck {
  let n = 0;
  return (over = {}) => {
    n++;
    return {
      id: `${idPrefix}-0000-7000-8000-${String(n).padStart(12, '0')}`,
      createdAt: now + n,
      facility: '12001',
      deskId: 'desk-1',
      operator: 'le.tan',
      operatorName: 'Lê Tân',
      operatorCccd: '001090000001',
      source: 'legacy-unsigned',
      cardNumber: 'HS4010123456789',
      maSoBhxh: '0123456789',
      cccd: null,
      local: unsignedLocal(now),
      result: { ...unsignedLocal(now), portal: { state: 'pending' } },
      qrText: 'HS4010123456789|Nguyễn Văn A|…',
      ...over,
    };
  };
}
