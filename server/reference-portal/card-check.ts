/**
 * The card check's decision, as a pure function of the data, the asking account, the request and
 * the portal's day: which maKetQua, and the reply built from what the portal holds. No HTTP, no
 * clock reads: app.ts validates the request (205) and authenticates (401) before calling this.
 *
 * The order of the checks (the first that applies answers):
 *   1. staff member: `cccdCb` not registered for the account → 054; `hoTenCb` differs → 055
 *   2. `maThe` shape: 12 digits → look up by CCCD; 10 digits → by mã số BHXH; 15 characters →
 *      chars 1–2 not letters or 6–15 not digits → 051, char 3 not 1–5 → 053, chars 4–5 not a
 *      province → 052; any other shape → 051
 *   3. not found → 050 (a 15-character number whose mã số BHXH is held under another card
 *      number → 051: the number is wrong, the person exists)
 *   4. card state: revoked → 110; reduced → its 120–124; defence fund → 001; police fund → 002;
 *      child without card → 130
 *   5. identity: name (case, spacing and Unicode form ignored) differs → 061 if the first letter
 *      matches, else 060; birth date differs → 070 (a year-only date compares the year)
 *   6. validity on the portal's Vietnam day: outside gtTheTu..gtTheDen → 003 when a new card is
 *      issued and valid today, else 010; inside and a new card is issued → 004
 *   7. registered facility (the rule for 090): a person marked `onlyAtRegisteredFacility`
 *      answers 090 when the asking account's facility is not the card's maDKBD
 *   8. → 000
 * Asking with the new card's number (after 003/004) checks the new card: its validity and
 * facility, maTheCu naming the old one.
 */
import { PROVINCES } from '../card/tables.js';
import {
  CARD_CHECK_RESULTS,
  CCCD_RE,
  MA_SO_BHXH_RE,
  type CardCheckReply,
  type CardCheckRequest,
  type CardCheckResultCode,
  type CheckHistoryItem,
} from '../wire/portal.js';
import type { PortalAccount, PortalDataset, PortalPerson } from './dataset-schema.js';

/** Most recent checks listed in dsLichSuKT2018. */
export const MAX_CHECKS_LISTED = 20;

export interface CardCheckOutcome {
  code: CardCheckResultCode;
  reply: CardCheckReply;
  /** The person the answer is about (its check history gets this call), if found. */
  person?: PortalPerson;
}

/** The reply with every field null (arrays empty) but the code and the portal's message. */
export function emptyReply(code: CardCheckResultCode, ghiChu: string = CARD_CHECK_RESULTS[code].vi): CardCheckReply {
  return {
    maKetQua: code,
    ghiChu,
    maThe: null,
    hoTen: null,
    ngaySinh: null,
    gioiTinh: null,
    diaChi: null,
    maDKBD: null,
    cqBHXH: null,
    maKV: null,
    ngayDu5Nam: null,
    maSoBHXH: null,
    gtTheTu: null,
    gtTheDen: null,
    maTheCu: null,
    maTheMoi: null,
    gtTheTuMoi: null,
    gtTheDenMoi: null,
    maDKBDMoi: null,
    tenDKBDMoi: null,
    dsLichSuKCB2018: [],
    dsLichSuKT2018: [],
  };
}

