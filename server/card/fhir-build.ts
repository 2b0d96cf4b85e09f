/**
 * Issuing side, step 1: turn the fields of a BHYT card into the SMART Health Card payload
 * (FHIR R4 Patient + Coverage, ../shared/spec/digital-card.md §1–2, docs/card-format.md).
 *
 * Input is checked and normalised here, before anything is signed: a signed card with a wrong
 * field cannot be taken back except by revocation. Problems name the field, never its value
 * (values are personal data and problems may end up in logs or HTTP responses).
 */
import { AppError } from '../errors.js';
import { isFacilityCode } from '../lib/facility-code.js';
import { isIsoDate } from '../lib/iso-date.js';
import { PROVINCES } from './tables.js';
import type { Gender } from '../wire/verification.js';

import {
  BHXH_ID_SYSTEM,
  BHYT_CLASS_SYSTEM,
  CLASS_BENEFIT_LEVEL,
  CLASS_OBJECT_CODE,
  EXT_AREA_CODE,
  EXT_FIVE_YEARS,
  FHIR_VERSION,
  HEALTH_CARD_TYPE,
} from './fhir-names.js';

export {
  BHXH_ID_SYSTEM,
  BHYT_CLASS_SYSTEM,
  CLASS_BENEFIT_LEVEL,
  CLASS_OBJECT_CODE,
  EXT_AREA_CODE,
  EXT_FIVE_YEARS,
  FHIR_VERSION,
  HEALTH_CARD_TYPE,
};
/** Coverage.payor is mandatory in FHIR R4; used when the card names no issuing office. */
export const DEFAULT_PAYOR = 'Bảo hiểm xã hội Việt Nam';

/** The fields printed on a BHYT card, as the issuing tool takes them (spec §2). */
export interface IssueCardInput {
  fullName: string;
  /** 'YYYY-MM-DD', or 'YYYY' when only the year is known. */
  birthDate: string;
  gender: Gender;
  /** 10 digits; derived from a 15-character card number when absent. */
  maSoBhxh?: string;
  /** 15 characters (XX D PP NNNNNNNNNN) or 10 digits. */
  cardNumber: string;
  /** 2 letters; derived from a 15-character card number when absent. Required for 10-digit cards. */
  objectCode?: string;
  /** 1..5; derived from a 15-character card number when absent. Required for 10-digit cards. */
  benefitLevel?: number;
  /** 5 characters: province (2 digits) + facility (3 digits or letters). */
  registeredFacility: string;
  /** 'YYYY-MM-DD' */
  validFrom: string;
  /** 'YYYY-MM-DD'; absent on newer cards (no printed end date). */
  validTo?: string;
  /** 'YYYY-MM-DD' */
  fiveYearDate?: string;
  /** K1 | K2 | K3 */
  areaCode?: string;
  /** Cơ quan cấp, e.g. "BHXH tỉnh Lai Châu". */
  issuedBy?: string;
}

/** IssueCardInput after checking: every derivable field filled in. */
export interface NormalisedCard {
  fullName: string;
  birthDate: string;
  gender: Gender;
  maSoBhxh: string;
  cardNumber: string;
  objectCode: string;
  benefitLevel: number;
  registeredFacility: string;
  validFrom: string;
  validTo?: string;
  fiveYearDate?: string;
  areaCode?: string;
  issuedBy: string;
}

export interface FhirPatient {
  resourceType: 'Patient';
  identifier: [{ system: typeof BHXH_ID_SYSTEM; value: string }];
  name: [{ text: string }];
  gender: Gender;
  birthDate: string;
}

export interface FhirCodeableClassType {
  coding: [{ system: typeof BHYT_CLASS_SYSTEM; code: string }];
}

export type FhirExtension = { url: typeof EXT_FIVE_YEARS; valueDate: string } | { url: typeof EXT_AREA_CODE; valueCode: string };

export interface FhirCoverage {
  resourceType: 'Coverage';
  extension?: FhirExtension[];
  status: 'active';
  subscriberId: string;
  beneficiary: { reference: 'resource:0' };
  period: { start: string; end?: string };
  payor: [{ display: string }];
  class: { type: FhirCodeableClassType; value: string }[];
  network: string;
}

export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  entry: [{ fullUrl: 'resource:0'; resource: FhirPatient }, { fullUrl: 'resource:1'; resource: FhirCoverage }];
}

export interface CardPayload {
  iss: string;
  nbf: number;
  exp: number;
  vc: {
    type: [typeof HEALTH_CARD_TYPE];
    credentialSubject: { fhirVersion: typeof FHIR_VERSION; fhirBundle: FhirBundle };
    rid?: string;
  };
}

export interface PayloadClaims {
  iss: string;
  /** seconds since epoch */
  nbf: number;
  /** seconds since epoch */
  exp: number;
  rid?: string;
}

