/**
 * The signed-in operator as clients see it: POST /api/session and GET /api/session answer
 * `{ user: SessionUser }`. Wire contract: imports nothing.
 */

export type OperatorRole = 'receptionist' | 'auditor' | 'admin';

export interface SessionUser {
  username: string;
  displayName: string;
  role: OperatorRole;
  /** The desk this service runs at (recorded on visits). */
  deskId: string;
}

/** POST /api/session, GET /api/session. */
export interface SessionResponse {
  user: SessionUser;
}
