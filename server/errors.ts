/**
 * Typed errors with stable codes. The HTTP layer turns an AppError into
 * application/problem+json (RFC 9457) with `code`; anything else becomes a bare 500 that
 * leaks nothing. `detail` must never carry personal data or internals: it is shown to clients.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string | undefined;
  /** Extra problem members safe to expose (e.g. reasons of a rejected card). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: string, status: number, detail?: string, extra?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(detail ?? code, options);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.detail = detail;
    this.extra = extra;
  }
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

/** The trust file (or a refreshed JWKS / revocation list) is unusable. */
export class TrustStoreError extends Error {
  readonly code = 'TRUST_STORE_INVALID';
  readonly problems: string[];
  constructor(problems: string[], options?: { cause?: unknown }) {
    super(`trust store refused:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'TrustStoreError';
    this.problems = problems;
  }
}
