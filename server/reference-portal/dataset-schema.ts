/**
 * The shape of the reference portal's data file (DIR/portal.json) and its one validator: the
 * types of the insured persons it answers for and the facility accounts that may ask, and
 * `validateDataset`, which lists every problem of a parsed file. No I/O: reading and atomic
 * writing, and the helpers that add entries, are in ./dataset.ts.
 *
 * File shape (dates are ISO `YYYY-MM-DD`; the portal writes them `dd/MM/yyyy` on the wire):
 *
 *   {
 *     "version": 1,
 *     "persons": [ {
 *       "maSoBhxh": "1201234567",            // 10 digits, required, unique
 *       "maThe": "HC4121201234567",          // 15-char card number (optional: 10-digit cards print only maSoBhxh)
 *       "cccd": "012090001234",              // 12-digit chip ID-card number (optional, unique)
 *       "hoTen": "Nguyễn Đức Thiện", "ngaySinh": "1990-03-20" | "1990", "gioiTinh": "Nam" | "Nữ",
 *       "diaChi": "…", "maDKBD": "12001", "gtTheTu": "2026-01-01", "gtTheDen": "2026-12-31" | null,
 *       "cqBHXH": "1201", "maKV": "K1", "ngayDu5Nam": "2028-01-01",
 *       "status": "normal" | "defence-fund" | "police-fund" | "revoked" | "reduced" | "child-without-card",
 *       "reducedCode": "120".."124",          // with status "reduced": which kind (121 moved out, …)
 *       "newCard": { "maThe", "gtTheTu", "gtTheDen", "maDKBD", "tenDKBD" },   // answers 003 / 004
 *       "onlyAtRegisteredFacility": true,     // 090 when the asking account's facility is not maDKBD
 *       "visits": [ { "maHoSo", "maCSKCB", "ngayVao", "ngayRa", "tenBenh", "tinhTrang", "kqDieuTri", "lyDoVV" } ],
 *       "checks": [ { "userKT", "thoiGianKT", "thongBao", "maLoi" } ]          // seed of dsLichSuKT2018
 *     } ],
 *     "accounts": [ {
 *       "username": "12001_bv", "password": "plain" | "passwordMd5": "<lowercase hex md5>",
 *       "facility": "12001", "staff": [ { "hoTen": "Lê Thị Tân", "cccd": "001090000001" } ]
 *     } ],
 *     "facilityCerts": { "12001": "-----BEGIN CERTIFICATE-----…" }   // optional: the facilities'
 *   }                                      // registered certificates (check-in record signatures)
 */
import { X509Certificate } from 'node:crypto';
import { PROVINCES } from '../card/tables.js';
import { ConfigError } from '../errors.js';
import { isIsoDate } from '../lib/iso-date.js';
import { isFacilityCode } from '../lib/facility-code.js';
import {
  CCCD_RE,
  MA_SO_BHXH_RE,
  PORTAL_DATETIME_FORMAT,
  PORTAL_DATETIME_RE,
  type CheckHistoryItem,
  type ReducedCode,
  type VisitHistoryItem,
} from '../wire/portal.js';

export const DATASET_VERSION = 1;

