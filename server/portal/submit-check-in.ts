/**
 * One check-in file sent to the portal (`guiHoSoCheckin`, server/wire/portal.ts), as the check-in
 * report's outbox worker calls it through PortalClient.submitCheckInRecord:
 *
 *   200 / 201            → `received` (maGiaoDich and thoiGianTiepNhan as the portal gave them)
 *   205, HTTP 413        → `invalid` with the portal's message: the file is wrong, resending cannot help (park)
 *   401 (HTTP or body)   → a new token once (shared with the card checks: TokenHolder), then the same
 *                          file again; a second 401 → CheckInSubmitError PORTAL_AUTH_FAILED
 *   500, any other code, HTTP 5xx, unreachable, timeout, a reply not the wire's shape
 *                        → CheckInSubmitError (retryable: the worker backs off and resends)
 *   the caller's signal  → CheckInSubmitError ABORTED (the worker is stopping)
 *
 * No retries here: the outbox worker owns backoff, attempts and the last error per record, and it
 * survives restarts; a loop here would only hide attempts from it. The whole call (token and at
 * most two posts) runs inside the client's configured time budget.
 *
 * Nothing of the file is logged (it carries names, birth dates, card numbers), nor the token,
 * the password or the URL's query: only codes, latency and whether the token was renewed.
 */
import { DOMParser } from '@xmldom/xmldom';
import type { Logger } from '../logger.js';
import { OutboxTransportError } from '../outbox/types.js';
import {
  CHECKIN_LOAI_HO_SO,
  CHECKIN_MAX_FILE_BYTES,
  CHECKIN_MAX_MA_GIAO_DICH_CHARS,
  CHECKIN_MAX_MESSAGE_CHARS,
  CHECKIN_SUBMIT_FORM_FIELDS,
  checkinSubmitAction,
  type CheckinSubmitForm,
  type CheckinSubmitReply,
} from '../wire/portal.js';

/** What became of a file the portal answered for (anything else throws CheckInSubmitError). */
export type CheckInSubmitOutcome =
  { kind: 'received'; code: '200' | '201'; maGiaoDich: string | null; receivedAt: string | null } | { kind: 'invalid'; message: string };

export type CheckInTransportCode =
  /** Connection refused or reset, DNS failure: nothing was answered. */
  | 'PORTAL_UNREACHABLE'
  /** No answer within the client's time budget (KIOSK_PORTAL_TIMEOUT). */
  | 'PORTAL_TIMEOUT'
  /** HTTP 5xx (the portal's gateway failing). */
  | 'PORTAL_SERVER_ERROR'
  /** maKetQua "500", or a code this contract does not know: the portal says to try later. */
  | 'PORTAL_RETRY_LATER'
  /** A reply that is not the wire's shape (not JSON, no maKetQua, too large). */
  | 'PORTAL_BAD_RESPONSE'
  /** 401 again after one new token, or the token call refused the account: the configuration. */
  | 'PORTAL_AUTH_FAILED'
  /** Another HTTP status (403, 404: usually a wrong portal URL). */
  | 'PORTAL_HTTP_STATUS'
  /** The caller's signal: the worker is stopping (the record stays pending). */
  | 'ABORTED';

/**
 * The file was not taken, for a reason that may pass: the outbox worker retries it with backoff
 * (ABORTED: it is stopping). An OutboxTransportError, so the check-in destination passes it on as
 * it is. Messages name codes and statuses, never the file, a token or a password.
 */
export class CheckInSubmitError extends OutboxTransportError {
  declare readonly code: CheckInTransportCode;

  constructor(code: CheckInTransportCode, detail: string, httpStatus?: number) {
    super(code, detail, httpStatus);
    this.name = 'CheckInSubmitError';
  }
}

