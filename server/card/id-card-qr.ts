import { isoFromDmyCompact } from './dates.js';
import type { CardFields, Gender } from '../wire/verification.js';

/**
 * The chip ID card (CCCD) QR (bhyt-domain.md): 7 `|` fields — 12-digit ID | old 9-digit ID or
 * empty | full name (plain UTF-8) | birth date ddMMyyyy | Nam/Nữ | address | issue date. It
 * identifies the person but proves no coverage: verify.ts returns ID_CARD_PRESENTED
 * (needs_review) so the receptionist looks the insurance card up online.
 */

const ID_NUMBER = /^\d{12}$/;
const MAX_NAME = 200;

export type IdCardParse = { ok: true; card: CardFields } | { ok: false; detail: string };

const MALE = 'nam';
const FEMALE = 'nữ'.normalize('NFC');

export function parseIdCardQr(text: string): IdCardParse {
  const f = text.split('|');
  if (f.length !== 7) return { ok: false, detail: 'field count' };
  const idNumber = f[0]!.trim();
  if (!ID_NUMBER.test(idNumber)) return { ok: false, detail: 'id number' };
  const fullName = f[2]!.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (fullName.length === 0 || fullName.length > MAX_NAME) return { ok: false, detail: 'name' };
  const birthDate = isoFromDmyCompact(f[3]!);
  if (birthDate === undefined) return { ok: false, detail: 'birth date' };
  const card: CardFields = { idNumber, fullName, birthDate };
  const g = f[4]!.normalize('NFC').trim().toLowerCase();
  const gender: Gender | undefined = g === MALE ? 'male' : g === FEMALE ? 'female' : undefined;
  if (gender) card.gender = gender;
  return { ok: true, card };
}

/** Name as people compare it: NFC, case-folded (Vietnamese rules), single spaces. */
function nameKey(s: string): string {
  return s.normalize('NFC').toLocaleLowerCase('vi').trim().replace(/\s+/g, ' ');
}

/**
 * Whether an insurance card and a chip ID card name the same person: same name (ignoring case,
 * extra spaces and Unicode composition) and same birth date. A card that records only the birth
 * year matches an ID card born that year. Missing name or birth date on either side → false.
 */
export function sameHolder(card: CardFields, idCard: CardFields): boolean {
  if (!card.fullName || !idCard.fullName || !card.birthDate || !idCard.birthDate) return false;
  if (nameKey(card.fullName) !== nameKey(idCard.fullName)) return false;
  const a = card.birthDate;
  const b = idCard.birthDate;
  if (a === b) return true;
  // Partial dates (YYYY or YYYY-MM) match a full date that starts with them.
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length < 10 && longer.startsWith(shorter + '-');
}