export const PERSON_STATUSES = ['normal', 'defence-fund', 'police-fund', 'revoked', 'reduced', 'child-without-card'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
const REDUCED_CODES: readonly ReducedCode[] = ['120', '121', '122', '123', '124'];

export interface NewCard {
  maThe: string;
  gtTheTu: string;
  gtTheDen: string | null;
  maDKBD: string;
  tenDKBD: string | null;
}

export interface PortalPerson {
  maSoBhxh: string;
  maThe?: string;
  cccd?: string;
  hoTen: string;
  /** `YYYY-MM-DD`, or `YYYY` when only the year is known. */
  ngaySinh: string;
  gioiTinh: 'Nam' | 'Nữ';
  diaChi?: string;
  maDKBD: string;
  gtTheTu: string;
  gtTheDen: string | null;
  cqBHXH?: string;
  maKV?: string;
  ngayDu5Nam?: string;
  status: PersonStatus;
  reducedCode?: ReducedCode;
  newCard?: NewCard;
  onlyAtRegisteredFacility?: boolean;
  visits?: VisitHistoryItem[];
  checks?: CheckHistoryItem[];
}

export interface StaffMember {
  hoTen: string;
  cccd: string;
}

export interface PortalAccount {
  username: string;
  /** Plain password (demo data), or … */
  password?: string;
  /** … its lowercase hex MD5 (what the wire carries). */
  passwordMd5?: string;
  facility: string;
  staff: StaffMember[];
}

export interface PortalDataset {
  version: typeof DATASET_VERSION;
  persons: PortalPerson[];
  accounts: PortalAccount[];
  /**
   * Facility code → its registered certificate (PEM): what a check-in file's CHUKYDONVI must be
   * signed with. Absent when no facility registered one (every signed file is then refused).
   */
  facilityCerts?: Record<string, string>;
}

/** A certificate is a few KiB; anything larger is not one. */
export const MAX_FACILITY_CERT_CHARS = 16 * 1024;

const CARD_15 = /^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$/;
const YEAR = /^\d{4}$/;
const MD5 = /^[0-9a-f]{32}$/;
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
const PERSON_FIELDS = new Set([
  'maSoBhxh',
  'maThe',
  'cccd',
  'hoTen',
  'ngaySinh',
  'gioiTinh',
  'diaChi',
  'maDKBD',
  'gtTheTu',
  'gtTheDen',
  'cqBHXH',
  'maKV',
  'ngayDu5Nam',
  'status',
  'reducedCode',
  'newCard',
  'onlyAtRegisteredFacility',
  'visits',
  'checks',
]);
const VISIT_FIELDS = ['maHoSo', 'maCSKCB', 'ngayVao', 'ngayRa', 'tenBenh', 'tinhTrang', 'kqDieuTri', 'lyDoVV'] as const;
const CHECK_FIELDS = ['userKT', 'thoiGianKT', 'thongBao', 'maLoi'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max = 500): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/** A 15-character card number whose shape, benefit digit and province are all right. */
export function isValidCardNumber15(s: string): boolean {
  return CARD_15.test(s) && PROVINCES.has(s.slice(3, 5));
}

function checkNullableItems<K extends string>(
  v: unknown,
  keys: readonly K[],
  where: string,
  problems: string[],
  dateKeys: readonly K[],
): Record<K, string | null>[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push(`${where}: must be a list`);
    return undefined;
  }
  return v.map((item, i) => {
    const out = {} as Record<K, string | null>;
    if (!isObj(item)) {
      problems.push(`${where}[${i}]: must be an object`);
      return out;
    }
    for (const k of Object.keys(item))
      if (!(keys as readonly string[]).includes(k)) problems.push(`${where}[${i}]: unknown field "${k.slice(0, 40)}"`);
    for (const k of keys) {
      const x = item[k];
      if (x === undefined || x === null) out[k] = null;
      else if (typeof x !== 'string' || x.length > 500) problems.push(`${where}[${i}].${k}: must be text or null`);
      else if (dateKeys.includes(k) && !PORTAL_DATETIME_RE.test(x)) problems.push(`${where}[${i}].${k}: must be ${PORTAL_DATETIME_FORMAT}`);
      else out[k] = x;
    }
    return out;
  });
}