/** A token as the client keeps it (server/portal/token.ts), opaque here. */
export interface CheckInTokens<T> {
  get(signal: AbortSignal): Promise<T>;
  renew(stale: T, signal: AbortSignal): Promise<T>;
  /** A token call's failure, as the error to throw (the client knows its own failures). */
  error(err: unknown): CheckInSubmitError;
}

export interface CheckInSubmitDeps<T> {
  tokens: CheckInTokens<T>;
  /** The full URL of guiHoSoCheckin with the token's auth query. */
  url(token: T): string;
  fetchImpl: typeof fetch;
  timeoutMs: number;
  now(): number;
  logger: Logger;
}

const MAX_REPLY_CHARS = 64 * 1024;
const SAFE_ERRNO = /^[A-Z][A-Z0-9_]{1,30}$/;
// Control characters other than tab and newline never reach an auditor's screen.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** Free text from the portal, bounded and without control characters; undefined when not text. */
function cleanText(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.replace(CONTROL, ' ').trim();
  return t === '' ? undefined : t.slice(0, max);
}

/** maKetQua as text ("200"); a number is accepted, as the card check's reader does. */
function replyCode(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v).padStart(3, '0');
  if (typeof v === 'string' && /^\d{1,4}$/.test(v.trim())) return v.trim().padStart(3, '0');
  return undefined;
}

/**
 * The facility of a file: every record's MA_CSKCB, which must be one and the same (maCSKCB of the
 * form is the facility sending, and the portal refuses a record of another facility anyway).
 * A string is why the file cannot be sent.
 */
export function checkInFileFacility(xml: string): { facility: string } | { problem: string } {
  let broken = false;
  const quiet = () => {
    broken = true;
  };
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: quiet, fatalError: quiet } }).parseFromString(
    xml,
    'text/xml',
  );
  if (broken || !doc.documentElement) return { problem: 'the file is not well-formed XML' };
  const records = Array.from(doc.getElementsByTagName('TRANG_THAI_KCB'));
  if (records.length === 0) return { problem: 'the file holds no TRANG_THAI_KCB record' };
  const codes = new Set(
    records.map((r) => {
      const el = Array.from(r.childNodes).find((n) => n.nodeType === 1 && (n as Element).tagName === 'MA_CSKCB');
      return (el?.textContent ?? '').trim();
    }),
  );
  const [only] = codes;
  if (codes.size !== 1 || only === undefined || only === '') return { problem: 'the records do not name one facility (MA_CSKCB)' };
  return { facility: only };
}

/** The form body: loaiHoSo=0, the facility, the file as base64 of its UTF-8. */
export function checkInForm(xml: string, facility: string): string {
  const form: CheckinSubmitForm = {
    loaiHoSo: CHECKIN_LOAI_HO_SO,
    maCSKCB: facility,
    fileHSB64: Buffer.from(xml, 'utf8').toString('base64'),
  };
  const params = new URLSearchParams();
  for (const k of CHECKIN_SUBMIT_FORM_FIELDS) params.set(k, form[k]);
  return params.toString();
}

/**
 * One HTTP answer → the outcome, `renew` (a 401), or the error to throw. Pure: the unit tests
 * drive every row of the wire's table through it.
 */
