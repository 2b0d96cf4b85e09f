/** POST /api/card-checks' body and ?wait=S, parsed. */
import { describe, expect, it } from 'vitest';
import { CardCheckError } from '../../../server/card-checks/errors.js';
import { parseCardCheckBody, parseWaitMs } from '../../../server/card-checks/request.js';

const refusal = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof CardCheckError ? `${e.code}:${e.field}` : 'other';
  }
};

describe('parseCardCheckBody', () => {
  it('takes {qr} or {manual}', () => {
    expect(parseCardCheckBody({ qr: 'HC4|x' })).toEqual({ qr: 'HC4|x' });
    expect(parseCardCheckBody({ manual: { cccd: '012090001234', name: 'A B', birthDate: '1990' } })).toEqual({
      manual: { cccd: '012090001234', name: 'A B', birthDate: '1990' },
    });
  });
  it('refuses anything else, naming the member', () => {
    expect(refusal(() => parseCardCheckBody(null))).toBe('CARD_CHECK_INPUT_INVALID:body');
    expect(refusal(() => parseCardCheckBody({}))).toBe('CARD_CHECK_INPUT_INVALID:qr');
    expect(refusal(() => parseCardCheckBody({ qr: 'x', manual: {} }))).toBe('CARD_CHECK_INPUT_INVALID:qr');
    expect(refusal(() => parseCardCheckBody({ qr: 5 }))).toBe('CARD_CHECK_INPUT_INVALID:qr');
    expect(refusal(() => parseCardCheckBody({ qr: 'x', verdict: 'accepted' }))).toBe('CARD_CHECK_INPUT_INVALID:verdict');
    expect(refusal(() => parseCardCheckBody({ manual: [] }))).toBe('CARD_CHECK_INPUT_INVALID:manual');
    expect(refusal(() => parseCardCheckBody({ manual: { name: 1 } }))).toBe('CARD_CHECK_INPUT_INVALID:manual.name');
    expect(refusal(() => parseCardCheckBody({ manual: { name: 'A', birthDate: '1990', gender: 'x' } }))).toBe(
      'CARD_CHECK_INPUT_INVALID:manual.gender',
    );
  });
});

describe('parseWaitMs', () => {
  it('whole seconds 0–60', () => {
    expect(parseWaitMs({})).toBe(0);
    expect(parseWaitMs({ wait: '0' })).toBe(0);
    expect(parseWaitMs({ wait: '60' })).toBe(60_000);
    for (const wait of ['61', '-1', '1.5', 'x', ['1']]) expect(refusal(() => parseWaitMs({ wait }))).toBe('CARD_CHECK_INPUT_INVALID:wait');
  });
});