/** `YYYY-MM-DD` → `dd/MM/yyyy`; `YYYY` stays. */
export function toWireDate(iso: string): string;
export function toWireDate(iso: string | null | undefined): string | null;
export function toWireDate(iso: string | null | undefined): string | null {
  if (iso == null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** `dd/MM/yyyy` → `YYYY-MM-DD`; `yyyy` stays. */
function fromWireDate(wire: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(wire);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : wire;
}

/** Names compare without case, surrounding or repeated spaces, or Unicode composition differences. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleUpperCase('vi');
}

function sameBirthDate(held: string, sent: string): boolean {
  const s = fromWireDate(sent);
  if (held.length === 4 || s.length === 4) return held.slice(0, 4) === s.slice(0, 4);
  return held === s;
}

type Found = { person: PortalPerson; viaNewCard: boolean } | { code: '050' | '051' | '052' | '053' };

function findPerson(data: PortalDataset, maThe: string): Found {
  if (CCCD_RE.test(maThe)) {
    const person = data.persons.find((p) => p.cccd === maThe);
    return person ? { person, viaNewCard: false } : { code: '050' };
  }
  if (MA_SO_BHXH_RE.test(maThe)) {
    const person = data.persons.find((p) => p.maSoBhxh === maThe || p.newCard?.maThe === maThe);
    return person ? { person, viaNewCard: person.maSoBhxh !== maThe } : { code: '050' };
  }
  if (maThe.length !== 15 || !/^[A-Z]{2}$/.test(maThe.slice(0, 2)) || !/^\d{10}$/.test(maThe.slice(5))) return { code: '051' };
  if (!/^[1-5]$/.test(maThe.charAt(2))) return { code: '053' };
  if (!PROVINCES.has(maThe.slice(3, 5))) return { code: '052' };
  const exact = data.persons.find((p) => p.maThe === maThe);
  if (exact) return { person: exact, viaNewCard: false };
  const renewed = data.persons.find((p) => p.newCard?.maThe === maThe);
  if (renewed) return { person: renewed, viaNewCard: true };
  // The person exists, but not with this object code / benefit digit / province: a wrong number.
  return data.persons.some((p) => p.maSoBhxh === maThe.slice(5)) ? { code: '051' } : { code: '050' };
}

const validOn = (day: string, from: string, to: string | null) => from <= day && (to === null || day <= to);

export interface CardCheckInput {
  data: PortalDataset;
  account: PortalAccount;
  request: CardCheckRequest;
  /** The portal's Vietnam calendar day, `YYYY-MM-DD`. */
  today: string;
  /** This person's check history so far, most recent first. */
  checksOf(person: PortalPerson): readonly CheckHistoryItem[];
}

export function decideCardCheck(input: CardCheckInput): CardCheckOutcome {
  const { data, account, request, today } = input;
  const staff = account.staff.find((s) => s.cccd === request.cccdCb);
  if (!staff) return { code: '054', reply: emptyReply('054') };
  if (normaliseName(staff.hoTen) !== normaliseName(request.hoTenCb)) return { code: '055', reply: emptyReply('055') };

  const found = findPerson(data, request.maThe);
  if ('code' in found) return { code: found.code, reply: emptyReply(found.code) };
  const { person, viaNewCard } = found;
  const answer = (code: CardCheckResultCode): CardCheckOutcome => ({
    code,
    person,
    reply: fill(emptyReply(code), person, viaNewCard, code, input.checksOf(person)),
  });

  if (person.status === 'revoked') return answer('110');
  if (person.status === 'reduced') return answer(person.reducedCode ?? '120');
  if (person.status === 'defence-fund') return answer('001');
  if (person.status === 'police-fund') return answer('002');
  if (person.status === 'child-without-card') return answer('130');

  const heldName = normaliseName(person.hoTen);
  const sentName = normaliseName(request.hoTen);
  if (heldName !== sentName) return answer(heldName.charAt(0) === sentName.charAt(0) ? '061' : '060');
  if (!sameBirthDate(person.ngaySinh, request.ngaySinh)) return answer('070');

  const card = viaNewCard && person.newCard ? person.newCard : person;
  const newCard = viaNewCard ? undefined : person.newCard;
  if (!validOn(today, card.gtTheTu, card.gtTheDen)) {
    return answer(newCard && validOn(today, newCard.gtTheTu, newCard.gtTheDen) ? '003' : '010');
  }
  if (newCard) return answer('004');
  if (person.onlyAtRegisteredFacility && account.facility !== card.maDKBD) return answer('090');
  return answer('000');
}

function fill(
  reply: CardCheckReply,
  p: PortalPerson,
  viaNewCard: boolean,
  code: CardCheckResultCode,
  checks: readonly CheckHistoryItem[],
): CardCheckReply {
  const n = p.newCard;
  const oldNumber = p.maThe ?? p.maSoBhxh;
  const current =
    viaNewCard && n ? { maThe: n.maThe, gtTheTu: n.gtTheTu, gtTheDen: n.gtTheDen, maDKBD: n.maDKBD } : { ...p, maThe: oldNumber };
  reply.maThe = current.maThe;
  reply.hoTen = p.hoTen;
  reply.ngaySinh = toWireDate(p.ngaySinh);
  reply.gioiTinh = p.gioiTinh;
  reply.diaChi = p.diaChi ?? null;
  reply.maDKBD = current.maDKBD;
  reply.cqBHXH = p.cqBHXH ?? null;
  reply.maKV = p.maKV ?? null;
  reply.ngayDu5Nam = toWireDate(p.ngayDu5Nam);
  reply.maSoBHXH = p.maSoBhxh;
  reply.gtTheTu = toWireDate(current.gtTheTu);
  reply.gtTheDen = toWireDate(current.gtTheDen);
  if (viaNewCard) reply.maTheCu = oldNumber;
  if (n && (code === '003' || code === '004')) {
    reply.maTheCu = oldNumber;
    reply.maTheMoi = n.maThe;
    reply.gtTheTuMoi = toWireDate(n.gtTheTu);
    reply.gtTheDenMoi = toWireDate(n.gtTheDen);
    reply.maDKBDMoi = n.maDKBD;
    reply.tenDKBDMoi = n.tenDKBD;
  }
  reply.dsLichSuKCB2018 = (p.visits ?? []).map((v) => ({ ...v }));
  reply.dsLichSuKT2018 = checks.slice(0, MAX_CHECKS_LISTED).map((c) => ({ ...c }));
  return reply;
}
