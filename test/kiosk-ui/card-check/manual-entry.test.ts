import { describe, expect, it } from 'vitest';
import { fieldOfProblem, parseBirthDate, parseManualForm } from '../../../kiosk-ui/card-check/manual-entry.js';
import { en } from '../../../kiosk-ui/i18n/en.js';
import { vi } from '../../../kiosk-ui/i18n/vi.js';

const TODAY = '2026-11-25';

describe('manual entry', () => {
  it('a card number, a Vietnamese name (decomposed input made NFC) and a full date', () => {
    const decomposed = 'Nguyê\u0303n  Đức   Thiê\u0323n '.normalize('NFD');
    expect(parseManualForm({ kind: 'card', number: 'hc 412 120 123 4567', name: decomposed, birthDate: '20/03/1990' }, TODAY)).toEqual({
      ok: true,
      entry: { cardNumber: 'HC4121201234567', name: 'Nguyễn Đức Thiện', birthDate: '1990-03-20' },
    });
  });

  it('an ID-card number and a birth year only', () => {
    expect(parseManualForm({ kind: 'cccd', number: '012090001234', name: 'Lò Thị Mai', birthDate: '2001' }, TODAY)).toEqual({
      ok: true,
      entry: { cccd: '012090001234', name: 'Lò Thị Mai', birthDate: '2001' },
    });
  });

  it('names every field at fault with a message key present in both catalogs', () => {
    const r = parseManualForm({ kind: 'cccd', number: '12345', name: 'An 3', birthDate: '31/02/1990' }, TODAY);
    expect(r).toEqual({ ok: false, errors: { number: 'manual.errCccd', name: 'manual.errName', birthDate: 'manual.errBirth' } });
    const empty = parseManualForm({ kind: 'card', number: ' ', name: '', birthDate: '' }, TODAY);
    expect(empty).toEqual({
      ok: false,
      errors: { number: 'manual.errNumberRequired', name: 'manual.errNameRequired', birthDate: 'manual.errBirthRequired' },
    });
    for (const key of ['manual.errCccd', 'manual.errName', 'manual.errBirth', 'manual.errCardNumber'] as const) {
      expect(vi[key]).toBeTruthy();
      expect(en[key]).toBeTruthy();
    }
  });

  it('dates: several separators, ISO, no future, no impossible day', () => {
    expect(parseBirthDate('5/3/1990', TODAY)).toEqual({ iso: '1990-03-05' });
    expect(parseBirthDate('05-03-1990', TODAY)).toEqual({ iso: '1990-03-05' });
    expect(parseBirthDate('1990-03-05', TODAY)).toEqual({ iso: '1990-03-05' });
    expect(parseBirthDate('05031990', TODAY)).toEqual({ iso: '1990-03-05' });
    expect(parseBirthDate('26/11/2026', TODAY)).toEqual({ error: 'manual.errBirthFuture' });
    expect(parseBirthDate('2027', TODAY)).toEqual({ error: 'manual.errBirthFuture' });
    expect(parseBirthDate('29/02/2023', TODAY)).toEqual({ error: 'manual.errBirth' });
    expect(parseBirthDate('1850', TODAY)).toEqual({ error: 'manual.errBirth' });
  });

  it('a wrong card number shape; the service’s field names map onto the form', () => {
    expect(parseManualForm({ kind: 'card', number: 'DN40101', name: 'An', birthDate: '1990' }, TODAY)).toMatchObject({
      ok: false,
      errors: { number: 'manual.errCardNumber' },
    });
    expect(fieldOfProblem('manual.name')).toBe('name');
    expect(fieldOfProblem('manual.birthDate')).toBe('birthDate');
    expect(fieldOfProblem('manual.cccd')).toBe('number');
    expect(fieldOfProblem('qr')).toBeUndefined();
  });
});
