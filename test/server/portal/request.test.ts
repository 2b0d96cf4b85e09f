import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { PortalRequestError, type PortalRequestErrorCode } from '../../../server/portal/errors.js';
import {
  PORTAL_CHECK_MODES,
  PORTAL_DEFAULTS,
  PORTAL_SETTINGS,
  portalPasswordHash,
  portalPolicy,
  readPortalPasswordFile,
} from '../../../server/portal/options.js';
import {
  buildCheckRequest,
  operatorFields,
  portalBirthDate,
  subjectFromManual,
  subjectFromResult,
  type ManualEntry,
} from '../../../server/portal/request.js';
import type { TrustSnapshot } from '../../../server/trust/types.js';
import type { VerifyResult } from '../../../server/wire/verification.js';
import { CCCD, LEGACY_HC, LEGACY_NEW } from '../../helpers/legacy-samples.js';

const OP = { name: 'Lê Thị Tân', cccd: '001090000001' };
const NOW = Date.parse('2026-12-01T03:00:00Z');
const local = (qr: string) => verifyQr(qr, { trust: {} as TrustSnapshot, now: NOW, policy: DEFAULT_POLICY });

function codeOf(f: () => unknown): PortalRequestErrorCode | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof PortalRequestError) return err.code;
    throw err;
  }
  return undefined;
}

describe('portalBirthDate', () => {
  it.each([
    ['1990-03-20', '20/03/1990'],
    ['2024-02-29', '29/02/2024'],
    ['1990', '1990'],
    ['1990-03', '1990'],
    [' 2001-11-05 ', '05/11/2001'],
    ['2023-02-29', undefined],
    ['1990-13-01', undefined],
    ['20/03/1990', undefined],
    ['1850', undefined],
    ['', undefined],
  ])('%j → %j', (iso, wire) => {
    expect(portalBirthDate(iso)).toBe(wire);
  });
});

describe('the request from what the kiosk knows', () => {
  it('a legacy paper-card QR: its 15-character number, name and birth date', () => {
    expect(buildCheckRequest(subjectFromResult(local(LEGACY_HC)), OP)).toEqual({
      maThe: 'HC4121201234567',
      hoTen: 'Nguyễn Đức Thiện',
      ngaySinh: '20/03/1990',
      hoTenCb: 'Lê Thị Tân',
      cccdCb: '001090000001',
    });
  });

  it('a new (10-digit) paper card', () => {
    expect(buildCheckRequest(subjectFromResult(local(LEGACY_NEW)), OP)).toMatchObject({ maThe: '1201234568', ngaySinh: '05/11/2001' });
  });

  it('a chip ID card: maThe is the 12-digit ID number', () => {
    const s = subjectFromResult(local(CCCD));
    expect(s).toMatchObject({ source: 'id-card', numberKind: 'id-card', number: '012090001234' });
    expect(buildCheckRequest(s, OP)).toMatchObject({ maThe: '012090001234', hoTen: 'Nguyễn Đức Thiện', ngaySinh: '20/03/1990' });
  });

  it("a signed card's decoded fields: the card number, else the mã số BHXH; a year-only birth date", () => {
    const signed = (card: VerifyResult['card']): Pick<VerifyResult, 'card' | 'source'> => ({ source: 'signed', card });
    expect(
      buildCheckRequest(subjectFromResult(signed({ cardNumber: 'DN4791234567890', fullName: 'Trần Thị B', birthDate: '1975' })), OP),
    ).toMatchObject({ maThe: 'DN4791234567890', ngaySinh: '1975' });
    expect(subjectFromResult(signed({ maSoBhxh: '7912345678', fullName: 'Trần Thị B', birthDate: '1975-01-02' })).number).toBe(
      '7912345678',
    );
  });

  it('manual entries: card number (trimmed, upper-cased) or CCCD; name normalised', () => {
    const e: ManualEntry = { cardNumber: ' hc4121201234567 ', name: '  Nguyễn   Đức Thiện ', birthDate: '1990' };
    expect(buildCheckRequest(subjectFromManual(e), OP)).toMatchObject({
      maThe: 'HC4121201234567',
      hoTen: 'Nguyễn Đức Thiện',
      ngaySinh: '1990',
    });
    expect(subjectFromManual({ cccd: '012090001234', name: 'A B', birthDate: '1990-03-20' })).toMatchObject({
      source: 'manual',
      numberKind: 'id-card',
    });
  });

  it.each<[string, () => unknown, PortalRequestErrorCode]>([
    ['no number', () => subjectFromManual({ name: 'A', birthDate: '1990' }), 'SUBJECT_NUMBER_INVALID'],
    ['bad number', () => subjectFromManual({ cardNumber: 'HC41212', name: 'A', birthDate: '1990' }), 'SUBJECT_NUMBER_INVALID'],
    ['no name', () => subjectFromManual({ cardNumber: '1201234568', name: '  ', birthDate: '1990' }), 'SUBJECT_NAME_INVALID'],
    [
      'control characters',
      () => subjectFromManual({ cardNumber: '1201234568', name: 'A\u0007B', birthDate: '1990' }),
      'SUBJECT_NAME_INVALID',
    ],
    [
      'bad birth date',
      () => subjectFromManual({ cardNumber: '1201234568', name: 'A', birthDate: '31/12/1990' }),
      'SUBJECT_BIRTH_DATE_INVALID',
    ],
    ['nothing read', () => subjectFromResult(local('not a card')), 'SUBJECT_NOT_CHECKABLE'],
    ['operator without CCCD', () => operatorFields({ name: 'Lê Thị Tân', cccd: null }), 'OPERATOR_CCCD_MISSING'],
    ['operator with empty CCCD', () => operatorFields({ name: 'Lê Thị Tân', cccd: ' ' }), 'OPERATOR_CCCD_MISSING'],
    ['operator CCCD malformed', () => operatorFields({ name: 'Lê Thị Tân', cccd: '12345' }), 'OPERATOR_CCCD_INVALID'],
    ['operator without name', () => operatorFields({ name: '', cccd: '001090000001' }), 'OPERATOR_NAME_MISSING'],
  ])('%s → %s', (_label, f, code) => {
    expect(codeOf(f)).toBe(code);
  });

  it('error messages name the field, never the value', () => {
    try {
      subjectFromManual({ cardNumber: 'XX-SECRET-1', name: 'Nguyễn Văn Bí Mật', birthDate: 'never' });
    } catch (err) {
      expect((err as Error).message).not.toMatch(/SECRET|Bí Mật|never/);
    }
  });
});

