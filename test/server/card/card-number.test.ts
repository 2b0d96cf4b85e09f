import { describe, expect, it } from 'vitest';
import { applyCardNumberRules } from '../../../server/card/card-number.js';
import type { CardFields } from '../../../server/wire/verification.js';

const run = (card: CardFields) => {
  const c = { ...card };
  const reasons = applyCardNumberRules(c);
  return { card: c, codes: reasons.map((r) => r.code), portal: reasons.map((r) => r.portalCode) };
};

describe('applyCardNumberRules', () => {
  it('accepts a 15-character number and fills what it implies', () => {
    const r = run({ cardNumber: 'DN4121201234567' });
    expect(r.codes).toEqual([]);
    expect(r.card).toMatchObject({
      objectCode: 'DN',
      benefitLevel: 4,
      benefitPercent: 80,
      provinceCode: '12',
      provinceName: 'Lai Châu',
      maSoBhxh: '1201234567',
    });
  });

  it('accepts a TE1 newborn card as an ordinary number', () => {
    expect(run({ cardNumber: 'TE1121201234569', registeredFacility: '12000' })).toMatchObject({ codes: [], card: { benefitPercent: 100 } });
  });

  it('accepts a 10-digit number, province from the facility', () => {
    const r = run({ cardNumber: '1201234568', registeredFacility: '12003', benefitLevel: 3, objectCode: 'HT' });
    expect(r.codes).toEqual([]);
    expect(r.card).toMatchObject({ maSoBhxh: '1201234568', provinceCode: '12', benefitPercent: 95 });
  });

  it('accepts the matching class and identifier', () => {
    expect(run({ cardNumber: 'DN4121201234567', objectCode: 'DN', benefitLevel: 4, maSoBhxh: '1201234567' }).codes).toEqual([]);
  });

  it('never judges the object-code / benefit pairing', () => {
    expect(run({ cardNumber: 'DN2121201234567' }).codes).toEqual([]);
  });

  it.each([
    ['missing', undefined, '051'],
    ['too short', 'DN412120123456', '051'],
    ['too long', 'DN41212012345678', '051'],
    ['11 digits', '12012345678', '051'],
    ['lower-case object', 'dn4121201234567', '051'],
    ['digit object', '1N4121201234567', '051'],
    ['benefit 0', 'DN0121201234567', '053'],
    ['benefit 6', 'DN6121201234567', '053'],
    ['benefit letter', 'DNX121201234567', '053'],
    ['province 03 not in table', 'DN4031201234567', '052'],
    ['province 99', 'DN4991201234567', '052'],
    ['province letters', 'DN4AB1201234567', '052'],
    ['tail with a letter', 'DN412120123456X', '051'],
  ])('CARD_NUMBER_INVALID: %s', (_n, cardNumber, portal) => {
    const r = run(cardNumber === undefined ? {} : { cardNumber });
    expect(r.codes).toContain('CARD_NUMBER_INVALID');
    expect(r.portal).toContain(portal);
  });

  it('reports separate findings per wrong part', () => {
    const r = run({ cardNumber: 'DN9991201234567' });
    expect(r.portal).toEqual(['053', '052']);
  });

  it('accepts the defence and police fund provinces, noting the fund (portal 001 / 002)', () => {
    expect(run({ cardNumber: 'QN5971201234567' })).toMatchObject({ codes: ['SPECIAL_FUND_CARD'], portal: ['001'] });
    expect(run({ cardNumber: 'CY5971201234567' })).toMatchObject({ codes: ['SPECIAL_FUND_CARD'], portal: ['001'] });
    expect(run({ cardNumber: 'CA5981201234567' })).toMatchObject({ codes: ['SPECIAL_FUND_CARD'], portal: ['002'] });
    expect(run({ cardNumber: 'DN4121201234567' }).codes).toEqual([]);
  });

  it('cross-checks against the class and the Patient identifier', () => {
    expect(run({ cardNumber: 'DN4121201234567', benefitLevel: 3 })).toMatchObject({ codes: ['CARD_NUMBER_INVALID'], portal: ['053'] });
    expect(run({ cardNumber: 'DN4121201234567', objectCode: 'HC' })).toMatchObject({ codes: ['CARD_NUMBER_INVALID'], portal: ['051'] });
    expect(run({ cardNumber: 'DN4121201234567', maSoBhxh: '1201234568' })).toMatchObject({
      codes: ['CARD_NUMBER_INVALID'],
      portal: ['051'],
    });
    expect(run({ cardNumber: '1201234567', maSoBhxh: '1201234568' })).toMatchObject({ codes: ['CARD_NUMBER_INVALID'] });
  });

  it('warns (not errors) on an unknown object code', () => {
    const r = run({ cardNumber: 'AK4121201234567' });
    expect(r.codes).toEqual(['OBJECT_CODE_UNKNOWN']);
    expect(run({ cardNumber: '1201234567', objectCode: 'ZZ' }).codes).toEqual(['OBJECT_CODE_UNKNOWN']);
    expect(run({ cardNumber: 'TV4121201234567' }).codes).toEqual([]);
  });
});
