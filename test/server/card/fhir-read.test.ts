import { describe, expect, it } from 'vitest';
import { checkCredentialBody, checkEnvelope } from '../../../server/card/credential.js';
import { readCard } from '../../../server/card/fhir-read.js';
import { cardPayload, type PayloadIn } from '../../helpers/sign-card.js';

type Json = Record<string, unknown>;

function resources(p: Json) {
  const env = checkEnvelope(p);
  if (!env.ok) throw new Error('envelope');
  const b = checkCredentialBody(p, env.claims);
  if (!b.patient || !b.coverage) throw new Error('body');
  return { patient: b.patient, coverage: b.coverage };
}
function read(input: PayloadIn = {}, tweak?: (patient: Json, coverage: Json) => void) {
  const { patient, coverage } = resources(cardPayload(input));
  tweak?.(patient, coverage);
  return readCard(patient, coverage);
}

describe('readCard', () => {
  it('maps every field of the documented format', () => {
    const r = read({ coverage: { area: 'K1' } });
    expect(r.reasons).toEqual([]);
    expect(r.card).toEqual({
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '1990-03-20',
      gender: 'male',
      maSoBhxh: '1201234567',
      cardNumber: 'DN4121201234567',
      objectCode: 'DN',
      benefitLevel: 4,
      registeredFacility: '12001',
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      fiveYearDate: '2028-01-01',
      areaCode: 'K1',
      issuedBy: 'BHXH tỉnh Lai Châu',
    });
  });

  it('omits absent optional fields', () => {
    const r = read({
      patient: { maSo: null },
      coverage: { end: null, objectCode: null, benefit: null, fiveYear: null, payor: null, network: null },
    });
    expect(r.reasons).toEqual([]);
    expect(r.card).toEqual({
      fullName: 'Nguyễn Đức Thiện',
      birthDate: '1990-03-20',
      gender: 'male',
      cardNumber: 'DN4121201234567',
      validFrom: '2026-01-01',
    });
  });

  it('accepts a year-only birth date and an unknown gender', () => {
    const r = read({ patient: { birthDate: '1990', gender: 'unknown' } });
    expect(r.reasons).toEqual([]);
    expect(r.card.birthDate).toBe('1990');
    expect(r.card.gender).toBeUndefined();
  });

  it('accepts the text shorthand for class types', () => {
    const r = read({}, (_p, c) => {
      c.class = [
        { type: { text: 'urn:vn:bhyt:class#doi-tuong' }, value: 'HC' },
        { type: { text: 'urn:vn:bhyt:class#muc-huong' }, value: '2' },
      ];
    });
    expect(r.card).toMatchObject({ objectCode: 'HC', benefitLevel: 2 });
  });

  it('ignores classes of other systems', () => {
    const r = read({}, (_p, c) => {
      c.class = [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] }, value: 'X' }];
    });
    expect(r.card.objectCode).toBeUndefined();
    expect(r.reasons).toEqual([]);
  });

  it.each<[string, PayloadIn | undefined, ((p: Json, c: Json) => void) | undefined, string]>([
    ['name missing', undefined, (p) => (p.name = [{ family: 'Nguyễn' }]), 'CREDENTIAL_INVALID'],
    ['name blank', { patient: { name: '  ' } }, undefined, 'CREDENTIAL_INVALID'],
    ['birthDate bad', { patient: { birthDate: '1990-02-30' } }, undefined, 'CREDENTIAL_INVALID'],
    ['birthDate missing', undefined, (p) => delete p.birthDate, 'CREDENTIAL_INVALID'],
    ['gender bad', { patient: { gender: 'M' } }, undefined, 'CREDENTIAL_INVALID'],
    ['ma so 9 digits', { patient: { maSo: '120123456' } }, undefined, 'CARD_NUMBER_INVALID'],
    ['object class lower case', { coverage: { objectCode: 'dn' } }, undefined, 'CARD_NUMBER_INVALID'],
    ['benefit class 6', { coverage: { benefit: '6' } }, undefined, 'CARD_NUMBER_INVALID'],
    ['network 4 chars', { coverage: { network: '1200' } }, undefined, 'CREDENTIAL_INVALID'],
    ['period start bad', { coverage: { start: '01/01/2026' } }, undefined, 'CREDENTIAL_INVALID'],
    ['period end bad', { coverage: { end: '2026-13-01' } }, undefined, 'CREDENTIAL_INVALID'],
    ['five-year bad', { coverage: { fiveYear: '2028' } }, undefined, 'CREDENTIAL_INVALID'],
  ])('%s → %s', (_n, input, tweak, code) => {
    const r = read(input ?? {}, tweak);
    expect(r.reasons.map((x) => x.code)).toContain(code);
  });

  it('gives 053 for a bad benefit class', () => {
    expect(read({ coverage: { benefit: '0' } }).reasons[0]?.portalCode).toBe('053');
  });
});