describe('options', () => {
  it('the settings the config module exposes, with the defaults of the issue', () => {
    expect(PORTAL_SETTINGS.map((s) => s.variable)).toEqual([
      'KIOSK_PORTAL_URL',
      'KIOSK_PORTAL_USER',
      'KIOSK_PORTAL_PASSWORD_FILE',
      'KIOSK_PORTAL_PASSWORD',
      'KIOSK_PORTAL_TIMEOUT',
      'KIOSK_PORTAL_CHECK',
    ]);
    expect(PORTAL_CHECK_MODES).toEqual(['unsigned', 'all']);
    expect(PORTAL_DEFAULTS).toMatchObject({ timeoutMs: 60_000, check: 'unsigned', tokenLifetimeMs: 50 * 60_000 });
  });

  it('MD5 of the password, lowercase hex, as the portal wants it', () => {
    expect(portalPasswordHash('password')).toBe('5f4dcc3b5aa765d61d8327deb882cf99');
    expect(portalPasswordHash('mật khẩu')).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['legacy-unsigned', 'unsigned', true],
    ['id-card', 'unsigned', true],
    ['manual', 'unsigned', true],
    ['signed', 'unsigned', false],
    ['signed', 'all', true],
    ['legacy-unsigned', 'all', true],
    [undefined, 'all', false],
  ] as const)('portalPolicy(%s, %s) = %s', (source, mode, needed) => {
    expect(portalPolicy(source, mode)).toBe(needed);
  });

  it('the password file: content minus one newline, 0600 only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-pw-'));
    const file = join(dir, 'pw');
    writeFileSync(file, 'bí mật\n', { mode: 0o600 });
    expect(readPortalPasswordFile(file)).toEqual({ ok: true, password: 'bí mật' });
    chmodSync(file, 0o644);
    const r = readPortalPasswordFile(file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).toMatch(/chmod 600/);
      expect(r.problem).not.toContain('bí mật');
    }
    expect(readPortalPasswordFile(join(dir, 'missing')).ok).toBe(false);
    writeFileSync(join(dir, 'empty'), '\n', { mode: 0o600 });
    expect(readPortalPasswordFile(join(dir, 'empty')).ok).toBe(false);
  });
});