function checkPerson(raw: unknown, where: string, problems: string[]): PortalPerson | undefined {
  if (!isObj(raw)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  const p = raw;
  for (const k of Object.keys(p)) if (!PERSON_FIELDS.has(k)) problems.push(`${where}: unknown field "${k.slice(0, 40)}"`);
  if (typeof p.maSoBhxh !== 'string' || !MA_SO_BHXH_RE.test(p.maSoBhxh)) problems.push(`${where}.maSoBhxh: must be 10 digits`);
  if (p.maThe !== undefined) {
    if (typeof p.maThe !== 'string' || !isValidCardNumber15(p.maThe))
      problems.push(`${where}.maThe: must be a 15-character card number (object code, benefit 1–5, province, 10 digits)`);
    else if (p.maThe.slice(5) !== p.maSoBhxh) problems.push(`${where}.maThe: its last 10 digits must be maSoBhxh`);
  }
  if (p.cccd !== undefined && (typeof p.cccd !== 'string' || !CCCD_RE.test(p.cccd))) problems.push(`${where}.cccd: must be 12 digits`);
  if (!isText(p.hoTen, 255)) problems.push(`${where}.hoTen: required text`);
  if (typeof p.ngaySinh !== 'string' || !(isIsoDate(p.ngaySinh) || YEAR.test(p.ngaySinh)))
    problems.push(`${where}.ngaySinh: must be YYYY-MM-DD or YYYY`);
  if (p.gioiTinh !== 'Nam' && p.gioiTinh !== 'Nữ') problems.push(`${where}.gioiTinh: must be "Nam" or "Nữ"`);
  for (const k of ['diaChi', 'cqBHXH', 'maKV'] as const)
    if (p[k] !== undefined && !isText(p[k])) problems.push(`${where}.${k}: must be text when present`);
  if (!isFacilityCode(p.maDKBD)) problems.push(`${where}.maDKBD: must be a 5-character facility code`);
  if (!isIsoDate(p.gtTheTu)) problems.push(`${where}.gtTheTu: must be YYYY-MM-DD`);
  if (p.gtTheDen !== null && !isIsoDate(p.gtTheDen)) problems.push(`${where}.gtTheDen: must be YYYY-MM-DD or null (no end date)`);
  if (p.ngayDu5Nam !== undefined && !isIsoDate(p.ngayDu5Nam)) problems.push(`${where}.ngayDu5Nam: must be YYYY-MM-DD`);
  if (typeof p.status !== 'string' || !(PERSON_STATUSES as readonly string[]).includes(p.status))
    problems.push(`${where}.status: must be one of ${PERSON_STATUSES.join(', ')}`);
  if (p.status === 'reduced') {
    if (!REDUCED_CODES.includes(p.reducedCode as ReducedCode)) problems.push(`${where}.reducedCode: must be 120–124 for a reduced card`);
  } else if (p.reducedCode !== undefined) problems.push(`${where}.reducedCode: only with status "reduced"`);
  if (p.newCard !== undefined) {
    const n = p.newCard;
    if (!isObj(n)) problems.push(`${where}.newCard: must be an object`);
    else {
      if (typeof n.maThe !== 'string' || !(isValidCardNumber15(n.maThe) || MA_SO_BHXH_RE.test(n.maThe)))
        problems.push(`${where}.newCard.maThe: must be a card number`);
      if (!isIsoDate(n.gtTheTu)) problems.push(`${where}.newCard.gtTheTu: must be YYYY-MM-DD`);
      if (n.gtTheDen !== null && !isIsoDate(n.gtTheDen)) problems.push(`${where}.newCard.gtTheDen: must be YYYY-MM-DD or null`);
      if (!isFacilityCode(n.maDKBD)) problems.push(`${where}.newCard.maDKBD: must be a facility code`);
      if (n.tenDKBD !== null && !isText(n.tenDKBD)) problems.push(`${where}.newCard.tenDKBD: must be text or null`);
      for (const k of Object.keys(n))
        if (!['maThe', 'gtTheTu', 'gtTheDen', 'maDKBD', 'tenDKBD'].includes(k))
          problems.push(`${where}.newCard: unknown field "${k.slice(0, 40)}"`);
    }
  }
  if (p.onlyAtRegisteredFacility !== undefined && typeof p.onlyAtRegisteredFacility !== 'boolean')
    problems.push(`${where}.onlyAtRegisteredFacility: must be true or false`);
  const visits = checkNullableItems(p.visits, VISIT_FIELDS, `${where}.visits`, problems, ['ngayVao', 'ngayRa']);
  const checks = checkNullableItems(p.checks, CHECK_FIELDS, `${where}.checks`, problems, ['thoiGianKT']);
  if (problems.length > before) return undefined;
  const person = { ...(p as unknown as PortalPerson) };
  if (visits) person.visits = visits;
  if (checks) person.checks = checks;
  if (person.newCard) person.newCard = { ...person.newCard, tenDKBD: person.newCard.tenDKBD ?? null };
  return person;
}

function checkAccount(raw: unknown, where: string, problems: string[]): PortalAccount | undefined {
  if (!isObj(raw)) {
    problems.push(`${where}: must be an object`);
    return undefined;
  }
  const before = problems.length;
  for (const k of Object.keys(raw))
    if (!['username', 'password', 'passwordMd5', 'facility', 'staff'].includes(k))
      problems.push(`${where}: unknown field "${k.slice(0, 40)}"`);
  if (typeof raw.username !== 'string' || !USERNAME.test(raw.username)) problems.push(`${where}.username: 1–64 letters, digits or . _ @ -`);
  const hasPlain = raw.password !== undefined;
  const hasMd5 = raw.passwordMd5 !== undefined;
  if (hasPlain === hasMd5) problems.push(`${where}: give exactly one of "password" or "passwordMd5"`);
  if (hasPlain && (typeof raw.password !== 'string' || raw.password.length === 0 || raw.password.length > 200))
    problems.push(`${where}.password: must be 1–200 characters`);
  if (hasMd5 && (typeof raw.passwordMd5 !== 'string' || !MD5.test(raw.passwordMd5)))
    problems.push(`${where}.passwordMd5: must be 32 lowercase hex digits`);
  if (!isFacilityCode(raw.facility)) problems.push(`${where}.facility: must be a 5-character facility code`);
  if (!Array.isArray(raw.staff)) problems.push(`${where}.staff: must be a list of { "hoTen", "cccd" }`);
  else
    raw.staff.forEach((s: unknown, i) => {
      if (!isObj(s) || !isText(s.hoTen, 255) || typeof s.cccd !== 'string' || !CCCD_RE.test(s.cccd) || Object.keys(s).length !== 2)
        problems.push(`${where}.staff[${i}]: must be { "hoTen": text, "cccd": 12 digits }`);
    });
  if (problems.length > before) return undefined;
  return raw as unknown as PortalAccount;
}

/** Facility code → certificate PEM, each a parseable X.509 certificate (problems name the code, never the PEM). */
function checkFacilityCerts(raw: unknown, problems: string[]): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (!isObj(raw)) {
    problems.push('portal data: "facilityCerts" must be an object { "<facility code>": "<PEM certificate>" }');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [code, pem] of Object.entries(raw)) {
    const where = `facilityCerts["${code.slice(0, 10)}"]`;
    if (!isFacilityCode(code)) problems.push(`${where}: the key must be a 5-character facility code`);
    else if (typeof pem !== 'string' || pem.length > MAX_FACILITY_CERT_CHARS || !pem.includes('-----BEGIN CERTIFICATE-----'))
      problems.push(`${where}: must be a PEM certificate (at most ${MAX_FACILITY_CERT_CHARS} characters)`);
    else {
      try {
        new X509Certificate(pem);
        out[code] = pem;
      } catch {
        problems.push(`${where}: is not a readable X.509 certificate`);
      }
    }
  }
  return out;
}