const CARD_15 = /^([A-Z]{2})([1-5])(\d{2})(\d{10})$/;
const CARD_10 = /^\d{10}$/;
const BHXH = /^\d{10}$/;
const OBJECT_CODE = /^[A-Z]{2}$/;
const AREA = /^K[123]$/;
const RID = /^[A-Za-z0-9_-]{1,24}$/;
const ISS = /^https:\/\/[^\s/]+(\/\S*)?$/;
// Control characters (C0, DEL, C1) and bidi overrides never belong on a printed card.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const MAX_TEXT = 100;

function cleanText(v: unknown, field: string, problems: string[], required: boolean): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (required) problems.push(`${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push(`${field} must be a string`);
    return undefined;
  }
  // NFC: a name typed on one keyboard must compare equal to the same name typed on another.
  const text = v.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!text) {
    if (required) problems.push(`${field} is required`);
    return undefined;
  }
  if (CONTROL.test(text)) problems.push(`${field} contains control characters`);
  else if ([...text].length > MAX_TEXT) problems.push(`${field} is longer than ${MAX_TEXT} characters`);
  else return text;
  return undefined;
}

function optionalDate(v: unknown, field: string, problems: string[]): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (!isIsoDate(v)) {
    problems.push(`${field} must be a date YYYY-MM-DD`);
    return undefined;
  }
  return v;
}

/**
 * Checks an IssueCardInput and fills in what the card number implies. Throws AppError
 * ISSUE_INPUT_INVALID listing every problem (not just the first).
 */
export function normaliseIssueInput(input: IssueCardInput): NormalisedCard {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null) {
    throw new AppError('ISSUE_INPUT_INVALID', 'card input must be an object', { problems: ['input is not an object'] });
  }
  const fullName = cleanText(input.fullName, 'fullName', problems, true);
  const issuedBy = cleanText(input.issuedBy, 'issuedBy', problems, false) ?? DEFAULT_PAYOR;

  const birthDate = input.birthDate;
  const birthOk = isIsoDate(birthDate) || (typeof birthDate === 'string' && /^\d{4}$/.test(birthDate));
  if (!birthOk) problems.push('birthDate must be YYYY-MM-DD or YYYY');

  const gender = input.gender;
  if (gender !== 'male' && gender !== 'female' && gender !== 'other') problems.push('gender must be male, female or other');

  const cardNumber = typeof input.cardNumber === 'string' ? input.cardNumber.trim().toUpperCase() : '';
  const m15 = CARD_15.exec(cardNumber);
  if (!m15 && !CARD_10.test(cardNumber)) {
    problems.push('cardNumber must be 15 characters (2 letters, benefit digit 1-5, 2-digit province, 10 digits) or 10 digits');
  } else if (m15 && !PROVINCES.has(m15[3]!)) problems.push('cardNumber has a province code not in the province table');
  // A 15-character number embeds object code, benefit digit and mã số BHXH; a 10-digit number is the mã số BHXH.
  const fromCard = m15
    ? { objectCode: m15[1], benefitLevel: Number(m15[2]), maSoBhxh: m15[4] }
    : CARD_10.test(cardNumber)
      ? { objectCode: undefined, benefitLevel: undefined, maSoBhxh: cardNumber }
      : { objectCode: undefined, benefitLevel: undefined, maSoBhxh: undefined };

  let maSoBhxh = fromCard.maSoBhxh;
  if (input.maSoBhxh !== undefined && input.maSoBhxh !== '') {
    if (typeof input.maSoBhxh !== 'string' || !BHXH.test(input.maSoBhxh)) problems.push('maSoBhxh must be 10 digits');
    else if (maSoBhxh !== undefined && maSoBhxh !== input.maSoBhxh) problems.push('maSoBhxh differs from the one in cardNumber');
    else maSoBhxh = input.maSoBhxh;
  }

  let objectCode = fromCard.objectCode;
  if (input.objectCode !== undefined && input.objectCode !== '') {
    const oc = typeof input.objectCode === 'string' ? input.objectCode.toUpperCase() : undefined;
    if (oc === undefined || !OBJECT_CODE.test(oc)) problems.push('objectCode must be 2 letters');
    else if (objectCode !== undefined && objectCode !== oc) problems.push('objectCode differs from the one in cardNumber');
    else objectCode = oc;
  }
  if (objectCode === undefined && CARD_10.test(cardNumber)) problems.push('objectCode is required with a 10-digit cardNumber');

  let benefitLevel = fromCard.benefitLevel;
  if (input.benefitLevel !== undefined) {
    const b = input.benefitLevel;
    if (!Number.isInteger(b) || b < 1 || b > 5) problems.push('benefitLevel must be an integer 1-5');
    else if (benefitLevel !== undefined && benefitLevel !== b) problems.push('benefitLevel differs from the digit in cardNumber');
    else benefitLevel = b;
  }
  if (benefitLevel === undefined && CARD_10.test(cardNumber)) problems.push('benefitLevel is required with a 10-digit cardNumber');

  const facility = typeof input.registeredFacility === 'string' ? input.registeredFacility.trim().toUpperCase() : '';
  if (!isFacilityCode(facility)) problems.push('registeredFacility must be 5 characters: 2-digit province + 3 digits or letters');
  else if (!PROVINCES.has(facility.slice(0, 2))) problems.push('registeredFacility has a province code not in the province table');

  const validFrom = input.validFrom;
  if (!isIsoDate(validFrom)) problems.push('validFrom must be a date YYYY-MM-DD');
  const validTo = optionalDate(input.validTo, 'validTo', problems);
  if (validTo !== undefined && isIsoDate(validFrom) && validTo < validFrom) problems.push('validTo is before validFrom');
  const fiveYearDate = optionalDate(input.fiveYearDate, 'fiveYearDate', problems);

  let areaCode: string | undefined;
  if (input.areaCode !== undefined && input.areaCode !== '') {
    const a = typeof input.areaCode === 'string' ? input.areaCode.toUpperCase() : '';
    if (!AREA.test(a)) problems.push('areaCode must be K1, K2 or K3');
    else areaCode = a;
  }

  if (problems.length > 0) {
    throw new AppError('ISSUE_INPUT_INVALID', `card input invalid: ${problems.join('; ')}`, { problems });
  }
  const card: NormalisedCard = {
    fullName: fullName!,
    birthDate,
    gender,
    maSoBhxh: maSoBhxh!,
    cardNumber,
    objectCode: objectCode!,
    benefitLevel: benefitLevel!,
    registeredFacility: facility,
    validFrom,
    issuedBy,
  };
  if (validTo !== undefined) card.validTo = validTo;
  if (fiveYearDate !== undefined) card.fiveYearDate = fiveYearDate;
  if (areaCode !== undefined) card.areaCode = areaCode;
  return card;
}

/** Checks the claims the issuer adds (iss, times, rid); throws ISSUE_INPUT_INVALID. */
export function checkClaims(claims: PayloadClaims): void {
  const problems: string[] = [];
  if (typeof claims.iss !== 'string' || !ISS.test(claims.iss) || claims.iss.endsWith('/')) {
    problems.push('iss must be an https URL without a trailing slash');
  }
  if (!Number.isSafeInteger(claims.nbf) || claims.nbf < 0) problems.push('nbf must be whole seconds since epoch');
  if (!Number.isSafeInteger(claims.exp) || claims.exp <= claims.nbf) problems.push('exp must be whole seconds after nbf');
  if (claims.rid !== undefined && !RID.test(claims.rid)) problems.push('rid must be base64url, 1-24 characters');
  if (problems.length > 0) {
    throw new AppError('ISSUE_INPUT_INVALID', `card claims invalid: ${problems.join('; ')}`, { problems });
  }
}

export function buildPatient(card: NormalisedCard): FhirPatient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: BHXH_ID_SYSTEM, value: card.maSoBhxh }],
    name: [{ text: card.fullName }],
    gender: card.gender,
    birthDate: card.birthDate,
  };
}

function classType(code: string): FhirCodeableClassType {
  return { coding: [{ system: BHYT_CLASS_SYSTEM, code }] };
}

export function buildCoverage(card: NormalisedCard): FhirCoverage {
  const extension: FhirExtension[] = [];
  if (card.fiveYearDate !== undefined) extension.push({ url: EXT_FIVE_YEARS, valueDate: card.fiveYearDate });
  if (card.areaCode !== undefined) extension.push({ url: EXT_AREA_CODE, valueCode: card.areaCode });
  const period: FhirCoverage['period'] = { start: card.validFrom };
  if (card.validTo !== undefined) period.end = card.validTo;
  // Member order follows FHIR's JSON convention (extension first); it also fixes the byte layout
  // so that the same card always deflates to the same bytes.
  const coverage: FhirCoverage = {
    resourceType: 'Coverage',
    ...(extension.length > 0 ? { extension } : {}),
    status: 'active',
    subscriberId: card.cardNumber,
    beneficiary: { reference: 'resource:0' },
    period,
    payor: [{ display: card.issuedBy }],
    class: [
      { type: classType(CLASS_OBJECT_CODE), value: card.objectCode },
      { type: classType(CLASS_BENEFIT_LEVEL), value: String(card.benefitLevel) },
    ],
    network: card.registeredFacility,
  };
  return coverage;
}

/** The whole payload for already-checked card fields and claims. */
export function buildPayload(card: NormalisedCard, claims: PayloadClaims): CardPayload {
  checkClaims(claims);
  const payload: CardPayload = {
    iss: claims.iss,
    nbf: claims.nbf,
    exp: claims.exp,
    vc: {
      type: [HEALTH_CARD_TYPE],
      credentialSubject: {
        fhirVersion: FHIR_VERSION,
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            { fullUrl: 'resource:0', resource: buildPatient(card) },
            { fullUrl: 'resource:1', resource: buildCoverage(card) },
          ],
        },
      },
    },
  };
  if (claims.rid !== undefined) payload.vc.rid = claims.rid;
  return payload;
}
