/**
 * Visit categories (MA_DOITUONG_KCB) and visit types (MA_LOAI_KCB): which codes hold on a day,
 * and the category the kiosk proposes for a card. Pure (no I/O, no clock: callers pass the
 * instant or the Vietnam day). The codes themselves live in one data table,
 * visit-codes-table.ts, checked here once at load: an inconsistent table stops the service
 * before it can report a wrong code.
 */
import { isIsoDate } from '../lib/iso-date.js';
import type { VerifyResult } from '../wire/verification.js';
import type { VisitCodeTable, VisitCodeView } from '../wire/check-in-report.js';
import { vietnamDay } from '../wire/vietnam-time.js';
import {
  DEFAULT_VISIT_TYPE_CODE,
  VISIT_CATEGORIES,
  VISIT_TYPES,
  type BenefitPeriod,
  type CareSetting,
  type ProposalRole,
  type VisitCategoryEntry,
  type VisitTypeEntry,
} from './visit-codes-table.js';

export type { CareSetting, VisitCategoryEntry, VisitTypeEntry } from './visit-codes-table.js';

/** The visit type a check-in gets when none is chosen ("01", examination). */
export const DEFAULT_VISIT_TYPE = DEFAULT_VISIT_TYPE_CODE;

/** An instant (epoch ms) or a Vietnam calendar day `YYYY-MM-DD`. */
export type VisitCodeDate = number | string;

/** MA_DOITUONG_KCB: at most 4 characters, e.g. 2, 10, 1.1, 1.14. */
const CATEGORY_RE = /^(?=.{1,4}$)[0-9]{1,2}(\.[0-9]{1,2})?$/;
const TYPE_RE = /^[0-9]{2}$/;

/** The Vietnam day of `at`; throws TypeError on a day that is not a real `YYYY-MM-DD`. */
export function vietnamDayOf(at: VisitCodeDate): string {
  if (typeof at === 'number') {
    if (!Number.isFinite(at)) throw new TypeError('visit codes: the instant is not a finite number');
    return vietnamDay(at);
  }
  if (!isIsoDate(at)) throw new TypeError('visit codes: the day must be YYYY-MM-DD');
  return at;
}

function validOn(entry: { validFrom: string; validTo: string | null }, day: string): boolean {
  return entry.validFrom <= day && (entry.validTo === null || day <= entry.validTo);
}

function view(e: VisitCategoryEntry | VisitTypeEntry): VisitCodeView {
  return { code: e.code, labelVi: e.labelVi, labelEn: e.labelEn, validFrom: e.validFrom, validTo: e.validTo };
}

/** The category entry valid for `code` on `at`, if any. */
export function categoryOn(code: string, at: VisitCodeDate): VisitCategoryEntry | undefined {
  const day = vietnamDayOf(at);
  return VISIT_CATEGORIES.find((e) => e.code === code && validOn(e, day));
}

/** The visit-type entry valid for `code` on `at`, if any. */
export function visitTypeOn(code: string, at: VisitCodeDate): VisitTypeEntry | undefined {
  const day = vietnamDayOf(at);
  return VISIT_TYPES.find((e) => e.code === code && validOn(e, day));
}

/** The categories and types valid on the Vietnam day of `at`, in table order (GET /api/visit-codes). */
export function visitCodesOn(at: VisitCodeDate): VisitCodeTable {
  const day = vietnamDayOf(at);
  return {
    date: day,
    categories: VISIT_CATEGORIES.filter((e) => validOn(e, day)).map(view),
    types: VISIT_TYPES.filter((e) => validOn(e, day)).map(view),
    defaultType: DEFAULT_VISIT_TYPE,
  };
}

export function isValidCategory(code: unknown, at: VisitCodeDate): code is string {
  return typeof code === 'string' && CATEGORY_RE.test(code) && categoryOn(code, at) !== undefined;
}

export function isValidVisitType(code: unknown, at: VisitCodeDate): code is string {
  return typeof code === 'string' && TYPE_RE.test(code) && visitTypeOn(code, at) !== undefined;
}

/**
 * The benefit rate (percent of the card's benefit) of a category on a day, for a care setting;
 * undefined when the code is not valid then or the table gives no single rate (it depends).
 */
export function benefitRateOn(code: string, at: VisitCodeDate, setting?: CareSetting): number | undefined {
  const day = vietnamDayOf(at);
  const entry = categoryOn(code, day);
  if (!entry) return undefined;
  const periods = entry.benefit.filter((p) => validOn({ validFrom: p.from, validTo: p.to }, day));
  const match = periods.find((p) => p.setting === undefined || p.setting === setting);
  return match?.rate;
}

export interface ProposalInput {
  /** The card's registered facility (MA_DKBD, 5 characters); undefined when the card does not say. */
  registeredFacility: string | undefined;
  /** This kiosk's facility (MA_CSKCB). */
  facility: string;
  at: VisitCodeDate;
}

/**
 * The category the kiosk proposes; the receptionist sees it preselected and confirms or
 * changes it before checking in (the server proposes the same when none is sent).
 *
 * - Registered here (MA_DKBD = MA_CSKCB) → the `registered` code of that day ("1.1").
 * - Registered elsewhere in the same province (the facility codes' first two characters) → the
 *   `in-province` code of that day (1.2 before 2025); when the day has none (from 2025 the
 *   amended law replaced referral tiers with care levels, and the province no longer decides
 *   the benefit), the `elsewhere` code.
 * - Registered in another province → the `elsewhere` code of that day (from 2025: 1.14, the
 *   self-referred outpatient case at a formerly provincial facility).
 *
 * Which code plays which role on which day is data (the table's `propose`), not code here. It is
 * a proposal only: the kiosk does not know the facility's care level, whether a referral form or
 * an appointment slip was brought, or an emergency; the receptionist does. Undefined when the
 * card names no registered facility or the table has no code for the case on that day.
 */
