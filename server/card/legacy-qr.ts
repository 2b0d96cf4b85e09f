import { isoFromDmySlash } from './dates.js';
import { LEGACY_AREA_CODES } from './tables.js';
import type { CardFields, Gender } from '../wire/verification.js';

/**
 * The legacy paper-card QR (bhyt-domain.md): `|`-separated, names/addresses as hex of UTF-8,
 * `-` for empty, dates `dd/MM/yyyy`, ending in `$` (rarely `#`, sometimes nothing). It carries
 * no verifiable signature, so this only reads it; verify.ts marks the result UNSIGNED_LEGACY.
 */

const MIN_FIELDS = 14;
/** Real cards have 14 or 16 fields; a few spare ones are tolerated, a pile of them is not a card. */
const MAX_FIELDS = 20;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const FACILITY = /^[0-9A-Z]{5}$/;
const MANAGEMENT_CODE = /^[0-9A-Z]{4}(\d{10})$/;
const FACILITY_SEPARATORS = /[\s-]+/g;
const BENEFIT = /^[1-5]$/;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type LegacyParse = { ok: true; card: CardFields } | { ok: false; detail: string };

class Malformed extends Error {}

function empty(f: string): boolean {
  const t = f.trim();
  return t === '' || t === '-';
}

/** Hex of UTF-8 → text; `-` → undefined; anything else malformed. */
function hexText(f: string, what: string): string | undefined {
  if (empty(f)) return undefined;
  const t = f.trim();
  if (!HEX.test(t)) throw new Malformed(`${what} is not hex`);
  try {
    return UTF8.decode(Buffer.from(t, 'hex')).normalize('NFC').trim() || undefined;
  } catch {
    throw new Malformed(`${what} is not UTF-8`);
  }
}

function day(f: string, what: string, allowYear = false): string | undefined {
  if (empty(f)) return undefined;
  const iso = isoFromDmySlash(f, allowYear);
  if (iso === undefined) throw new Malformed(`${what} is not a date`);
  return iso;
}

/** Splits off the terminator (`$`, `#`, or none) and the separator before it. */
export function splitLegacyFields(text: string): string[] {
  let t = text;
  if (t.endsWith('$') || t.endsWith('#')) t = t.slice(0, -1);
  if (t.endsWith('|')) t = t.slice(0, -1);
  return t.split('|');
}

/** Reads a legacy paper-card QR into CardFields (no rules applied here). */
export function parseLegacyQr(text: string): LegacyParse {
  const f = splitLegacyFields(text);
  if (f.length < MIN_FIELDS || f.length > MAX_FIELDS) return { ok: false, detail: 'field count' };
  const at = (i: number): string => f[i] ?? '-';
  try {
    const card: CardFields = {};
    const cardNumber = at(0).trim();
    if (cardNumber === '' || cardNumber === '-') throw new Malformed('card number missing');
    card.cardNumber = cardNumber;

    const fullName = hexText(at(1), 'name');
    if (fullName === undefined) throw new Malformed('name missing');
    card.fullName = fullName;

    const birthDate = day(at(2), 'birth date', true);
    if (birthDate === undefined) throw new Malformed('birth date missing');
    card.birthDate = birthDate;

    const g = at(3).trim();
    const gender: Gender | undefined = g === '1' ? 'male' : g === '2' ? 'female' : undefined;
    if (gender) card.gender = gender;

    const address = hexText(at(4), 'address');
    if (address !== undefined) card.address = address;

    if (!empty(at(5))) {
      const facility = at(5).replace(FACILITY_SEPARATORS, '').toUpperCase();
      if (!FACILITY.test(facility)) throw new Malformed('facility is not 5 characters');
      card.registeredFacility = facility;
    }

    const validFrom = day(at(6), 'valid from');
    if (validFrom !== undefined) card.validFrom = validFrom;
    const validTo = day(at(7), 'valid to');
    if (validTo !== undefined) card.validTo = validTo;
    const issueDate = day(at(8), 'issue date');
    if (issueDate !== undefined) card.issueDate = issueDate;

    if (!empty(at(9))) {
      const mc = at(9).trim();
      const m = MANAGEMENT_CODE.exec(mc);
      if (!m) throw new Malformed('management code is not 14 characters');
      card.managementCode = mc;
      // The code ends in the 10-digit mã số BHXH: card-number rules compare it with the number.
      card.maSoBhxh = m[1]!;
    }

    const parentName = hexText(at(10), 'parent name');
    if (parentName !== undefined) card.parentName = parentName;

    const area = LEGACY_AREA_CODES.get(at(11).trim());
    if (area !== undefined) card.areaCode = area;

    const fiveYear = day(at(12), 'five-year date');
    if (fiveYear !== undefined) card.fiveYearDate = fiveYear;

    // Fields 14/15 exist on new (10-digit) cards only.
    if (f.length > 14 && !empty(at(14))) {
      const b = at(14).trim();
      if (!BENEFIT.test(b)) throw new Malformed('benefit level is not 1–5');
      card.benefitLevel = Number(b);
    }
    if (f.length > 15) {
      const place = hexText(at(15), 'place of issue');
      if (place !== undefined) card.issuedBy = place;
    }
    return { ok: true, card };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, detail: err.message };
    throw err;
  }
}
