import type { KioskStatus, Problem, RecentVisit, SessionUser, VerifyResult } from './types.js';

/**
 * Typed calls to the kiosk service (same origin). Every call resolves to a tagged outcome instead
 * of throwing, so elements can render each case (network down, 401, 404 while a feature is not
 * deployed yet, …) without try/catch scattered around.
 */
export type ApiOutcome<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; problem: Problem }
  | { ok: false; status: 0; problem: Problem; network: true };

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' };

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiOutcome<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...JSON_HEADERS, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, network: true, problem: { status: 0, code: 'NETWORK' } };
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
  return { ok: false, status: res.status, problem };
}

export function getStatus(): Promise<ApiOutcome<KioskStatus>> {
  return call('GET', '/api/status');
}

export function verifyQr(qr: string): Promise<ApiOutcome<VerifyResult>> {
  return call('POST', '/api/verify', { qr });
}

export function getSession(): Promise<ApiOutcome<{ user: SessionUser }>> {
  return call('GET', '/api/session');
}

export function login(username: string, password: string): Promise<ApiOutcome<{ user: SessionUser }>> {
  return call('POST', '/api/session', { username, password });
}

/** This desk's latest visits (receptionist). */
export function getRecentVisits(limit: number): Promise<ApiOutcome<{ items: RecentVisit[] }>> {
  return call('GET', `/api/visits/recent?limit=${encodeURIComponent(String(limit))}`);
}

export function logout(): Promise<ApiOutcome<void>> {
  return call('DELETE', '/api/session');
}

export interface CheckInRequest {
  qr: string;
  visitType?: string;
  reviewNote?: string;
}

export interface CheckInResponse {
  visit: unknown;
  duplicate: boolean;
}

/**
 * POST /api/check-ins. The visit-log issue provides this endpoint; until it is deployed the
 * server answers 404 and the check-in element shows "not available yet" instead of failing.
 */
export function checkIn(req: CheckInRequest, idempotencyKey: string): Promise<ApiOutcome<CheckInResponse>> {
  return call('POST', '/api/check-ins', req, { 'Idempotency-Key': idempotencyKey });
}

/** A random key without crypto.randomUUID (absent on plain-http LAN origins). */
export function randomKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