export function proposeCategory(input: ProposalInput): string | undefined {
  const reg = input.registeredFacility?.trim().toUpperCase();
  if (!reg) return undefined;
  const day = vietnamDayOf(input.at);
  const here = input.facility.trim().toUpperCase();
  const byRole = (role: ProposalRole) => VISIT_CATEGORIES.find((e) => e.propose === role && validOn(e, day))?.code;
  if (reg === here) return byRole('registered');
  if (reg.slice(0, 2) === here.slice(0, 2)) return byRole('in-province') ?? byRole('elsewhere');
  return byRole('elsewhere');
}

/**
 * The category recorded when neither the desk nor the card decides (a card that names no
 * registered facility, and the receptionist left the choice to the kiosk): the `elsewhere` code
 * of that day, the case that assumes nothing about the patient's registration. Undefined when the
 * day has none.
 */
export function fallbackCategory(at: VisitCodeDate): string | undefined {
  const day = vietnamDayOf(at);
  return VISIT_CATEGORIES.find((e) => e.propose === 'elsewhere' && validOn(e, day))?.code;
}

/**
 * The proposal for a verification result shown at the desk (POST /api/verify, POST
 * /api/card-checks): none for a rejected card or without a configured facility.
 */
export function proposeForResult(result: VerifyResult, facility: string | undefined): string | undefined {
  if (facility === undefined || result.verdict === 'rejected') return undefined;
  const at = Date.parse(result.checkedAt);
  if (!Number.isFinite(at)) return undefined;
  return proposeCategory({ registeredFacility: result.card?.registeredFacility, facility, at });
}

// ── The table's consistency, checked at load (and by its test) ────────────────────────────

/** What is wrong with a table (empty when consistent). */
export function tableProblems(categories: readonly VisitCategoryEntry[], types: readonly VisitTypeEntry[]): string[] {
  const problems: string[] = [];
  const rows: Array<{ kind: string; e: VisitCategoryEntry | VisitTypeEntry; re: RegExp }> = [
    ...categories.map((e) => ({ kind: 'category', e, re: CATEGORY_RE })),
    ...types.map((e) => ({ kind: 'type', e, re: TYPE_RE })),
  ];
  for (const { kind, e, re } of rows) {
    const at = `${kind} ${e.code} from ${e.validFrom}`;
    if (!re.test(e.code)) problems.push(`${at}: code is not of the form ${re}`);
    if (!e.labelVi.trim() || !e.labelEn.trim()) problems.push(`${at}: a label is empty`);
    if (!e.source.trim()) problems.push(`${at}: no source`);
    if (!isIsoDate(e.validFrom) || (e.validTo !== null && !isIsoDate(e.validTo))) problems.push(`${at}: validity is not YYYY-MM-DD`);
    else if (e.validTo !== null && e.validTo < e.validFrom) problems.push(`${at}: ends before it starts`);
  }
  for (const [kind, list] of [
    ['category', categories],
    ['type', types],
  ] as const) {
    const list2 = list as ReadonlyArray<{ code: string; validFrom: string; validTo: string | null }>;
    for (let i = 0; i < list2.length; i++) {
      for (let j = i + 1; j < list2.length; j++) {
        const a = list2[i]!;
        const b = list2[j]!;
        if (a.code === b.code && overlaps(a.validFrom, a.validTo, b.validFrom, b.validTo)) {
          problems.push(`${kind} ${a.code}: validity ${a.validFrom}… overlaps ${b.validFrom}…`);
        }
      }
    }
  }
  for (const c of categories) problems.push(...benefitProblems(c));
  const roles = new Map<ProposalRole, VisitCategoryEntry[]>();
  for (const c of categories) if (c.propose) roles.set(c.propose, [...(roles.get(c.propose) ?? []), c]);
  for (const [role, list] of roles) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (overlaps(list[i]!.validFrom, list[i]!.validTo, list[j]!.validFrom, list[j]!.validTo)) {
          problems.push(`proposal role ${role}: ${list[i]!.code} and ${list[j]!.code} overlap`);
        }
      }
    }
  }
  if (!types.some((t) => t.code === DEFAULT_VISIT_TYPE_CODE && t.validTo === null))
    problems.push('the default visit type is not open-ended');
  return problems;
}

function benefitProblems(c: VisitCategoryEntry): string[] {
  const out: string[] = [];
  const at = `category ${c.code} from ${c.validFrom}`;
  c.benefit.forEach((p: BenefitPeriod, i) => {
    if (!isIsoDate(p.from) || (p.to !== null && !isIsoDate(p.to)) || (p.to !== null && p.to < p.from))
      out.push(`${at}: benefit ${i} dates`);
    if (!(p.rate >= 0 && p.rate <= 100)) out.push(`${at}: benefit ${i} rate outside 0–100`);
    if (p.from < c.validFrom || (c.validTo !== null && (p.to === null || p.to > c.validTo)))
      out.push(`${at}: benefit ${i} outside the code's validity`);
    c.benefit.forEach((q, k) => {
      if (k > i && (p.setting ?? '*') === (q.setting ?? '*') && overlaps(p.from, p.to, q.from, q.to))
        out.push(`${at}: benefits ${i} and ${k} overlap`);
    });
  });
  return out;
}

function overlaps(aFrom: string, aTo: string | null, bFrom: string, bTo: string | null): boolean {
  return (aTo === null || bFrom <= aTo) && (bTo === null || aFrom <= bTo);
}

const loadProblems = tableProblems(VISIT_CATEGORIES, VISIT_TYPES);
if (loadProblems.length > 0) throw new Error(`visit-code table is inconsistent: ${loadProblems.join('; ')}`);
