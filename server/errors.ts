import type { ProblemCode } from './wire/problem-codes.js';

export type { ProblemCode } from './wire/problem-codes.js';

/**
 * Typed errors with stable codes. Domain code throws an AppError with a code from the one
 * table (server/wire/problem-codes.ts), a safe detail and safe extra members; it never says an
 * HTTP status. The HTTP edge (server/web/problem.ts) maps the code to its status and renders
 * application/problem+json (RFC 9457); anything else becomes a bare 500 that leaks nothing.
 * `detail` must never carry personal data or internals: it is shown to clients.
 */
export class AppError extends Error {
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  /** Extra problem members safe to expose (e.g. reasons of a rejected card). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ProblemCode, detail?: string, extra?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(detail ?? code, options);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.extra = extra;
  }
}

/**
 * Which input was wrong: `field` is the one canonical member, in both services (`{ field }`).
 * The kiosk's query-parameter errors said `param` before the services agreed; they keep
 * emitting it too (an alias, so no client loses a member it reads): build them with this.
 */
export function queryField(name: string): { field: string; param: string } {
  return { field: name, param: name };
}

/** Configuration or startup problem: the process refuses to start and says why. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * The trust file (or a refreshed JWKS / revocation list) is unusable. Not an AppError on
 * purpose: its problems name files and are for the operator's console, never a response.
 */
export class TrustStoreError extends Error {
  readonly code = 'TRUST_STORE_INVALID' satisfies ProblemCode;
  readonly problems: string[];
  constructor(problems: string[], options?: { cause?: unknown }) {
    super(`trust store refused:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'TrustStoreError';
    this.problems = problems;
  }
}
