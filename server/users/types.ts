export type Role = 'receptionist' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['receptionist', 'auditor', 'admin'];

/** A staff member as the rest of the service sees it (never the password hash). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  /** Căn cước công dân number: the agency's lookup needs the staff member's name and ID. */
  cccd: string | null;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** The last successful sign-in, ms; null when never (or before the kiosk recorded it). */
  lastLoginAt?: number | null;
}

/** Problems with user input, by field, so the CLI and the admin API report the same rules. */
export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;
export const CCCD_RE = /^[0-9]{12}$/;
export const DISPLAY_NAME_MAX = 100;

export function usernameProblem(u: string): string | undefined {
  return USERNAME_RE.test(u)
    ? undefined
    : 'the username must be 2–32 characters: lower-case letters, digits, . _ - (starting with a letter or digit)';
}

export function displayNameProblem(n: string): string | undefined {
  const t = n.trim();
  if (t.length === 0) return 'the full name is required';
  if (t.length > DISPLAY_NAME_MAX) return `the full name must have at most ${DISPLAY_NAME_MAX} characters`;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f<>]/.test(t)) return 'the full name contains characters that are not allowed';
  return undefined;
}

export function cccdProblem(c: string): string | undefined {
  return CCCD_RE.test(c) ? undefined : 'the ID card number (CCCD) must be 12 digits';
}

export function isRole(r: unknown): r is Role {
  return typeof r === 'string' && (ROLES as readonly string[]).includes(r);
}