export function classifyCheckInReply(status: number, text: string): CheckInSubmitOutcome | 'renew' {
  if (status === 401) return 'renew';
  if (status === 413) return { kind: 'invalid', message: 'the portal refused the file as too large (HTTP 413)' };
  if (status >= 500) throw new CheckInSubmitError('PORTAL_SERVER_ERROR', `the portal answered HTTP ${status}`, status);
  if (status !== 200) throw new CheckInSubmitError('PORTAL_HTTP_STATUS', `the portal answered HTTP ${status}`, status);
  if (text.length > MAX_REPLY_CHARS) throw new CheckInSubmitError('PORTAL_BAD_RESPONSE', 'the reply is too large', status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckInSubmitError('PORTAL_BAD_RESPONSE', 'the reply is not JSON', status);
  }
  const o = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {}) as Partial<
    Record<keyof CheckinSubmitReply, unknown>
  >;
  const code = replyCode(o.maKetQua);
  if (code === undefined) throw new CheckInSubmitError('PORTAL_BAD_RESPONSE', 'the reply carries no maKetQua', status);
  switch (checkinSubmitAction(code)) {
    case 'received':
      return {
        kind: 'received',
        code: code as '200' | '201',
        maGiaoDich: cleanText(o.maGiaoDich, CHECKIN_MAX_MA_GIAO_DICH_CHARS) ?? null,
        receivedAt: cleanText(o.thoiGianTiepNhan, 40) ?? null,
      };
    case 'park':
      return {
        kind: 'invalid',
        message: cleanText(o.thongDiep, CHECKIN_MAX_MESSAGE_CHARS) ?? 'the portal refused the file without a message',
      };
    case 'renew':
      return 'renew';
    case 'retry':
      throw new CheckInSubmitError('PORTAL_RETRY_LATER', `the portal answered maKetQua ${code}`);
  }
}

/** Sends one file; see the module comment for what each answer becomes. */
export async function submitCheckIn<T>(deps: CheckInSubmitDeps<T>, xml: string, signal: AbortSignal): Promise<CheckInSubmitOutcome> {
  const started = deps.now();
  const bytes = Buffer.byteLength(xml, 'utf8');
  // Refused before the network: the portal would answer 205 (or 413) to the same file every time.
  if (bytes > CHECKIN_MAX_FILE_BYTES)
    return { kind: 'invalid', message: `the file is ${bytes} bytes, over the portal's ${CHECKIN_MAX_FILE_BYTES}` };
  const facility = checkInFileFacility(xml);
  if ('problem' in facility) return { kind: 'invalid', message: facility.problem };
  const body = checkInForm(xml, facility.facility);

  const budget = AbortSignal.timeout(deps.timeoutMs);
  const combined = AbortSignal.any([signal, budget]);
  let renewed = false;
  const interrupted = (): CheckInSubmitError | undefined => {
    if (signal.aborted) return new CheckInSubmitError('ABORTED', 'stopping during the request');
    if (budget.aborted) return new CheckInSubmitError('PORTAL_TIMEOUT', `no answer within ${Math.round(deps.timeoutMs / 1000)} s`);
    return undefined;
  };
  const log = (code: string) => deps.logger.info('portal check-in submission', { code, latencyMs: deps.now() - started, renewed, bytes });

  const post = async (token: T): Promise<{ status: number; text: string }> => {
    try {
      const res = await deps.fetchImpl(deps.url(token), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body,
        signal: combined,
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      const stop = interrupted();
      if (stop) throw stop;
      const errno = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
      const why = typeof errno === 'string' && SAFE_ERRNO.test(errno) ? ` (${errno})` : '';
      throw new CheckInSubmitError('PORTAL_UNREACHABLE', `cannot reach the portal${why}`);
    }
  };
  const token = async (get: () => Promise<T>): Promise<T> => {
    try {
      return await get();
    } catch (err) {
      throw interrupted() ?? (err instanceof CheckInSubmitError ? err : deps.tokens.error(err));
    }
  };

  try {
    let t = await token(() => deps.tokens.get(combined));
    for (;;) {
      const { status, text } = await post(t);
      const answer = classifyCheckInReply(status, text);
      if (answer !== 'renew') {
        log(answer.kind === 'received' ? answer.code : '205');
        return answer;
      }
      if (renewed) throw new CheckInSubmitError('PORTAL_AUTH_FAILED', 'the portal refused a new token too (401): check the account', 401);
      renewed = true;
      const stale = t;
      t = await token(() => deps.tokens.renew(stale, combined));
    }
  } catch (err) {
    const e =
      err instanceof CheckInSubmitError ? err : (interrupted() ?? new CheckInSubmitError('PORTAL_UNREACHABLE', 'the request failed'));
    log(e.code);
    throw e;
  }
}
