import { HEALTH_CARD_TYPE } from './fhir-names.js';
import { reason } from './reasons.js';
import type { Reason } from '../wire/verification.js';

/**
 * Claims checks on a verified payload (spec §1 "claims" and "FHIR bundle" rows). Split in two:
 * the envelope (`iss`, `nbf`) without which no later step can run, and the credential body,
 * whose problems are findings that still let time and revocation be checked.
 */

export { HEALTH_CARD_TYPE };
const FHIR_4_0 = /^4\.0\.\d+$/;
const RID = /^[A-Za-z0-9_-]{1,24}$/;

type Json = Record<string, unknown>;

export interface Claims {
  iss: string;
  /** seconds since epoch, may be fractional */
  nbf: number;
  exp?: number;
  rid?: string;
}

export type EnvelopeResult = { ok: true; claims: Claims } | { ok: false; reason: Reason };

export interface CredentialBody {
  /** At most one CREDENTIAL_INVALID (the first problem found). */
  reasons: Reason[];
  /** Present only when the bundle has the required shape. */
  patient?: Json;
  coverage?: Json;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** A CREDENTIAL_INVALID finding; `detail` is structural only, never card content. */
export function credentialInvalid(detail: string): Reason {
  return reason('CREDENTIAL_INVALID', { message_en: `The signed credential is not a valid BHYT card: ${detail}.` });
}

/** `iss` (string) and `nbf` (seconds): needed for the issuer, key-window and time checks. */
export function checkEnvelope(payload: Json): EnvelopeResult {
  const { iss, nbf } = payload;
  if (typeof iss !== 'string' || iss.length === 0) return { ok: false, reason: credentialInvalid('iss missing') };
  if (!isTime(nbf)) return { ok: false, reason: credentialInvalid('nbf missing or not a number') };
  return { ok: true, claims: { iss, nbf } };
}

/**
 * Fills `claims.exp` / `claims.rid` when well-formed and checks the health-card VC shape:
 * type, fhirVersion 4.0.x, a collection Bundle with Patient at resource:0 and a Coverage at
 * resource:1 whose beneficiary is resource:0. A missing `exp` is fine (the SHC examples have
 * none); a present but non-numeric one is not.
 */
export function checkCredentialBody(payload: Json, claims: Claims): CredentialBody {
  const out: CredentialBody = { reasons: [] };
  const fail = (detail: string): CredentialBody => {
    if (out.reasons.length === 0) out.reasons.push(credentialInvalid(detail));
    return out;
  };

  if (payload.exp !== undefined) {
    if (isTime(payload.exp)) claims.exp = payload.exp;
    else fail('exp not a number');
  }
  const vc = payload.vc;
  if (!isObj(vc)) return fail('vc missing');
  if (vc.rid !== undefined) {
    if (typeof vc.rid === 'string' && RID.test(vc.rid)) claims.rid = vc.rid;
    else fail('rid not base64url of at most 24 characters');
  }
  if (!Array.isArray(vc.type) || !vc.type.includes(HEALTH_CARD_TYPE)) return fail('vc.type lacks health-card');
  const subject = vc.credentialSubject;
  if (!isObj(subject)) return fail('credentialSubject missing');
  if (typeof subject.fhirVersion !== 'string' || !FHIR_4_0.test(subject.fhirVersion)) return fail('fhirVersion not 4.0.x');
  const bundle = subject.fhirBundle;
  if (!isObj(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'collection') return fail('fhirBundle not a collection Bundle');
  const entry = bundle.entry;
  if (!Array.isArray(entry) || entry.length < 2) return fail('bundle needs Patient and Coverage entries');
  const e0 = entry[0] as unknown;
  const e1 = entry[1] as unknown;
  if (!isObj(e0) || e0.fullUrl !== 'resource:0' || !isObj(e0.resource) || e0.resource.resourceType !== 'Patient') {
    return fail('entry resource:0 is not a Patient');
  }
  if (!isObj(e1) || e1.fullUrl !== 'resource:1' || !isObj(e1.resource) || e1.resource.resourceType !== 'Coverage') {
    return fail('entry resource:1 is not a Coverage');
  }
  const beneficiary = e1.resource.beneficiary;
  if (!isObj(beneficiary) || beneficiary.reference !== 'resource:0') return fail('Coverage.beneficiary is not resource:0');
  if (out.reasons.length > 0) return out;
  out.patient = e0.resource;
  out.coverage = e1.resource;
  return out;
}
