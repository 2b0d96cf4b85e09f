/**
 * The one client of the kiosk service (same origin, session cookie) for both pages: the kiosk
 * screen and the auditor page. Requests and answers are typed by the wire contract
 * (server/wire/, type-only imports: nothing of the server is bundled). Every call resolves to a
 * tagged outcome instead of throwing, so elements render each case (network down, 401, 429, …)
 * without try/catch scattered around.
 */
import type { AdminUserChange, AdminUserList, AdminUserReply, NewAdminUser, TrustRefreshReply } from '../../server/wire/admin.js';
import type { AuditIntegrity, AuditSummary, AuditVisitPage } from '../../server/wire/audit.js';
import type { CheckInRecordDay, VisitCodeTable } from '../../server/wire/check-in-report.js';
import type { SessionResponse } from '../../server/wire/session.js';
import type { KioskStatus } from '../../server/wire/status.js';
import type { VerifyResult } from '../../server/wire/verification.js';
import type { CheckInRequest, CheckInResponse, RecentVisits } from '../../server/wire/visit.js';
import type { CardCheckRequest, CardCheckView } from '../card-check/types.js';

/** A problem+json body (RFC 9457) as the service sends it, with the HTTP status. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code?: string;
  detail?: string;
  [extra: string]: unknown;
}

export type ApiOutcome<T> =
  | { ok: true; status: number; body: T }
  | {
      ok: false;
      /** 0 when the service could not be reached. */
      status: number;
      /** The problem's code; NETWORK when unreachable, HTTP_<status> when the body had none. */
      code: string;
      problem: Problem;
      /** From a 429's problem body (LOGIN_THROTTLED). */
      retryAfterSec?: number;
      network?: true;
    };

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<ApiOutcome<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credentials: 'same-origin',
      cache: 'no-store',
      ...(signal ? { signal } : {}),
    });
  } catch {
    if (signal?.aborted) return { ok: false, status: 0, code: 'ABORTED', problem: { status: 0, code: 'ABORTED' } };
    return { ok: false, status: 0, network: true, code: 'NETWORK', problem: { status: 0, code: 'NETWORK' } };
  }
  let parsed: unknown = undefined;
  if (res.status !== 204) {
    try {
      parsed = await res.json();
    } catch {
      parsed = undefined;
    }
  }
  if (res.ok) return { ok: true, status: res.status, body: parsed as T };
  const problem: Problem = parsed && typeof parsed === 'object' ? { ...(parsed as Problem), status: res.status } : { status: res.status };
  return {
    ok: false,
    status: res.status,
    code: typeof problem.code === 'string' ? problem.code : `HTTP_${res.status}`,
    problem,
    ...(typeof problem.retryAfterSec === 'number' ? { retryAfterSec: problem.retryAfterSec } : {}),
  };
}

// ── Both pages ───────────────────────────────────────────────────────────────────────────

export function getSession(): Promise<ApiOutcome<SessionResponse>> {
  return call('GET', '/api/session');
}

export function login(username: string, password: string): Promise<ApiOutcome<SessionResponse>> {
  return call('POST', '/api/session', { username, password });
}

export function logout(): Promise<ApiOutcome<void>> {
  return call('DELETE', '/api/session');
}

// ── Kiosk screen ─────────────────────────────────────────────────────────────────────────

export function getStatus(): Promise<ApiOutcome<KioskStatus>> {
  return call('GET', '/api/status');
}

export function verifyQr(qr: string): Promise<ApiOutcome<VerifyResult>> {
  return call('POST', '/api/verify', { qr });
}

/** This desk's latest visits (receptionist). */
export function getRecentVisits(limit: number): Promise<ApiOutcome<RecentVisits>> {
  return call('GET', `/api/visits/recent?limit=${encodeURIComponent(String(limit))}`);
}

/**
 * POST /api/check-ins `{qr}` or `{cardCheckId}`: the server re-verifies the card (or takes its card check's result) and records the visit.
 * `visitCategory` (MA_DOITUONG_KCB) is what the receptionist confirmed; without it the server proposes one.
 */
