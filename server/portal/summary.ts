/**
 * The `portal` summary beside a verification result: what the desk shows about the online check
 * (state, the portal's number and message, when and how long) and what the reply told about the
 * card (new card, last visit, 5-year date, address, registered facility, and "already checked in
 * today at HH:MM at facility X"). Built from the reply only; pure.
 *
 * The portal writes calendar dates `dd/MM/yyyy` and instants `yyyyMMddHHmm` in Vietnam local
 * time (server/wire/portal.ts); the summary uses ISO dates and ISO instants with `+07:00`.
 */
import type { CardFields } from '../wire/verification.js';
import { PORTAL_DATE_RE, PORTAL_DATETIME_RE, cardCheckResult, type CardCheckReply } from '../wire/portal.js';
import { VN_OFFSET_MS, vietnamDay } from '../wire/vietnam-time.js';
import { MAX_LAST_VISITS, type PortalMismatch, type PortalNewCard, type PortalSummary, type PortalVisit } from '../wire/card-check.js';
import type { PortalOutcome } from './outcome.js';

// The shapes live in the wire (the kiosk screen renders them); the service's modules name them
// from here, beside the function that builds them.
export type { PortalState, PortalSummary } from '../wire/card-check.js';

/** A facility code at the start of an account name: `12001_bv` → 12001. */
const FACILITY_PREFIX = /^(\d{2}[0-9A-Z]{3})(?=$|[_.@-])/;

function realDay(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Portal `dd/MM/yyyy` → ISO `YYYY-MM-DD`; a bare `yyyy` stays a year; undefined otherwise. */
export function isoFromPortalDate(s: string | null | undefined): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  if (/^\d{4}$/.test(t)) return t;
  const m = PORTAL_DATE_RE.exec(t);
  if (!m || !realDay(Number(m[3]), Number(m[2]), Number(m[1]))) return undefined;
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** Portal `yyyyMMddHHmm` (Vietnam local) → epoch ms; undefined when not a real instant. */
export function msFromPortalDateTime(s: string | null | undefined): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = PORTAL_DATETIME_RE.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (!realDay(y, mo, d) || h > 23 || mi > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi) - VN_OFFSET_MS;
}

/** Epoch ms → ISO instant in Vietnam time, minutes: 2026-12-01T08:10+07:00. */
function vnIso(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 16) + '+07:00';
}

/** Epoch ms → `HH:MM` in Vietnam time. */
function vnClock(ms: number): string {
  return new Date(ms + VN_OFFSET_MS).toISOString().slice(11, 16);
}

function text(s: string | null | undefined): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

function set<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

/** The most recent visit, and the latest visit / check earlier today (Vietnam calendar day). */
function history(reply: CardCheckReply, startedAt: number, out: PortalSummary): void {
  const today = vietnamDay(startedAt);
  const visits = (Array.isArray(reply.dsLichSuKCB2018) ? reply.dsLichSuKCB2018 : [])
    .map((v) => ({ v, at: msFromPortalDateTime(v?.ngayVao) }))
    .filter((x): x is { v: (typeof reply.dsLichSuKCB2018)[number]; at: number } => x.at !== undefined)
    .sort((a, b) => b.at - a.at);
  const recent = visits.slice(0, MAX_LAST_VISITS).map(({ v, at }) => {
    const lv: PortalVisit = { from: vnIso(at) };
    set(lv, 'facility', text(v.maCSKCB));
    const left = msFromPortalDateTime(v.ngayRa);
    if (left !== undefined) lv.to = vnIso(left);
    return lv;
  });
  if (recent[0]) {
    out.lastVisit = recent[0];
    out.lastVisits = recent;
  }
  const visitToday = visits.find((x) => vietnamDay(x.at) === today && x.at <= startedAt);
  if (visitToday) {
    const a: NonNullable<PortalSummary['alreadyCheckedInToday']> = { at: vnClock(visitToday.at), via: 'visit' };
    set(a, 'facility', text(visitToday.v.maCSKCB));
    out.alreadyCheckedInToday = a;
    return;
  }
  // Card checks by any facility today, strictly before this call started (the portal may list
  // this very check): the checking account is the best name of the facility the reply offers.
  const checks = (Array.isArray(reply.dsLichSuKT2018) ? reply.dsLichSuKT2018 : [])
    .map((c) => ({ c, at: msFromPortalDateTime(c?.thoiGianKT) }))
    .filter((x): x is { c: (typeof reply.dsLichSuKT2018)[number]; at: number } => x.at !== undefined)
    .filter((x) => vietnamDay(x.at) === today && x.at < Math.floor(startedAt / 60_000) * 60_000)
    .sort((a, b) => b.at - a.at);
  const check = checks[0];
  if (check) {
    const a: NonNullable<PortalSummary['alreadyCheckedInToday']> = { at: vnClock(check.at), via: 'check' };
    const account = text(check.c.userKT);
    set(a, 'account', account);
    set(a, 'facility', account === undefined ? undefined : FACILITY_PREFIX.exec(account)?.[1]);
    out.alreadyCheckedInToday = a;
  }
}

function mismatch(field: PortalMismatch['field'], reply: CardCheckReply, card: CardFields | undefined): PortalMismatch {
  const m: PortalMismatch = { field };
  if (field === 'name') {
    set(m, 'portal', text(reply.hoTen));
    set(m, 'card', card?.fullName);
  } else if (field === 'birthDate') {
    set(m, 'portal', isoFromPortalDate(reply.ngaySinh));
    set(m, 'card', card?.birthDate);
  } else {
    set(m, 'portal', text(reply.maDKBD));
    set(m, 'card', card?.registeredFacility);
  }
  return m;
}

/** The summary of a finished check; `card` (the scanned or typed one) fills in mismatches. */
export function summaryFromOutcome(outcome: PortalOutcome, card?: CardFields): PortalSummary {
  const base = {
    checkedAt: new Date(outcome.checkedAt).toISOString(),
    latencyMs: outcome.latencyMs,
    attempts: outcome.attempts,
  };
  if (outcome.kind === 'unavailable') {
    const s: PortalSummary = { state: 'unavailable', ...base };
    set(s, 'code', outcome.lastCode);
    return s;
  }
  const meaning = cardCheckResult(outcome.code);
  const s: PortalSummary = { state: outcome.kind === 'config' ? 'config' : 'done', code: outcome.code, ...base };
  const reply = outcome.reply;
  set(s, 'message', text(reply?.ghiChu) ?? meaning?.vi);
  if (outcome.kind === 'config' || reply === undefined) return s;

  set(s, 'registeredFacility', text(reply.maDKBD));
  set(s, 'address', text(reply.diaChi));
  set(s, 'fiveYearDate', isoFromPortalDate(reply.ngayDu5Nam));
  set(s, 'validFrom', isoFromPortalDate(reply.gtTheTu));
  set(s, 'validTo', isoFromPortalDate(reply.gtTheDen));
  if (meaning?.newCard) {
    const n: PortalNewCard = {};
    set(n, 'cardNumber', text(reply.maTheMoi));
    set(n, 'validFrom', isoFromPortalDate(reply.gtTheTuMoi));
    set(n, 'validTo', isoFromPortalDate(reply.gtTheDenMoi));
    set(n, 'registeredFacility', text(reply.maDKBDMoi));
    set(n, 'registeredFacilityName', text(reply.tenDKBDMoi));
    if (Object.keys(n).length > 0) s.newCard = n;
  }
  if (meaning?.mismatch) s.mismatch = mismatch(meaning.mismatch, reply, card);
  history(reply, outcome.startedAt, s);
  return s;
}
