/** The JSON shape of a visit for clients, built from a stored row. */
import type { CardFields } from '../wire/verification.js';
import type { Visit, VisitPortal } from '../wire/visit.js';
import type { VisitRow } from './chain.js';

export function toVisit(r: VisitRow, opts: { audit: boolean }): Visit {
  const v: Visit = {
    id: r.id,
    seq: r.seq,
    facility: r.facility,
    deskId: r.desk_id,
    operator: { username: r.operator, displayName: r.operator_name },
    recordedAt: new Date(r.recorded_at).toISOString(),
    checkedAt: r.checked_at,
    visitType: r.visit_type,
    verdict: r.verdict,
    code: r.code,
    reasonCodes: parseCodes(r.reason_codes),
    demo: r.demo === 1,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
  if (r.visit_category !== null) v.visitCategory = r.visit_category;
  if (r.review_note !== null) v.reviewNote = r.review_note;
  if (r.source !== null) v.source = r.source;
  if (r.card_json !== null) v.card = parseCard(r.card_json);
  if (r.issuer !== null) v.issuer = r.issuer;
  if (r.key_id !== null) v.keyId = r.key_id;
  if (r.rid !== null) v.rid = r.rid;
  if (r.card_check_id !== null) v.cardCheckId = r.card_check_id;
  if (r.portal_state !== null) {
    const p: VisitPortal = { state: r.portal_state };
    if (r.portal_code !== null) p.code = r.portal_code;
    if (r.portal_message !== null) p.message = r.portal_message;
    if (r.portal_checked_at !== null) p.checkedAt = new Date(r.portal_checked_at).toISOString();
    if (r.portal_latency_ms !== null) p.latencyMs = r.portal_latency_ms;
    v.portal = p;
  }
  if (opts.audit) {
    if (r.operator_cccd !== null) v.operator.cccd = r.operator_cccd;
    v.qrText = r.qr_text;
  }
  return v;
}

function parseCodes(s: string): string[] {
  try {
    const a = JSON.parse(s) as unknown;
    return Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseCard(s: string): CardFields | undefined {
  try {
    const c = JSON.parse(s) as unknown;
    return typeof c === 'object' && c !== null && !Array.isArray(c) ? c : undefined;
  } catch {
    return undefined;
  }
}
