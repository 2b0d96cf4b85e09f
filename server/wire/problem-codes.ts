/**
 * Every problem `code` either service answers with, and its HTTP status: the one table. The code
 * union (`ProblemCode`) is derived from it, so a thrower can only name a code listed here, and
 * the problem+json handler (server/web/problem.ts) is the only place that turns a code into a
 * status. Domain errors (server/errors.ts) carry a code, never a status.
 *
 * Codes are public (clients and tests match on them): never rename one. Near-twins that were
 * merged keep their old string as an alias (PROBLEM_ALIASES) where it is observable.
 *
 * Shared with the kiosk screen (it matches on codes), so this file imports nothing.
 */
export const PROBLEM_STATUS = {
  // ── Request shape, both services (server/web/) ─────────────────────────────────────────────
  BODY_INVALID: 400,
  BODY_NOT_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_ENCODING: 415,
  REQUEST_ABORTED: 400,
  /** A framework error with a 4xx status of its own: the handler keeps that status. */
  BAD_REQUEST: 400,
  CONTENT_TYPE_NOT_JSON: 415,
  FIELD_MISSING: 400,
  FIELD_INVALID: 400,
  FIELD_TOO_LONG: 400,
  FIELD_UNKNOWN: 400,
  QUERY_UNKNOWN: 400,
  QUERY_INVALID: 400,
  DATE_INVALID: 400,
  DATE_RANGE_INVALID: 400,
  DATE_RANGE_TOO_LARGE: 400,
  CURSOR_INVALID: 400,
  NOT_FOUND: 404,
  INTERNAL: 500,

  // ── Kiosk: operators and sessions ──────────────────────────────────────────────────────────
  SESSION_REQUIRED: 401,
  FORBIDDEN_ROLE: 403,
  LOGIN_FAILED: 401,
  LOGIN_THROTTLED: 429,
  USERNAME_TAKEN: 409,
  USER_NOT_FOUND: 404,
  CANNOT_DISABLE_SELF: 409,
  CANNOT_CHANGE_OWN_ROLE: 409,

  // ── Kiosk: the network edge (server/http/host-check.ts, server/http/verify-limit.ts) ─────────
  /** The Host header names none of the service's own hosts (loopback, KIOSK_PUBLIC_HOSTS): DNS rebinding. */
  HOST_NOT_ALLOWED: 403,
  /** A state-changing request from a page of another origin. */
  ORIGIN_NOT_ALLOWED: 403,
  /** Anonymous POST /api/verify over its per-address budget on a network listener (Retry-After). */
  VERIFY_RATE_LIMITED: 429,

  // ── Kiosk: check-in ────────────────────────────────────────────────────────────────────────
  IDEMPOTENCY_KEY_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 422,
  CARD_REJECTED: 422,
  REVIEW_NOTE_REQUIRED: 422,

  // ── Kiosk: the online card check (server/card-checks/, server/portal/) ────────────────────
  CARD_CHECK_NOT_FOUND: 404,
  CARD_CHECK_NOT_YOURS: 403,
  CARD_CHECK_EXPIRED: 409,
  CARD_CHECK_USED: 409,
  CARD_CHECK_PENDING: 409,
  /** Neither `{qr}` nor `{manual}`, or a manual entry's member is unusable (`field` names it). */
  CARD_CHECK_INPUT_INVALID: 400,
  /** The service is shutting down. */
  CARD_CHECK_CLOSED: 503,
  /** The signed-in operator's record lacks what the portal needs (its ID-card number, its name). */
  OPERATOR_CCCD_MISSING: 422,
  OPERATOR_CCCD_INVALID: 422,
  OPERATOR_NAME_MISSING: 422,
  /** What would be sent to the portal is unusable (card or ID number, name, birth date). */
  SUBJECT_NUMBER_INVALID: 400,
  SUBJECT_NAME_INVALID: 400,
  SUBJECT_BIRTH_DATE_INVALID: 400,
  SUBJECT_NOT_CHECKABLE: 422,

  // ── Kiosk: the check-in record report (server/check-in-report/) ──────────────────────────
  /** The day file cannot be signed: no usable facility key/certificate (see /api/status). */
  CHECKIN_KEY_UNAVAILABLE: 503,
  /** The day has no check-in record that can be put in a file. */
  CHECKIN_DAY_EMPTY: 404,
  /** An admin's requeue of a parked item (sync or check-in record) that is not parked. */
  NOT_PARKED: 404,

  // ── Medical-history store ──────────────────────────────────────────────────────────────────
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  WRITE_FORBIDDEN: 403,
  BATCH_INVALID: 400,
  BATCH_TOO_LARGE: 413,
  MA_SO_BHXH_INVALID: 400,
  YEAR_INVALID: 400,
  FACILITY_INVALID: 400,
  FACILITY_FORBIDDEN: 403,
  /** GET /readyz: the store's database does not answer a query (closed, unreachable, too slow). */
  STORE_NOT_READY: 503,
  /** Checkpoints (server/wire/checkpoints.ts): not a checkpoint of ours. */
  CHECKPOINT_INVALID: 400,
  /** Signed by another key than the one pinned or registered for this API key. */
  CHECKPOINT_KEY_MISMATCH: 409,
  /** Names another facility than the API key's. */
  CHECKPOINT_FACILITY: 403,
  /** A log shorter than a checkpoint the store holds: cut or rolled back. */
  CHECKPOINT_ROLLBACK: 409,
  /** Another hash at a sequence number the store holds: the log was rewritten. */
  CHECKPOINT_FORK: 409,
  /** TEST ONLY (history-store/faults.ts). */
  FAULT_INJECTED: 500,

  // ── Demo issuer and trust files (command-line tools today; statuses for an HTTP front) ────
  ISSUE_SIGNER_INVALID: 500,
  ISSUE_CARD_TOO_LARGE: 422,
  /** Bad input to the issuer: card fields, claims, issuer metadata, a key rotation. */
  ISSUER_INPUT_INVALID: 400,
  REVOKE_INPUT_INVALID: 400,
  ISSUER_DIR_INVALID: 500,
  ISSUER_DIR_EXISTS: 409,
  ISSUER_KEY_INVALID: 500,
  ISSUER_KEY_NOT_FOUND: 404,
  ISSUER_NO_ACTIVE_KEY: 409,
  ISSUER_QR_INVALID: 400,
  ISSUER_QR_TOO_LARGE: 422,
  /** A trust file (or refreshed JWKS / revocation list) is unusable. */
  TRUST_STORE_INVALID: 500,
} as const satisfies Record<string, number>;

