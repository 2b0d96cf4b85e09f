/**
 * The medical-history store's HTTP API (see wire.ts for the contract). Routes authenticate,
 * validate and call the VisitStore; no SQL here. Errors leave as problem+json with stable codes.
 *
 * The operating side: GET /healthz (liveness: the process answers), GET /readyz (readiness: the
 * database answers a query; else 503 STORE_NOT_READY), GET /metrics (Prometheus text, metrics.ts;
 * loopback peers only unless HISTORY_STORE_METRICS_TOKEN is set, server/web/metrics-access.ts),
 * and one log line per request (server/web/request-observer.ts: method, route template, status,
 * milliseconds; never the raw path, which carries a patient's mã số BHXH, nor a query string).
 */
import type { IncomingMessage } from 'node:http';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { admitMetricsReader } from '../web/metrics-access.js';
import { notFound, problemHandler, sendProblem } from '../web/problem.js';
import { matchedRoute, observeRequest, pathOf } from '../web/request-observer.js';
import { rejectUnknownFields, requireJsonObject } from '../web/validate.js';
import type { Logger } from '../logger.js';
import type { ApiKeys, Principal } from './api-keys.js';
import type { FaultInjector } from './faults.js';
import { validateItem } from './validate-visit.js';
import { isFacilityCode } from '../lib/facility-code.js';
import { vietnamDayStart } from '../wire/vietnam-time.js';
import type { PreparedVisit, VisitStore } from './visit-store.js';
import { MAX_BATCH_ITEMS, type BatchResponse, type FacilityPage, type ItemResult, type PatientBook } from '../wire/history-store.js';
import { CHECKPOINT_HEADER, MAX_CHECKPOINT_PAGE, type CheckpointAnswer } from '../wire/checkpoints.js';
import { recordCheckpoint } from './checkpoint-ledger.js';
import type { StoreMetrics } from './metrics.js';

/** 500 visits of a few hundred bytes each fit comfortably; anything bigger is not a batch of ours. */
export const BATCH_BODY_LIMIT = '512kb';
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
const DAY_MS = 86_400_000;
const MA_SO_BHXH = /^[0-9]{10}$/;
/** How long /readyz waits for the database before it says not ready. */
export const READY_TIMEOUT_MS = 5000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export interface HistoryStoreAppDeps {
  store: VisitStore;
  keys: ApiKeys;
  clock: Clock;
  logger: Logger;
  /** This store's own registry (GET /metrics renders it). */
  metrics: StoreMetrics;
  /** Bearer token for GET /metrics; undefined: loopback peers only. */
  metricsToken: string | undefined;
  /** TEST ONLY. */
  faults?: FaultInjector;
}

/** The store's routes, for naming requests no route answered (an API key refused, a 404 under /v1). */
const ROUTE_TEMPLATES = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/visits:batch',
  '/v1/checkpoints',
  '/v1/patients/:maSoBhxh/visits',
  '/v1/facilities/:code/visits',
].map((template) => ({
  template,
  re: new RegExp(
    '^' +
      template
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/') +
      '/?$',
  ),
}));
const POLLED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A request's route template: the Express route that answered (its literal `\:` unescaped), else
 * the template its path fits, else `(unmatched)`. Never the path itself.
 */
export function storeRouteTemplate(req: IncomingMessage): string {
  const matched = matchedRoute(req);
  if (matched !== undefined) return matched.replace(/\\/g, '');
  const path = pathOf(req);
  return ROUTE_TEMPLATES.find((r) => r.re.test(path))?.template ?? '(unmatched)';
}

type Authed = Request & { principal?: Principal };

function authenticate(keys: ApiKeys): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    if (!m) {
      res.set('WWW-Authenticate', 'Bearer realm="medical-history-store"');
      return next(new AppError('AUTH_REQUIRED', 'Send "Authorization: Bearer <facility API key>".'));
    }
    const principal = keys.lookup(m[1]!);
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="medical-history-store", error="invalid_token"');
      return next(new AppError('AUTH_INVALID', 'The API key is not valid.'));
    }
    (req as Authed).principal = principal;
    next();
  };
}

function principalOf(req: Request): Principal {
  const p = (req as Authed).principal;
  if (!p) throw new AppError('AUTH_REQUIRED');
  return p;
}

function singleQuery(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 100)
    throw new AppError('QUERY_INVALID', `"${name}" must be given once, as text.`, { field: name });
  return v;
}

/** `YYYY-MM-DD` is a Vietnam calendar day (`to` includes that whole day); otherwise an ISO instant. */
function parseBound(text: string | undefined, name: 'from' | 'to'): number | undefined {
  if (text === undefined || text === '') return undefined;
  const day = vietnamDayStart(text);
  if (day !== undefined) return name === 'to' ? day + DAY_MS : day;
  const ms = ISO_INSTANT.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms))
    throw new AppError('QUERY_INVALID', `"${name}" must be a date YYYY-MM-DD (Vietnam time) or an ISO-8601 instant.`, { field: name });
  return ms;
}

