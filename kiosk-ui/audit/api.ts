/** The auditor page's calls to the kiosk service (same origin, session cookie). */
import type { AuditVisit } from '../../server/http/routes/audit.js';

export interface SessionUser {
  username: string;
  displayName: string;
  role: 'receptionist' | 'auditor' | 'admin';
  deskId: string;
}

/** A listed visit: the service's own type (type-only import: nothing of the server is bundled). */
export type { AuditVisit } from '../../server/http/routes/audit.js';

export interface Summary {
  from: string;
  to: string;
  days: Array<{ day: string; accepted: number; needs_review: number; rejected: number; total: number }>;
  totals: { accepted: number; needs_review: number; rejected: number; total: number };
  topRejectReasons: Array<{ code: string; count: number }>;
}

export interface Integrity {
  intact: boolean;
  count: number;
  headSeq: number;
  headHash: string;
  firstBrokenSeq?: number;
  problem?: string;
}

export type Outcome<T> = { ok: true; body: T } | { ok: false; status: number; code: string; retryAfterSec?: number };

async function call<T>(method: string, path: string, body?: unknown): Promise<Outcome<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, code: 'NETWORK' };
  }
  let parsed: unknown;
  if (res.status !== 204) {
    try {
      parsed = await res.json();
    } catch {
      parsed = undefined;
    }
  }
  if (res.ok) return { ok: true, body: parsed as T };
  const p = (parsed ?? {}) as { code?: string; retryAfterSec?: number };
  return {
    ok: false,
    status: res.status,
    code: p.code ?? `HTTP_${res.status}`,
    ...(p.retryAfterSec !== undefined ? { retryAfterSec: p.retryAfterSec } : {}),
  };
}

export const api = {
  session: () => call<{ user: SessionUser }>('GET', '/api/session'),
  login: (username: string, password: string) => call<{ user: SessionUser }>('POST', '/api/session', { username, password }),
  logout: () => call<void>('DELETE', '/api/session'),
  visits: (params: URLSearchParams) => call<{ items: AuditVisit[]; nextCursor: string | null }>('GET', `/api/audit/visits?${params}`),
  summary: (params: URLSearchParams) => call<Summary>('GET', `/api/audit/summary?${params}`),
  integrity: () => call<Integrity>('GET', '/api/audit/integrity'),
};

/** Filter fields the auditor can set; empty ones are left out of the query. */
export interface AuditFilters {
  from: string;
  to: string;
  cardNumber: string;
  maSoBhxh: string;
  verdict: string;
  reasonCode: string;
  operator: string;
  desk: string;
}

export const EMPTY_FILTERS: AuditFilters = {
  from: '',
  to: '',
  cardNumber: '',
  maSoBhxh: '',
  verdict: '',
  reasonCode: '',
  operator: '',
  desk: '',
};

export function filterParams(
  f: AuditFilters,
  keys: ReadonlyArray<keyof AuditFilters> = Object.keys(EMPTY_FILTERS) as Array<keyof AuditFilters>,
): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of keys) {
    const v = f[k].trim();
    if (v) p.set(k, v);
  }
  return p;
}

/** Vietnam local time for display: dd/mm/yyyy hh:mm:ss. */
export function vnTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
