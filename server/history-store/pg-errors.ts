/**
 * The PostgreSQL store's typed error. Its message is ours, never the driver's: a server error's
 * text or detail can quote row values (`Key (id)=(…)`), so only the SQLSTATE travels with it.
 */
export class PgStoreError extends Error {
  readonly code = 'DATABASE_ERROR';
  /** The server's SQLSTATE (e.g. 57P01 admin shutdown), or a connection error code. */
  readonly sqlState: string | undefined;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PgStoreError';
    const c = (options?.cause as { code?: unknown } | undefined)?.code;
    this.sqlState = typeof c === 'string' ? c.slice(0, 20) : undefined;
  }
}
