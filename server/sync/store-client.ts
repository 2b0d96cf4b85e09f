/**
 * HTTP client for the medical-history store's batch endpoint. Node's global fetch keeps
 * connections alive by default (undici pool), so a drain of many batches reuses one socket.
 * Every failure becomes a SyncTransportError with a stable code; nothing personal in messages.
 */
import { OutboxTransportError } from '../outbox/types.js';
import { MAX_BATCH_ITEMS, type ItemResult } from '../wire/history-store.js';

export type TransportCode =
  | 'STORE_UNREACHABLE'
  | 'STORE_TIMEOUT'
  | 'STORE_SERVER_ERROR'
  | 'STORE_AUTH_FAILED'
  | 'STORE_REFUSED_BATCH'
  | 'STORE_BAD_RESPONSE'
  | 'ABORTED';

/** The store's failures as the outbox worker knows them: a refused request is bisected (`refusesBatch`). */
export class SyncTransportError extends OutboxTransportError {
  declare readonly code: TransportCode;

  constructor(code: TransportCode, detail: string, httpStatus?: number) {
    super(code, detail, httpStatus, code === 'STORE_REFUSED_BATCH');
    this.name = 'SyncTransportError';
  }
}

export interface BatchSender {
  /** Sends items; resolves with one result per item, in item order. `signal` aborts (→ ABORTED). */
  postBatch(items: readonly Record<string, string>[], signal: AbortSignal): Promise<ItemResult[]>;
}

const MAX_RESPONSE_CHARS = 2 * 1024 * 1024;
const STATUSES = ['stored', 'duplicate', 'conflict', 'invalid'];

export class HistoryStoreClient implements BatchSender {
  private readonly endpoint: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.endpoint = `${baseUrl.replace(/\/+$/, '')}/v1/visits:batch`;
  }

  async postBatch(items: readonly Record<string, string>[], signal: AbortSignal): Promise<ItemResult[]> {
    if (items.length > MAX_BATCH_ITEMS) throw new Error(`batch of ${items.length} exceeds ${MAX_BATCH_ITEMS}`);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    const classify = (err: unknown): SyncTransportError => {
      if (signal.aborted) return new SyncTransportError('ABORTED', 'sync stopped during the request');
      if (timeout.aborted) return new SyncTransportError('STORE_TIMEOUT', `no answer within ${Math.round(this.timeoutMs / 1000)} s`);
      const cause = (err as { cause?: { code?: string } })?.cause?.code;
      return new SyncTransportError('STORE_UNREACHABLE', `cannot reach the store${cause ? ` (${cause})` : ''}`);
    };
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ visits: items }),
        signal: combined,
      });
      text = await res.text();
    } catch (err) {
      throw classify(err);
    }
    if (res.status >= 500)
      throw new SyncTransportError('STORE_SERVER_ERROR', `store answered ${res.status}${problemCode(text)}`, res.status);
    if (res.status === 401 || res.status === 403) {
      throw new SyncTransportError('STORE_AUTH_FAILED', `store refused the API key (${res.status}${problemCode(text)})`, res.status);
    }
    if (res.status !== 200)
      throw new SyncTransportError('STORE_REFUSED_BATCH', `store answered ${res.status}${problemCode(text)}`, res.status);
    return parseResults(text, items);
  }
}

function problemCode(text: string): string {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` ${code}` : '';
  } catch {
    return '';
  }
}

/** Checks the store's answer item by item: one result per item, matched by index and id. */
export function parseResults(text: string, items: readonly Record<string, string>[]): ItemResult[] {
  const bad = (why: string) => new SyncTransportError('STORE_BAD_RESPONSE', why);
  if (text.length > MAX_RESPONSE_CHARS) throw bad('response too large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad('response is not JSON');
  }
  const results = (body as { results?: unknown })?.results;
  if (!Array.isArray(results) || results.length !== items.length) throw bad('results do not match the batch');
  const out = new Array<ItemResult>(items.length);
  for (const r of results as unknown[]) {
    const o = r as Partial<ItemResult> | null;
    const i = o?.index;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= items.length || out[i] !== undefined)
      throw bad('result index out of range');
    if (typeof o?.status !== 'string' || !STATUSES.includes(o.status)) throw bad('unknown result status');
    if (o.id !== null && o.id !== undefined && o.id !== items[i]!.id) throw bad('result id does not match the item');
    out[i] = {
      id: items[i]!.id ?? null,
      index: i,
      status: o.status,
      ...(typeof o.code === 'string' ? { code: o.code.slice(0, 60) } : {}),
      ...(typeof o.detail === 'string' ? { detail: o.detail.slice(0, 200) } : {}),
    };
  }
  return out;
}
