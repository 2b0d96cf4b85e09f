import { BHXH_ID_SYSTEM, BHYT_CLASS_SYSTEM, CLASS_BENEFIT_LEVEL, CLASS_OBJECT_CODE, EXT_AREA_CODE, EXT_FIVE_YEARS } from './fhir-names.js';
import { credentialInvalid } from './credential.js';
import { isIsoDate } from '../lib/iso-date.js';
import { isFhirDate } from './dates.js';
import { reason } from './reasons.js';
import type { CardFields, Reason } from '../wire/verification.js';

/**
 * Maps the verified Patient + Coverage to CardFields exactly per spec §2 and
 * docs/card-format.md. Field-format problems are findings (CREDENTIAL_INVALID, or
 * CARD_NUMBER_INVALID for the numbers printed on the card); absent optional fields are omitted.
 */

const MA_SO = /^\d{10}$/;
const OBJECT_CODE = /^[A-Z]{2}$/;
const BENEFIT = /^[1-5]$/;
const FACILITY = /^[0-9A-Za-z]{5}$/;
const AREA = /^[A-Z0-9]{1,4}$/;
const MAX_TEXT = 200;

type Json = Record<string, unknown>;

export interface ReadCardResult {
  card: CardFields;
  reasons: Reason[];
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shortText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;
}

/** The class kind (`doi-tuong` / `muc-huong`) from `type.coding` (written form) or `type.text` shorthand. */
function classKind(type: unknown): string | undefined {
  if (!isObj(type)) return undefined;
  if (Array.isArray(type.coding)) {
    for (const c of type.coding as unknown[]) {
      if (isObj(c) && c.system === BHYT_CLASS_SYSTEM && typeof c.code === 'string') return c.code;
    }
  }
  if (typeof type.text === 'string' && type.text.startsWith(BHYT_CLASS_SYSTEM + '#')) return type.text.slice(BHYT_CLASS_SYSTEM.length + 1);
  return undefined;
}

function readPatient(p: Json, card: CardFields, reasons: Reason[]): void {
  const name0 = Array.isArray(p.name) ? (p.name[0] as unknown) : undefined;
  if (isObj(name0) && shortText(name0.text)) card.fullName = name0.text.trim();
  else reasons.push(credentialInvalid('Patient.name[0].text missing'));

  if (isFhirDate(p.birthDate)) card.birthDate = p.birthDate;
  else reasons.push(credentialInvalid('Patient.birthDate missing or not a date'));

  if (p.gender === 'male' || p.gender === 'female' || p.gender === 'other') card.gender = p.gender;
  else if (p.gender !== undefined && p.gender !== 'unknown') reasons.push(credentialInvalid('Patient.gender not a FHIR gender'));

  if (Array.isArray(p.identifier)) {
    for (const id of p.identifier as unknown[]) {
      if (!isObj(id) || id.system !== BHXH_ID_SYSTEM) continue;
      if (typeof id.value === 'string' && MA_SO.test(id.value)) card.maSoBhxh = id.value;
      else reasons.push(reason('CARD_NUMBER_INVALID', { message_en: 'The social-insurance number (mã số BHXH) is not 10 digits.' }));
      break;
    }
  }
}

function readCoverage(c: Json, card: CardFields, reasons: Reason[]): void {
  if (typeof c.subscriberId === 'string') card.cardNumber = c.subscriberId.trim();

  if (Array.isArray(c.class)) {
    for (const cl of c.class as unknown[]) {
      if (!isObj(cl)) continue;
      const kind = classKind(cl.type);
      if (kind === CLASS_OBJECT_CODE) {
        if (typeof cl.value === 'string' && OBJECT_CODE.test(cl.value)) card.objectCode = cl.value;
        else reasons.push(reason('CARD_NUMBER_INVALID', { message_en: 'The object code class is not two capital letters.' }));
      } else if (kind === CLASS_BENEFIT_LEVEL) {
        if (typeof cl.value === 'string' && BENEFIT.test(cl.value)) card.benefitLevel = Number(cl.value);
        else reasons.push(reason('CARD_NUMBER_INVALID', { portalCode: '053', message_en: 'The benefit level class is not 1–5.' }));
      }
    }
  }

  if (c.network !== undefined) {
    if (typeof c.network === 'string' && FACILITY.test(c.network)) card.registeredFacility = c.network.toUpperCase();
    else reasons.push(credentialInvalid('Coverage.network not a 5-character facility code'));
  }

  if (c.period !== undefined) {
    const period = c.period;
    if (!isObj(period)) reasons.push(credentialInvalid('Coverage.period not an object'));
    else {
      if (period.start !== undefined) {
        if (isIsoDate(period.start)) card.validFrom = period.start;
        else reasons.push(credentialInvalid('Coverage.period.start not a date'));
      }
      if (period.end !== undefined) {
        if (isIsoDate(period.end)) card.validTo = period.end;
        else reasons.push(credentialInvalid('Coverage.period.end not a date'));
      }
    }
  }

  if (Array.isArray(c.extension)) {
    for (const ext of c.extension as unknown[]) {
      if (!isObj(ext)) continue;
      if (ext.url === EXT_FIVE_YEARS) {
        if (isIsoDate(ext.valueDate)) card.fiveYearDate = ext.valueDate;
        else reasons.push(credentialInvalid('du-5-nam extension not a date'));
      } else if (ext.url === EXT_AREA_CODE) {
        if (typeof ext.valueCode === 'string' && AREA.test(ext.valueCode)) card.areaCode = ext.valueCode;
        else reasons.push(credentialInvalid('khu-vuc extension not a code'));
      }
    }
  }

  const payor0 = Array.isArray(c.payor) ? (c.payor[0] as unknown) : undefined;
  if (isObj(payor0) && shortText(payor0.display)) card.issuedBy = payor0.display;
}

/** Reads the card from the bundle's Patient and Coverage (shapes already checked by credential.ts). */
export function readCard(patient: Json, coverage: Json): ReadCardResult {
  const card: CardFields = {};
  const reasons: Reason[] = [];
  readPatient(patient, card, reasons);
  readCoverage(coverage, card, reasons);
  return { card, reasons };
}
