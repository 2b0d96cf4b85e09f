/**
 * The admin's API (/api/admin/*) as clients see it. Wire contract: imports nothing outside
 * server/wire/.
 */

/** One operator account as GET /api/admin/users lists it (never the password hash). */
export interface AdminUserView {
  username: string;
  displayName: string;
  /** The ID-card (căn cước) number; null when the account was made without one. */
  cccd: string | null;
  role: 'receptionist' | 'auditor' | 'admin';
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** The last successful sign-in; null when never (or before the kiosk recorded sign-ins). */
  lastLoginAt: string | null;
}

/** GET /api/admin/users. */
export interface AdminUserList {
  items: AdminUserView[];
}

/** POST /api/admin/users (a new account), …/disable, …/enable, …/password. */
export interface AdminUserReply {
  user: AdminUserView;
}

/** POST /api/admin/users: a receptionist needs `cccd`. */
export interface NewAdminUser {
  username: string;
  displayName: string;
  role: AdminUserView['role'];
  cccd?: string;
  password: string;
}

/** PATCH /api/admin/users/:username: what changes (absent: kept; cccd null: cleared, not for a receptionist). */
export interface AdminUserChange {
  displayName?: string;
  cccd?: string | null;
  role?: AdminUserView['role'];
}

/** POST /api/admin/trust/refresh: the outcome (a refused update is `ok: false` with its reason, not an HTTP error). */
export interface TrustRefreshReply {
  ok: boolean;
  changed: boolean;
  refusedBecause?: string;
  problems?: string[];
  issuers: number;
  refreshed: number;
  fileReloaded?: boolean;
  persisted?: boolean;
  at: string;
}
