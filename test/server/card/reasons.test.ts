import { describe, expect, it } from 'vitest';
import { REASON_CODES, catalogEntry, reason } from '../../../server/card/reasons.js';
import type { ReasonCode } from '../../../server/wire/verification.js';

const ALL: ReasonCode[] = [
  'OK',
  'QR_MALFORMED',
  'CHUNKED_QR',
  'JWS_MALFORMED',
  'HEADER_INVALID',
  'KEY_UNKNOWN',
  'KEY_INACTIVE',
  'SIGNATURE_INVALID',
  'PAYLOAD_INVALID',
  'ISSUER_MISMATCH',
  'CREDENTIAL_INVALID',
  'NOT_YET_VALID',
  'EXPIRED',
  'REVOKED',
  'CARD_NUMBER_INVALID',
  'CARD_NOT_YET_VALID',
  'CARD_EXPIRED',
  'OBJECT_CODE_UNKNOWN',
  'OFF_ROUTE',
  'UNSIGNED_LEGACY',
  'TRUST_STALE',
  'CLOCK_SUSPECT',
  'ID_CARD_PRESENTED',
  'DIGITAL_CARD_NOT_ACCEPTED',
  'SPECIAL_FUND_CARD',
  'PORTAL_UNAVAILABLE',
  'PORTAL_CONFIG_ERROR',
  'PORTAL_REQUEST_INVALID',
  'PORTAL_CODE_UNKNOWN',
  'PORTAL_CARD_NOT_FOUND',
  'PORTAL_NAME_MISMATCH',
  'PORTAL_BIRTH_DATE_MISMATCH',
  'PORTAL_FACILITY_MISMATCH',
  'CARD_REPLACED',
  'NEW_CARD_ISSUED',
  'CARD_REDUCED',
  'CHILD_CARD_NOT_PRESENTED',
  'MANUAL_ENTRY',
];

describe('reason catalog', () => {
  it('has an entry with both messages for every code', () => {
    expect([...REASON_CODES].sort()).toEqual([...ALL].sort());
    for (const code of ALL) {
      const r = reason(code);
      expect(r.code).toBe(code);
      expect(r.message_vi.length).toBeGreaterThan(5);
      expect(r.message_en.length).toBeGreaterThan(5);
      expect(['error', 'warning', 'info']).toContain(r.severity);
    }
  });

  it('uses Vietnamese with diacritics', () => {
    expect(reason('CARD_EXPIRED').message_vi).toMatch(/[ạảãàáâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
  });

  it('maps severities per the spec', () => {
    const sev = (c: ReasonCode) => catalogEntry(c).severity;
    for (const c of ['QR_MALFORMED', 'KEY_INACTIVE', 'REVOKED', 'CARD_EXPIRED', 'DIGITAL_CARD_NOT_ACCEPTED'] as const)
      expect(sev(c)).toBe('error');
    for (const c of ['OBJECT_CODE_UNKNOWN', 'UNSIGNED_LEGACY', 'TRUST_STALE', 'CLOCK_SUSPECT', 'ID_CARD_PRESENTED'] as const)
      expect(sev(c)).toBe('warning');
    expect(sev('OFF_ROUTE')).toBe('info');
  });

  it('carries the portal numbers receptionists know', () => {
    expect(reason('CARD_EXPIRED').portalCode).toBe('010');
    expect(reason('CARD_NUMBER_INVALID').portalCode).toBe('051');
    expect(reason('REVOKED').portalCode).toBe('110');
    expect(reason('OK').portalCode).toBe('000');
    expect(reason('SIGNATURE_INVALID').portalCode).toBeUndefined();
  });

  it('applies overrides to a fresh copy', () => {
    const r = reason('CARD_NUMBER_INVALID', { portalCode: '052' });
    expect(r.portalCode).toBe('052');
    expect(reason('CARD_NUMBER_INVALID').portalCode).toBe('051');
    r.message_vi = 'x';
    expect(reason('CARD_NUMBER_INVALID').message_vi).not.toBe('x');
  });
});
