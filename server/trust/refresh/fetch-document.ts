/**
 * One conditional GET of an issuer document (JWKS or revocation list): size-capped, timed out,
 * no redirects, https only (plain http only to this machine, for development mirrors and tests).
 * The network is never trusted for more than bytes: everything fetched is validated by the
 * caller before it can change the trust store.
 */

export type FetchOutcome =
  { status: 'ok'; body: unknown; etag: string | undefined; bytes: number } | { status: 'not-modified' } | { status: 'not-found' };

export class FetchError extends Error {
  /** Stable code for status and logs: TRUST_FETCH_FAILED or TRUST_UPDATE_INVALID. */
  readonly code: 'TRUST_FETCH_FAILED' | 'TRUST_UPDATE_INVALID';
  readonly problem: string;
  constructor(code: FetchError['code'], problem: string, options?: { cause?: unknown }) {
    super(problem, options);
    this.name = 'FetchError';
    this.code = code;
    this.problem = problem;
  }
}

export interface FetchDocumentOptions {
  etag?: string;
  maxBytes: number;
  timeoutMs: number;
  /** Shutdown: aborts the request at once. */
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why a refresh URL is not acceptable, or undefined when it is. */
export function refreshUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (u.username || u.password) return 'must not carry credentials';
  if (u.search || u.hash) return 'must not have a query or fragment';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return undefined;
  return 'must be https (plain http only on this machine)';
}

/** The URL with secrets and query stripped, for logs and status. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

async function readCapped(res: Response, maxBytes: number, where: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new FetchError('TRUST_UPDATE_INVALID', `${where}: larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FetchError('TRUST_UPDATE_INVALID', `${where}: larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

export async function fetchDocument(url: string, opts: FetchDocumentOptions): Promise<FetchOutcome> {
  const where = safeUrl(url);
  const urlProblem = refreshUrlProblem(url);
  if (urlProblem) throw new FetchError('TRUST_UPDATE_INVALID', `${where}: ${urlProblem}`);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  try {
    const res = await (opts.fetchImpl ?? fetch)(url, { method: 'GET', headers, redirect: 'error', signal, cache: 'no-store' });
    if (res.status === 304) {
      await res.body?.cancel().catch(() => {});
      if (!opts.etag) throw new FetchError('TRUST_UPDATE_INVALID', `${where}: 304 to an unconditional request`);
      return { status: 'not-modified' };
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      return { status: 'not-found' };
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new FetchError('TRUST_FETCH_FAILED', `${where}: HTTP ${res.status}`);
    }
    const buf = await readCapped(res, opts.maxBytes, where);
    let body: unknown;
    try {
      body = JSON.parse(buf.toString('utf8'));
    } catch {
      throw new FetchError('TRUST_UPDATE_INVALID', `${where}: not valid JSON`);
    }
    const etag = res.headers.get('etag') ?? undefined;
    return { status: 'ok', body, etag: etag && etag.length <= 200 ? etag : undefined, bytes: buf.byteLength };
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (opts.signal?.aborted) throw new FetchError('TRUST_FETCH_FAILED', `${where}: cancelled (shutting down)`, { cause: err });
    if (timeout.aborted) throw new FetchError('TRUST_FETCH_FAILED', `${where}: no answer within ${opts.timeoutMs} ms`, { cause: err });
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new FetchError('TRUST_FETCH_FAILED', `${where}: ${cause ?? 'network error'}`, { cause: err });
  }
}