export function encodeCursor(checkedInMs: number, id: string): string {
  return Buffer.from(JSON.stringify([checkedInMs, id])).toString('base64url');
}

export function decodeCursor(text: string): { checkedInMs: number; id: string } {
  const bad = () => new AppError('CURSOR_INVALID', 'The cursor is not one this store issued.');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || typeof v[1] !== 'string' || v[1].length > 64) throw bad();
  return { checkedInMs: v[0] as number, id: v[1] };
}

export function createHistoryStoreApp(deps: HistoryStoreAppDeps): Express {
  const { store, clock, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    observeRequest(req, res, { logger, route: storeRouteTemplate, polled: POLLED, onObserved: (o) => metrics.observeRequest(o) });
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'medical-history-store' });
  });

  app.get('/readyz', async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        store.ping(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
          timer.unref();
        }),
      ]);
    } catch (err) {
      // The driver's message may name the server or the user: the kind is enough here.
      logger.warn('not ready: the database does not answer', { code: 'STORE_NOT_READY', error: err });
      return sendProblem(res, 'STORE_NOT_READY', 'The database does not answer.');
    } finally {
      clearTimeout(timer);
    }
    res.json({ status: 'ready' });
  });

  app.get('/metrics', async (req, res) => {
    if (!admitMetricsReader(req, res, deps.metricsToken)) return;
    const body = await metrics.render();
    res.status(200).type(metrics.contentType).send(body);
  });

  app.use('/v1', authenticate(deps.keys));
  app.use('/v1', express.json({ limit: BATCH_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));

  // ':' is a parameter marker in Express paths; the backslash makes it literal.
  app.post('/v1/visits\\:batch', async (req, res) => {
    const principal = principalOf(req);
    if (principal.kind !== 'facility') throw new AppError('WRITE_FORBIDDEN', 'This key may read but not write.');
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['visits']);
    if (!Array.isArray(body.visits)) throw new AppError('BATCH_INVALID', '"visits" must be an array of visits.', { field: 'visits' });
    if (body.visits.length > MAX_BATCH_ITEMS) {
      throw new AppError('BATCH_TOO_LARGE', `At most ${MAX_BATCH_ITEMS} visits per batch.`, { maxItems: MAX_BATCH_ITEMS });
    }
    const now = clock.now();
    const results = new Array<ItemResult>(body.visits.length);
    const prepared: PreparedVisit[] = [];
    body.visits.forEach((raw: unknown, index: number) => {
      const c = validateItem(raw, principal.facility, now);
      if (c.ok) prepared.push({ index, visit: c.visit, contentHash: c.contentHash, checkedInMs: c.checkedInMs });
      else results[index] = { id: c.id, index, status: 'invalid', code: c.code, detail: c.detail };
    });

    const fault = deps.faults?.nextBatch();
    if (fault && !fault.afterCommit) return injectFault(fault.kind, res);
    const stored = prepared.length > 0 ? await store.storeBatch(prepared, now) : [];
    for (const r of stored) {
      // Echo the id exactly as the client sent it.
      const sent = (body.visits[r.index] as { id?: unknown }).id;
      results[r.index] = { ...r, id: typeof sent === 'string' ? sent : r.id };
    }
    const counts = { stored: 0, duplicate: 0, conflict: 0, invalid: 0 };
    for (const r of results) counts[r.status]++;
    metrics.batchAnswered(counts);
    logger.info('batch received', { code: 'BATCH_RECEIVED', facility: principal.facility, items: results.length, ...counts });
    // The batch's checkpoint, after its visits: a refused checkpoint never refuses the visits.
    const checkpointText = req.get(CHECKPOINT_HEADER);
    const checkpoint = checkpointText === undefined ? undefined : await takeCheckpoint(principal, checkpointText, now);
    if (deps.faults?.delayMs) await new Promise((r) => setTimeout(r, deps.faults!.delayMs));
    if (fault) return injectFault(fault.kind, res);
    const out: BatchResponse & { checkpoint?: CheckpointAnswer } = { results, ...(checkpoint ? { checkpoint } : {}) };
    res.json(out);
  });

  async function takeCheckpoint(principal: Extract<Principal, { kind: 'facility' }>, jws: unknown, now: number): Promise<CheckpointAnswer> {
    const { answer, pinned } = await recordCheckpoint(
      store.checkpoints,
      { facility: principal.facility, slot: principal.slot, ...(principal.kioskKey ? { registeredKey: principal.kioskKey } : {}) },
      jws,
      now,
    );
    metrics.checkpointAnswered(answer);
    if (pinned)
      logger.info('kiosk key pinned', { code: 'KIOSK_KEY_PINNED', facility: principal.facility, slot: principal.slot, thumbprint: pinned });
    // A refusal is the agency's alarm: a kiosk's log shortened, rewritten or signed by another key.
    if (answer.status === 'refused')
      logger.warn('checkpoint refused', { code: answer.code, facility: principal.facility, slot: principal.slot });
    return answer;
  }

  function facilityPrincipal(req: Request): Extract<Principal, { kind: 'facility' }> {
    const principal = principalOf(req);
    if (principal.kind !== 'facility') throw new AppError('WRITE_FORBIDDEN', "Checkpoints belong to a kiosk: use the kiosk's own key.");
    return principal;
  }

  app.post('/v1/checkpoints', async (req, res) => {
    const principal = facilityPrincipal(req);
    const body = requireJsonObject(req.body);
    rejectUnknownFields(body, ['checkpoint']);
    const answer = await takeCheckpoint(principal, body.checkpoint, clock.now());
    if (answer.status === 'refused') throw new AppError(answer.code!, answer.detail);
    res.json(answer);
  });

  app.get('/v1/checkpoints', async (req, res) => {
    const principal = facilityPrincipal(req);
    const afterText = singleQuery(req, 'after');
    if (afterText !== undefined && !/^\d{1,15}$/.test(afterText))
      throw new AppError('QUERY_INVALID', '"after" must be a position.', { field: 'after' });
    const limitText = singleQuery(req, 'limit');
    if (limitText !== undefined && (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_CHECKPOINT_PAGE)) {
      throw new AppError('QUERY_INVALID', `"limit" must be 1–${MAX_CHECKPOINT_PAGE}.`, { field: 'limit' });
    }
    res.json(await store.checkpoints.list(principal.slot, Number(afterText ?? 0), Number(limitText ?? MAX_CHECKPOINT_PAGE)));
  });

  app.get('/v1/patients/:maSoBhxh/visits', async (req, res) => {
    const principal = principalOf(req);
    const maSoBhxh = String(req.params.maSoBhxh);
    if (!MA_SO_BHXH.test(maSoBhxh)) throw new AppError('MA_SO_BHXH_INVALID', 'The mã số BHXH must be 10 digits.');
    const yearText = singleQuery(req, 'year');
    if (yearText === undefined || !/^\d{4}$/.test(yearText) || Number(yearText) < 2000 || Number(yearText) > 2100) {
      throw new AppError('YEAR_INVALID', '"year" must be a year YYYY (2000–2100).', { field: 'year' });
    }
    const year = Number(yearText);
    // A facility sees only the visits it sent; the agency's reader sees the whole book.
    const items = await store.patientBook(maSoBhxh, year, principal.kind === 'facility' ? principal.facility : undefined);
    const out: PatientBook = { maSoBhxh, year, items };
    res.json(out);
  });

  app.get('/v1/facilities/:code/visits', async (req, res) => {
    const principal = principalOf(req);
    const code = String(req.params.code);
    if (!isFacilityCode(code)) throw new AppError('FACILITY_INVALID', 'The facility code must be 5 characters.');
    if (principal.kind === 'facility' && principal.facility !== code) {
      throw new AppError('FACILITY_FORBIDDEN', "A facility key can read only its own facility's visits.");
    }
    const fromMs = parseBound(singleQuery(req, 'from'), 'from');
    const toMs = parseBound(singleQuery(req, 'to'), 'to');
    const limitText = singleQuery(req, 'limit');
    if (limitText !== undefined && (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_PAGE)) {
      throw new AppError('QUERY_INVALID', `"limit" must be 1–${MAX_PAGE}.`, { field: 'limit' });
    }
    const limit = limitText === undefined ? DEFAULT_PAGE : Number(limitText);
    const cursorText = singleQuery(req, 'cursor');
    const after = cursorText ? decodeCursor(cursorText) : undefined;
    // One extra row tells whether there is a next page without a second query.
    const rows = await store.facilityVisits({ facility: code, fromMs, toMs, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const out: FacilityPage = {
      items: page.map(({ checkedInMs: _ms, receivedAt, ...v }) => ({ ...v, receivedAt: new Date(receivedAt).toISOString() })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.checkedInMs, last.id) : null,
    };
    res.json(out);
  });

  app.use(notFound);
  app.use(problemHandler(logger, 'Something went wrong on the medical-history store.'));
  return app;
}

function injectFault(kind: 'error500' | 'hang', res: Parameters<RequestHandler>[1]): void {
  // TEST ONLY (see faults.ts): a hang never answers; the server drops the socket on close.
  if (kind === 'error500') sendProblem(res, 'FAULT_INJECTED', 'Injected failure (test fault plan).');
}