export function checkIn(req: CheckInRequest & { visitCategory?: string }, idempotencyKey: string): Promise<ApiOutcome<CheckInResponse>> {
  return call('POST', '/api/check-ins', req, { 'Idempotency-Key': idempotencyKey });
}

/** POST /api/card-checks?wait=S (receptionist): the local result at once, the portal's answer when it came within S s. */
export function startCardCheck(req: CardCheckRequest, waitSec: number, signal?: AbortSignal): Promise<ApiOutcome<CardCheckView>> {
  return call('POST', `/api/card-checks?wait=${waitSec}`, req, {}, signal);
}

/** GET /api/card-checks/{id}?wait=S: the same check, waiting up to S s for the portal. */
export function getCardCheck(id: string, waitSec: number, signal?: AbortSignal): Promise<ApiOutcome<CardCheckView>> {
  return call('GET', `/api/card-checks/${encodeURIComponent(id)}?wait=${waitSec}`, undefined, {}, signal);
}

/** GET /api/visit-codes[?date=YYYY-MM-DD] (any signed-in user): the visit categories and types valid that Vietnam day. */
export function getVisitCodes(date?: string): Promise<ApiOutcome<VisitCodeTable>> {
  return call('GET', date === undefined ? '/api/visit-codes' : `/api/visit-codes?date=${encodeURIComponent(date)}`);
}

/** A random key without crypto.randomUUID (absent on plain-http LAN origins). */
export function randomKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ── Auditor page ─────────────────────────────────────────────────────────────────────────

export function getAuditVisits(params: URLSearchParams): Promise<ApiOutcome<AuditVisitPage>> {
  return call('GET', `/api/audit/visits?${params}`);
}

export function getAuditSummary(params: URLSearchParams): Promise<ApiOutcome<AuditSummary>> {
  return call('GET', `/api/audit/summary?${params}`);
}

export function getAuditIntegrity(): Promise<ApiOutcome<AuditIntegrity>> {
  return call('GET', '/api/audit/integrity');
}

/** GET /api/audit/check-in-records?date=YYYY-MM-DD (auditor): the day's check-in records and their state. */
export function getCheckInRecords(date: string): Promise<ApiOutcome<CheckInRecordDay>> {
  return call('GET', `/api/audit/check-in-records?date=${encodeURIComponent(date)}`);
}

// ── Admin page ───────────────────────────────────────────────────────────────────────────

export function getAdminUsers(): Promise<ApiOutcome<AdminUserList>> {
  return call('GET', '/api/admin/users');
}

export function createAdminUser(user: NewAdminUser): Promise<ApiOutcome<AdminUserReply>> {
  return call('POST', '/api/admin/users', user);
}

/** POST /api/admin/users/:username/disable | enable. */
export function setUserDisabled(username: string, disabled: boolean): Promise<ApiOutcome<AdminUserReply>> {
  return call('POST', `/api/admin/users/${encodeURIComponent(username)}/${disabled ? 'disable' : 'enable'}`, {});
}

/** PATCH /api/admin/users/:username: the members given change (cccd null clears it). */
export function updateAdminUser(username: string, change: AdminUserChange): Promise<ApiOutcome<AdminUserReply>> {
  return call('PATCH', `/api/admin/users/${encodeURIComponent(username)}`, change);
}

export function resetUserPassword(username: string, password: string): Promise<ApiOutcome<AdminUserReply>> {
  return call('POST', `/api/admin/users/${encodeURIComponent(username)}/password`, { password });
}

export function refreshTrust(): Promise<ApiOutcome<TrustRefreshReply>> {
  return call('POST', '/api/admin/trust/refresh', {});
}

/**
 * The serial scanner's scans (GET /api/scanner/events, server-sent events; receptionist only).
 * Returns a function that closes the stream. Without a serial scanner the service answers 404
 * and the stream stays closed; while the service is unreachable the browser reconnects.
 */
export function openScannerEvents(onScan: (text: string) => void): () => void {
  const source = new EventSource('/api/scanner/events');
  source.addEventListener('scan', (e) => {
    try {
      const data = JSON.parse((e as MessageEvent<string>).data) as { text?: unknown };
      if (typeof data.text === 'string') onScan(data.text);
    } catch {
      // not ours: ignore
    }
  });
  return () => source.close();
}
