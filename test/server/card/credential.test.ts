import { describe, expect, it } from 'vitest';
import { checkCredentialBody, checkEnvelope, type Claims } from '../../../server/card/credential.js';
import { vectorJson } from '../../helpers/shc-vectors.js';
import { cardPayload } from '../../helpers/sign-card.js';

type Json = Record<string, unknown>;
const clone = <T>(x: T): T => structuredClone(x);
const bundleOf = (p: Json) => ((p.vc as Json).credentialSubject as Json).fhirBundle as Json;
const entries = (p: Json) => bundleOf(p).entry as Json[];

function body(p: Json) {
  const env = checkEnvelope(p);
  if (!env.ok) throw new Error('envelope');
  return { claims: env.claims, ...checkCredentialBody(p, env.claims) };
}

describe('checkEnvelope', () => {
  it('needs iss and a numeric nbf', () => {
    expect(checkEnvelope(cardPayload())).toMatchObject({ ok: true, claims: { iss: 'https://issuer.test.bhyt.invalid' } });
    expect(checkEnvelope({ nbf: 1 })).toMatchObject({ ok: false, reason: { code: 'CREDENTIAL_INVALID' } });
    expect(checkEnvelope({ iss: 5, nbf: 1 })).toMatchObject({ ok: false });
    expect(checkEnvelope({ iss: 'x' })).toMatchObject({ ok: false, reason: { code: 'CREDENTIAL_INVALID' } });
    expect(checkEnvelope({ iss: 'x', nbf: '1' })).toMatchObject({ ok: false });
    expect(checkEnvelope({ iss: 'x', nbf: 1687450764.656 })).toMatchObject({ ok: true, claims: { nbf: 1687450764.656 } });
  });
});

describe('checkCredentialBody', () => {
  it('accepts the card format and returns Patient and Coverage', () => {
    const b = body(cardPayload({ rid: 'Xc9k2pQ' }));
    expect(b.reasons).toEqual([]);
    expect(b.patient?.resourceType).toBe('Patient');
    expect(b.coverage?.resourceType).toBe('Coverage');
    expect(b.claims.rid).toBe('Xc9k2pQ');
    expect(b.claims.exp).toBeTypeOf('number');
  });

  it('treats a missing exp as fine and a bad one as invalid', () => {
    expect(body(cardPayload({ exp: null })).reasons).toEqual([]);
    const p = cardPayload();
    p.exp = 'soon';
    const b = body(p);
    expect(b.reasons.map((r) => r.code)).toEqual(['CREDENTIAL_INVALID']);
    expect(b.claims.exp).toBeUndefined();
    expect(b.patient).toBeUndefined();
  });

  it('refuses the SHC immunisation example (no Coverage)', () => {
    const b = body(vectorJson('shc-spec/example-00-c-jws-payload-minified.json') as Json);
    expect(b.reasons.map((r) => r.code)).toEqual(['CREDENTIAL_INVALID']);
    expect(b.claims.exp).toBeUndefined();
  });

  const mutations: [string, (p: Json) => void][] = [
    ['vc missing', (p) => delete p.vc],
    ['type without health-card', (p) => ((p.vc as Json).type = ['VerifiableCredential'])],
    ['type not array', (p) => ((p.vc as Json).type = 'https://smarthealth.cards#health-card')],
    ['fhirVersion 4.3.0', (p) => (((p.vc as Json).credentialSubject as Json).fhirVersion = '4.3.0')],
    ['fhirVersion missing', (p) => delete ((p.vc as Json).credentialSubject as Json).fhirVersion],
    ['bundle type document', (p) => (bundleOf(p).type = 'document')],
    ['bundle resourceType', (p) => (bundleOf(p).resourceType = 'Patient')],
    ['one entry', (p) => (bundleOf(p).entry = [entries(p)[0]])],
    ['entries swapped', (p) => (bundleOf(p).entry = [entries(p)[1], entries(p)[0]])],
    ['fullUrl wrong', (p) => (entries(p)[0]!.fullUrl = 'urn:uuid:1')],
    ['Coverage not Coverage', (p) => ((entries(p)[1]!.resource as Json).resourceType = 'Immunization')],
    ['beneficiary wrong', (p) => ((entries(p)[1]!.resource as Json).beneficiary = { reference: 'resource:2' })],
    ['beneficiary missing', (p) => delete (entries(p)[1]!.resource as Json).beneficiary],
    ['rid too long', (p) => ((p.vc as Json).rid = 'a'.repeat(25))],
    ['rid not base64url', (p) => ((p.vc as Json).rid = 'a.b')],
  ];
  it.each(mutations)('CREDENTIAL_INVALID: %s', (_n, mutate) => {
    const p = clone(cardPayload());
    mutate(p);
    const b = body(p);
    expect(b.reasons.map((r) => r.code)).toEqual(['CREDENTIAL_INVALID']);
    expect(b.patient).toBeUndefined();
  });

  it('keeps the claims it could read', () => {
    const claims: Claims = { iss: 'x', nbf: 1 };
    checkCredentialBody({ exp: 5, vc: { rid: 'abc' } }, claims);
    expect(claims).toEqual({ iss: 'x', nbf: 1, exp: 5, rid: 'abc' });
  });
});