/** Validates a parsed data file; throws ConfigError listing every problem (never any personal data). */
export function validateDataset(json: unknown): PortalDataset {
  const problems: string[] = [];
  if (!isObj(json)) throw new ConfigError(['portal data: must be a JSON object { "version": 1, "persons": [], "accounts": [] }']);
  for (const k of Object.keys(json))
    if (!['version', 'persons', 'accounts', 'facilityCerts'].includes(k)) problems.push(`portal data: unknown member "${k.slice(0, 40)}"`);
  if (json.version !== DATASET_VERSION) problems.push(`portal data: "version" must be ${DATASET_VERSION}`);
  // Entries keep their position in the file, so every problem names the entry it is about.
  const persons: [number, PortalPerson][] = [];
  const accounts: [number, PortalAccount][] = [];
  if (!Array.isArray(json.persons)) problems.push('portal data: "persons" must be a list');
  else
    json.persons.forEach((p: unknown, i) => {
      const ok = checkPerson(p, `persons[${i}]`, problems);
      if (ok) persons.push([i, ok]);
    });
  if (!Array.isArray(json.accounts)) problems.push('portal data: "accounts" must be a list');
  else
    json.accounts.forEach((a: unknown, i) => {
      const ok = checkAccount(a, `accounts[${i}]`, problems);
      if (ok) accounts.push([i, ok]);
    });
  // Identifiers are unique: a lookup finds one person. Name entries by position only.
  const seen = new Map<string, number>();
  for (const [i, p] of persons) {
    for (const [kind, v] of [
      ['maSoBhxh', p.maSoBhxh],
      ['maThe', p.maThe],
      ['cccd', p.cccd],
      ['maThe', p.newCard?.maThe],
    ] as const) {
      if (v === undefined) continue;
      const key = `${kind === 'cccd' ? 'cccd' : 'card'}:${v}`;
      const prev = seen.get(key);
      if (prev !== undefined && prev !== i) problems.push(`persons[${i}].${kind}: already used by persons[${prev}]`);
      else seen.set(key, i);
    }
  }
  const names = new Map<string, number>();
  for (const [i, a] of accounts) {
    const prev = names.get(a.username);
    if (prev !== undefined) problems.push(`accounts[${i}].username: already used by accounts[${prev}]`);
    names.set(a.username, i);
  }
  const facilityCerts = checkFacilityCerts(json.facilityCerts, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    version: DATASET_VERSION,
    persons: persons.map(([, p]) => p),
    accounts: accounts.map(([, a]) => a),
    ...(facilityCerts ? { facilityCerts } : {}),
  };
}
