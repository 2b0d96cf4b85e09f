/**
 * The portal client's settings (the service's config module provides them; the variables are
 * listed in PORTAL_SETTINGS) and the pure rule of which results need an online check.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { PortalSubjectSource } from './request.js';

/**
 * Which results get the online check:
 * - `unsigned` (default): legacy paper-card QRs (and VssID's image of them), chip ID cards and
 *   manual entries: everything the kiosk cannot verify offline;
 * - `all`: signed cards too.
 */
export type PortalCheckMode = 'unsigned' | 'all';

export const PORTAL_CHECK_MODES: readonly PortalCheckMode[] = ['unsigned', 'all'];

export interface PortalClientOptions {
  /** The portal's base URL (KIOSK_PORTAL_URL), e.g. https://portal.example/ (paths from server/wire/portal.ts). */
  url: string;
  /** The facility account (KIOSK_PORTAL_USER). */
  user: string;
  /**
   * The account's password in plain text (KIOSK_PORTAL_PASSWORD, or the content of
   * KIOSK_PORTAL_PASSWORD_FILE: preferred, mode 0600). The client keeps only its MD5, which is
   * what the portal wants on the wire; neither is ever logged.
   */
  password: string;
  /** Time budget of one check, everything included: queue, token, retries (KIOSK_PORTAL_TIMEOUT, default 60 s). */
  timeoutMs?: number;
  /** KIOSK_PORTAL_CHECK (default `unsigned`). */
  check?: PortalCheckMode;
  /** Checks in flight at once; more wait in a queue (their budget keeps running). Default 4. */
  maxConcurrent?: number;
  /** How long a token is kept when the portal gives no `expires_in` (default 50 minutes). */
  tokenLifetimeMs?: number;
  /** First retry wait (default 500 ms); doubles per failure up to maxBackoffMs, full jitter. */
  baseBackoffMs?: number;
  /** Cap of one retry wait (default 8 s). */
  maxBackoffMs?: number;
  /** Retryable failures (token or card check) one check tolerates before it gives up (default 6), all inside the time budget. */
  maxAttempts?: number;
}

export const PORTAL_DEFAULTS: Readonly<Required<Omit<PortalClientOptions, 'url' | 'user' | 'password'>>> = Object.freeze({
  timeoutMs: 60_000,
  check: 'unsigned',
  maxConcurrent: 4,
  tokenLifetimeMs: 50 * 60_000,
  baseBackoffMs: 500,
  maxBackoffMs: 8_000,
  maxAttempts: 6,
});

/** The settings as the config module should expose them (flag names follow the README's pattern). */
export const PORTAL_SETTINGS = Object.freeze([
  {
    variable: 'KIOSK_PORTAL_URL',
    flag: '--portal-url',
    default: '—',
    meaning: 'agency portal base URL (online card check off when unset)',
  },
  { variable: 'KIOSK_PORTAL_USER', flag: '--portal-user', default: '—', meaning: "the facility's portal account" },
  {
    variable: 'KIOSK_PORTAL_PASSWORD_FILE',
    flag: '--portal-password-file',
    default: '—',
    meaning: 'file holding its password (preferred; mode 0600)',
  },
  { variable: 'KIOSK_PORTAL_PASSWORD', flag: '—', default: '—', meaning: 'its password (when no file is given)' },
  {
    variable: 'KIOSK_PORTAL_TIMEOUT',
    flag: '--portal-timeout',
    default: '60',
    meaning: 'time budget of one online check (seconds, or 90s / 2m)',
  },
  {
    variable: 'KIOSK_PORTAL_CHECK',
    flag: '--portal-check',
    default: 'unsigned',
    meaning: '`unsigned`: legacy, CCCD and manual entries; `all`: signed cards too',
  },
]);

/** Whether a result of this source needs the online check under `mode`. Pure. */
export function portalPolicy(source: PortalSubjectSource | undefined, mode: PortalCheckMode): boolean {
  switch (source) {
    case 'legacy-unsigned':
    case 'id-card':
    case 'manual':
      return true;
    case 'signed':
      return mode === 'all';
    default:
      return false;
  }
}

/** The password as the portal wants it: lowercase hex MD5 of its UTF-8 bytes. */
export function portalPasswordHash(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex');
}

/**
 * Reads KIOSK_PORTAL_PASSWORD_FILE: the whole file minus one trailing newline. Refused (a problem
 * for the config module's list) when it is missing, empty, or readable by group or others. The
 * problem text names the file, never its content.
 */
export function readPortalPasswordFile(path: string): { ok: true; password: string } | { ok: false; problem: string } {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch {
    return { ok: false, problem: `KIOSK_PORTAL_PASSWORD_FILE ${path} cannot be read` };
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    return { ok: false, problem: `KIOSK_PORTAL_PASSWORD_FILE ${path} is readable by others: chmod 600 it` };
  const password = text.replace(/\r?\n$/, '');
  if (password === '') return { ok: false, problem: `KIOSK_PORTAL_PASSWORD_FILE ${path} is empty` };
  return { ok: true, password };
}
