/**
 * HTTP client for the medical-history store's batch endpoint. Node's global fetch keeps
 * connections alive by default (undici pool), so a drain of many batches reuses one socket.
 * Every failure becomes a SyncTransportError with a stable code; nothing personal in messages.
 * With the anchor on, every batch carries the kiosk's checkpoint in the `Bhyt-Checkpoint`
 * header (a store that does not know it ignores it) and idle checkpoints go to /v1/checkpoints.
 */
import { OutboxTransportError } from '../outbox/types.js';
import { MAX_BATCH_ITEMS, type ItemResult } from '../wire/history-store.js';
import { CHECKPOINT_HEADER, type CheckpointAnswer } from '../wire/checkpoints.js';
import type { BatchCheckpoints, Carried, CheckpointSender } from '../anchor/anchor.js';

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

const CHECKPOINT_STATUSES = ['recorded', 'duplicate', 'refused'];

export class HistoryStoreClient implements BatchSender, CheckpointSender {
  private readonly endpoint: string;
  private readonly checkpointEndpoint: string;
  /** Set once the anchor is wired (it needs this client to send its idle checkpoints). */
  checkpoints: BatchCheckpoints | undefined;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const base = baseUrl.replace(/\/+$/, '');
    this.endpoint = `${base}/v1/visits:batch`;
    this.checkpointEndpoint = `${base}/v1/checkpoints`;
  }

  postBatch(items: readonly Record<string, string>[], signal: AbortSignal): Promise<ItemResult[]> {
    if (items.length > MAX_BATCH_ITEMS) throw new Error(`batch of ${items.length} exceeds ${MAX_BATCH_ITEMS}`);
    if (!this.checkpoints) return this.#postBatch(items, undefined, signal).then((c) => c.value);
    return this.checkpoints.withCheckpoint((jws) => this.#postBatch(items, jws, signal));
  }

  /** An idle checkpoint: the store's answer (a refusal too); undefined from a store without checkpoints. */
  async postCheckpoint(jws: string, signal: AbortSignal): Promise<CheckpointAnswer | undefined> {
    const { res, text } = await this.#fetch(this.checkpointEndpoint, JSON.stringify({ checkpoint: jws }), {}, signal);
    if (res.status === 404) return undefined;
    if (res.status >= 500)
      throw new SyncTransportError('STORE_SERVER_ERROR', `store answered ${res.status}${problemCode(text)}`, res.status);
    if (res.status === 401) throw new SyncTransportError('STORE_AUTH_FAILED', `store refused the API key (${res.status})`, res.status);
    if (res.status === 200) return checkpointAnswer((JSON.parse(text) as Record<string, unknown>) ?? {});
    const code = problemCode(text).trim();
    if (code.startsWith('CHECKPOINT_')) return { status: 'refused', code: code as CheckpointAnswer['code'] };
    throw new SyncTransportError('STORE_REFUSED_BATCH', `store answered ${res.status}${problemCode(text)}`, res.status);
  }

  async #fetch(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ res: Response; text: string }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    try {
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.apiKey}`, ...headers },
        body,
        signal: combined,
      });
      return { res, text: await res.text() };
    } catch (err) {
      if (signal.aborted) throw new SyncTransportError('ABORTED', 'sync stopped during the request');
      if (timeout.aborted) throw new SyncTransportError('STORE_TIMEOUT', `no answer within ${Math.round(this.timeoutMs / 1000)} s`);
      const cause = (err as { cause?: { code?: string } })?.cause?.code;
      throw new SyncTransportError('STORE_UNREACHABLE', `cannot reach the store${cause ? ` (${cause})` : ''}`);
    }
  }

  async #postBatch(items: readonly Record<string, string>[], jws: string | undefined, signal: AbortSignal): Promise<Carried<ItemResult[]>> {
    const headers: Record<string, string> = jws ? { [CHECKPOINT_HEADER]: jws } : {};
    const { res, text } = await this.#fetch(this.endpoint, JSON.stringify({ visits: items }), headers, signal);
    if (res.status >= 500)
      throw new SyncTransportError('STORE_SERVER_ERROR', `store answered ${res.status}${problemCode(text)}`, res.status);
    if (res.status === 401 || res.status === 403) {
      throw new SyncTransportError('STORE_AUTH_FAILED', `store refused the API key (${res.status}${problemCode(text)})`, res.status);
    }
    if (res.status !== 200)
      throw new SyncTransportError('STORE_REFUSED_BATCH', `store answered ${res.status}${problemCode(text)}`, res.status);
    const results = parseResults(text, items);
    let answer: CheckpointAnswer | undefined;
    if (jws) {
      const c = (JSON.parse(text) as { checkpoint?: unknown }).checkpoint;
      answer = c === undefined ? undefined : checkpointAnswer(c);
    }
    return { value: results, answer };
  }
}

/** The store's word on a checkpoint, checked like every other part of its answers. */
function checkpointAnswer(v: unknown): CheckpointAnswer {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o.status !== 'string' || !CHECKPOINT_STATUSES.includes(o.status)) {
    throw new SyncTransportError('STORE_BAD_RESPONSE', 'unknown checkpoint status');
  }
  const code = typeof o.code === 'string' && /^CHECKPOINT_[A-Z_]{1,40}$/.test(o.code) ? (o.code as CheckpointAnswer['code']) : undefined;
  if (o.status === 'refused') return { status: 'refused', code: code ?? 'CHECKPOINT_INVALID' };
  return { status: o.status as 'recorded' | 'duplicate' };
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
