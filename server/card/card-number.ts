import { reason } from './reasons.js';
import { BENEFIT_PERCENT, OBJECT_CODES, PROVINCES } from './tables.js';
import type { CardFields, Reason } from '../wire/verification.js';

/**
 * Card-number rules (spec §3 step 8, bhyt-domain.md "Card numbers"). Two generations:
 * `XX D PP NNNNNNNNNN` (15 chars) and the bare 10-digit mã số BHXH. Each wrong part is its own
 * finding with the portal number receptionists know (051 number, 052 province, 053 benefit).
 * The object code / benefit digit pairing is never judged: the digit follows the person's best
 * entitlement.
 */

const TEN_DIGITS = /^\d{10}$/;
/**
 * Soldiers' and cipher staff's cards (defence fund, portal 001) and police cards (police fund,
 * 002) are often absent from the civilian lookup: the receptionist checks card and ID papers.
 */
const SPECIAL_FUND_PORTAL_CODE: ReadonlyMap<string, '001' | '002'> = new Map([
  ['QN', '001'],
  ['CY', '001'],
  ['CA', '002'],
]);
const OBJECT_SHAPE = /^[A-Z]{2}$/;
const BENEFIT_DIGIT = /^[1-5]$/;
const PROVINCE_SHAPE = /^\d{2}$/;

function invalid(portalCode: '051' | '052' | '053', message_en: string, message_vi?: string): Reason {
  const r = reason('CARD_NUMBER_INVALID', { portalCode, message_en });
  if (message_vi) r.message_vi = message_vi;
  return r;
}

const MSG_VI_PROVINCE = 'Mã tỉnh trong mã thẻ BHYT (ký tự 4–5) không đúng.';
const MSG_VI_BENEFIT = 'Mã mức hưởng trong mã thẻ BHYT (ký tự 3) không đúng.';
const MSG_VI_MISMATCH = 'Mã thẻ BHYT không khớp với thông tin khác trên thẻ.';

function checkFifteen(s: string, card: CardFields, reasons: Reason[]): void {
  const obj = s.slice(0, 2);
  const digit = s.charAt(2);
  const prov = s.slice(3, 5);
  const tail = s.slice(5);

  const objOk = OBJECT_SHAPE.test(obj);
  if (!objOk) reasons.push(invalid('051', 'The object code (characters 1–2) is not two capital letters.'));
  const digitOk = BENEFIT_DIGIT.test(digit);
  if (!digitOk) reasons.push(invalid('053', 'The benefit digit (character 3) is not 1–5.', MSG_VI_BENEFIT));
  const provOk = PROVINCE_SHAPE.test(prov) && PROVINCES.has(prov);
  if (!provOk) reasons.push(invalid('052', 'The province code (characters 4–5) is not in the table.', MSG_VI_PROVINCE));
  const tailOk = TEN_DIGITS.test(tail);
  if (!tailOk) reasons.push(invalid('051', 'The social-insurance number (characters 6–15) is not 10 digits.'));

  if (objOk) {
    if (card.objectCode !== undefined && card.objectCode !== obj) {
      reasons.push(invalid('051', 'The object code in the number differs from the object code class.', MSG_VI_MISMATCH));
    } else card.objectCode = obj;
  }
  if (digitOk) {
    const level = Number(digit);
    if (card.benefitLevel !== undefined && card.benefitLevel !== level) {
      reasons.push(invalid('053', 'The benefit digit differs from the benefit level class.', MSG_VI_BENEFIT));
    } else card.benefitLevel = level;
  }
  if (provOk) card.provinceCode = prov;
  if (tailOk) {
    if (card.maSoBhxh !== undefined && card.maSoBhxh !== tail) {
      reasons.push(
        invalid('051', "The number inside the card number differs from the patient's social-insurance number.", MSG_VI_MISMATCH),
      );
    } else card.maSoBhxh = tail;
  }
}

/**
 * Checks `card.cardNumber` against the other card fields and fills what the number implies
 * (objectCode, benefitLevel, provinceCode/Name, maSoBhxh, benefitPercent) where absent.
 * Mutates `card`; returns the findings.
 */
export function applyCardNumberRules(card: CardFields): Reason[] {
  const reasons: Reason[] = [];
  const s = card.cardNumber;
  if (s === undefined || s.length === 0) {
    reasons.push(invalid('051', 'The card number is missing.'));
  } else if (s.length === 15) {
    checkFifteen(s, card, reasons);
  } else if (TEN_DIGITS.test(s)) {
    if (card.maSoBhxh !== undefined && card.maSoBhxh !== s) {
      reasons.push(invalid('051', "The card number differs from the patient's social-insurance number.", MSG_VI_MISMATCH));
    } else card.maSoBhxh = s;
  } else {
    reasons.push(invalid('051', 'The card number is neither 15 characters nor 10 digits.'));
  }

  if (card.objectCode !== undefined && !OBJECT_CODES.has(card.objectCode)) reasons.push(reason('OBJECT_CODE_UNKNOWN'));
  const fund = card.objectCode === undefined ? undefined : SPECIAL_FUND_PORTAL_CODE.get(card.objectCode);
  if (fund !== undefined) reasons.push(reason('SPECIAL_FUND_CARD', { portalCode: fund }));
  if (card.benefitLevel !== undefined) {
    const pct = BENEFIT_PERCENT.get(card.benefitLevel);
    if (pct !== undefined) card.benefitPercent = pct;
  }
  // A 10-digit card carries no province: the registered facility's first two digits give it.
  if (card.provinceCode === undefined && card.registeredFacility !== undefined) {
    const p = card.registeredFacility.slice(0, 2);
    if (PROVINCES.has(p)) card.provinceCode = p;
  }
  if (card.provinceCode !== undefined) {
    const name = PROVINCES.get(card.provinceCode);
    if (name !== undefined) card.provinceName = name;
  }
  return reasons;
}
