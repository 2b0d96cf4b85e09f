/**
 * A visit's content as the visit writer takes it, for the tests that write visits straight to the
 * log: visit n gets a UUIDv7-shaped id, recorded_at 1000 + n and card key `card:n`, signed and
 * accepted; overrides replace any column.
 */
import type { NewVisit } from '../../server/visits/visit-writer.js';

export function visitContent(n: number, overrides: Partial<NewVisit> = {}): NewVisit {
  return {
    id: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    facility: '12001',
    desk_id: 'desk-1',
    operator: 'a',
    operator_name: 'A',
    operator_cccd: null,
    recorded_at: 1000 + n,
    checked_at: 'x',
    visit_type: '01',
    verdict: 'accepted',
    code: 'OK',
    reason_codes: '["OK"]',
    review_note: null,
    source: 'signed',
    card_key: `card:${n}`,
    card_number: null,
    ma_so_bhxh: null,
    card_json: null,
    issuer: null,
    key_id: null,
    rid: null,
    demo: 0,
    qr_text: 'q',
    ...overrides,
  };
}
