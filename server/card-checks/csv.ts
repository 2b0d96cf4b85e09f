/**
 * CSV of GET /api/audit/card-checks.csv: the auditor's projection of each check (no name, birth
 * date, address or QR; the patient's CCCD masked) with its re-check, quoted and defused like the
 * visit log's CSV (server/audit/csv.ts). Write BOM, then CARD_CHECK_CSV_HEADER, then one
 * cardCheckCsvLine per row of CardCheckQueries.searchAll.
 */
import { csvLine } from '../audit/csv.js';
import { vietnamTimestamp } from '../wire/vietnam-time.js';
import type { CardCheckAuditRow } from './records.js';

export const CARD_CHECK_CSV_HEADER = csvLine([
  'id',
  'created_at_vn',
  'answered_at_vn',
  'facility',
  'desk',
  'operator',
  'operator_name',
  'source',
  'card_number',
  'ma_so_bhxh',
  'cccd_masked',
  'local_verdict',
  'local_code',
  'verdict',
  'code',
  'reason_codes',
  'portal_state',
  'portal_code',
  'portal_message',
  'latency_ms',
  'attempts',
  'visit_id',
  'recheck_at_vn',
  'recheck_state',
  'recheck_portal_code',
  'recheck_verdict',
  'recheck_flagged',
]);

export function cardCheckCsvLine(r: CardCheckAuditRow): string {
  return csvLine([
    r.id,
    vietnamTimestamp(r.createdAt),
    r.answeredAt === null ? null : vietnamTimestamp(r.answeredAt),
    r.facility,
    r.deskId,
    r.operator,
    r.operatorName,
    r.source,
    r.cardNumber,
    r.maSoBhxh,
    r.cccdMasked,
    r.localVerdict,
    r.localCode,
    r.verdict,
    r.code,
    r.reasonCodes.join(' '),
    r.portalState,
    r.portalCode,
    r.portalMessage,
    r.latencyMs,
    r.attempts,
    r.visitId,
    r.recheck ? vietnamTimestamp(r.recheck.at) : null,
    r.recheck?.state,
    r.recheck?.portalCode,
    r.recheck?.verdict,
    r.recheck ? r.recheck.flagged : null,
  ]);
}