/**
 * Merged near-twins: the old string is still what callers see where they saw it before (the
 * issuer CLI prints it; tests and scripts match on it), but it means exactly its canonical code
 * and shares its status. Code that decides on a code compares `canonicalProblemCode(code)`.
 */
export const PROBLEM_ALIASES = {
  /** Card input / claims refused by issueCard (server/card/): issuer input, said as before. */
  ISSUE_INPUT_INVALID: 'ISSUER_INPUT_INVALID',
  /** The issuer's edit of a trust file found it unusable (server/issuer/trust-file.ts). */
  TRUST_FILE_INVALID: 'TRUST_STORE_INVALID',
} as const satisfies Record<string, keyof typeof PROBLEM_STATUS>;

export type CanonicalProblemCode = keyof typeof PROBLEM_STATUS;
export type ProblemCode = CanonicalProblemCode | keyof typeof PROBLEM_ALIASES;

export function canonicalProblemCode(code: ProblemCode): CanonicalProblemCode {
  return Object.hasOwn(PROBLEM_ALIASES, code) ? PROBLEM_ALIASES[code as keyof typeof PROBLEM_ALIASES] : (code as CanonicalProblemCode);
}

export function problemStatus(code: ProblemCode): number {
  return PROBLEM_STATUS[canonicalProblemCode(code)];
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_STATUS, code) || Object.hasOwn(PROBLEM_ALIASES, code);
}
