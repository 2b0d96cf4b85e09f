/**
 * The demo person who brings an unsigned card to the desk: the QR of the paper card (the same QR
 * VssID shows as the card image) and the QR of the chip ID card (CCCD), in the formats of
 * ../shared/spec/bhyt-domain.md, plus the reference portal's record of the same person, so the
 * online check answers 000 for either QR. `issuer demo-legacy` and `npm run demo` print these.
 *
 * Synthetic data only: a woman in Lai Châu registered at facility 12001, covered for the whole
 * Vietnam calendar year of `now`.
 */
import { vietnamDay } from '../wire/vietnam-time.js';
import type { PortalPerson } from '../reference-portal/dataset-schema.js';

export interface DemoLegacyPerson {
  cardNumber: string;
  maSoBhxh: string;
  cccd: string;
  oldId: string;
  fullName: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  gender: 'male' | 'female';
  address: string;
  /** 5-character registered facility. */
  registeredFacility: string;
  /** 4-character office code (start of the management code). */
  officeCode: string;
  issuedBy: string;
  validFrom: string;
  validTo: string;
  issueDate: string;
  fiveYearDate: string;
  cccdIssueDate: string;
}

export function demoLegacyPerson(now: number): DemoLegacyPerson {
  const year = Number(vietnamDay(now).slice(0, 4));
  return {
    cardNumber: 'GD4121209876543',
    maSoBhxh: '1209876543',
    cccd: '012185004321',
    oldId: '045678912',
    fullName: 'Phạm Thị Thu Hằng',
    birthDate: '1985-08-15',
    gender: 'female',
    address: 'Số 25 Đường Trần Phú, Phường Tân Phong, Thành phố Lai Châu, Lai Châu',
    registeredFacility: '12001',
    officeCode: '1201',
    issuedBy: 'BHXH tỉnh Lai Châu',
    validFrom: `${year}-01-01`,
    validTo: `${year}-12-31`,
    issueDate: `${year - 1}-12-15`,
    fiveYearDate: `${year + 3}-01-01`,
    cccdIssueDate: '2021-05-10',
  };
}

const hexUtf8 = (s: string): string => Buffer.from(s.normalize('NFC'), 'utf8').toString('hex');
/** `YYYY-MM-DD` → `dd/MM/yyyy`. */
const dmySlash = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
/** `YYYY-MM-DD` → `ddMMyyyy`. */
const dmyCompact = (iso: string): string => `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(0, 4)}`;

/**
 * The paper-card / VssID QR: 14 `|` fields ending in `$` (an old 15-character card with its
 * address). The check string (field 13) is made up: its algorithm is not public and no reader
 * checks it.
 */
export function legacyQrText(p: DemoLegacyPerson): string {
  const f = p.registeredFacility;
  return [
    p.cardNumber,
    hexUtf8(p.fullName),
    dmySlash(p.birthDate),
    p.gender === 'male' ? '1' : '2',
    hexUtf8(p.address),
    `${f.slice(0, 2)} - ${f.slice(2)}`,
    dmySlash(p.validFrom),
    dmySlash(p.validTo),
    dmySlash(p.issueDate),
    `${p.officeCode}${p.maSoBhxh}`,
    '-',
    '4',
    dmySlash(p.fiveYearDate),
    '7c3e9a1f5b2d8064-6202',
    '$',
  ].join('|');
}

/** The chip ID card's QR: 7 `|` fields, the name in plain UTF-8. */
export function idCardQrText(p: DemoLegacyPerson): string {
  return [
    p.cccd,
    p.oldId,
    p.fullName.normalize('NFC'),
    dmyCompact(p.birthDate),
    p.gender === 'male' ? 'Nam' : 'Nữ',
    p.address,
    dmyCompact(p.cccdIssueDate),
  ].join('|');
}

/** The reference portal's record of the person (found by card number, mã số BHXH or CCCD). */
export function legacyPortalPerson(p: DemoLegacyPerson): PortalPerson {
  return {
    maSoBhxh: p.maSoBhxh,
    maThe: p.cardNumber,
    cccd: p.cccd,
    hoTen: p.fullName,
    ngaySinh: p.birthDate,
    gioiTinh: p.gender === 'male' ? 'Nam' : 'Nữ',
    diaChi: p.address,
    maDKBD: p.registeredFacility,
    gtTheTu: p.validFrom,
    gtTheDen: p.validTo,
    cqBHXH: p.officeCode,
    ngayDu5Nam: p.fiveYearDate,
    status: 'normal',
  };
}
