/**
 * The medical-history store's Prometheus metrics (GET /metrics, prom-client). One Registry per
 * store instance, never prom-client's global default, so several stores in one process (the
 * tests) each count their own. Labels are closed sets or codes: never a mã số BHXH, a card
 * number, a facility's API key or a URL's query string. (Facility codes are not labels either:
 * a national store hears from thousands of facilities.)
 *
 * - bhyt_history_store_batches_total: batches answered (POST /v1/visits:batch past validation);
 * - bhyt_history_store_batch_items_total{status}: their items, stored / duplicate / conflict / invalid;
 * - bhyt_history_store_checkpoints_total{outcome,code}: checkpoints (a batch's header or POST
 *   /v1/checkpoints), recorded / duplicate / refused, a refusal with its CHECKPOINT_* code
 *   (`none` otherwise);
 * - bhyt_history_store_http_requests_total{method,route,status} and
 *   bhyt_history_store_http_request_duration_seconds{method,route,status} by route template;
 * - bhyt_history_store_info{version,backend}, and Node's process metrics (process_*, nodejs_*).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ItemStatus } from '../wire/history-store.js';
import type { CheckpointAnswer } from '../wire/checkpoints.js';

/** Prefix of every metric of the store. */
export const STORE_METRIC_PREFIX = 'bhyt_history_store_';

/** Seconds: a request is milliseconds; a batch of 500 on a busy server database may take seconds. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const ITEM_STATUSES: readonly ItemStatus[] = ['stored', 'duplicate', 'conflict', 'invalid'];

export class StoreMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly batches: Counter;
  readonly batchItems: Counter<'status'>;
  readonly checkpoints: Counter<'outcome' | 'code'>;

  constructor(opts: { version: string; backend: 'sqlite' | 'postgres'; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    new Gauge({
      name: `${STORE_METRIC_PREFIX}info`,
      help: 'Always 1; the labels say which release runs on which database',
      labelNames: ['version', 'backend'],
      registers,
    }).set({ version: opts.version, backend: opts.backend }, 1);
    this.httpRequests = new Counter({
      name: `${STORE_METRIC_PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: `${STORE_METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from request to response, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.batches = new Counter({
      name: `${STORE_METRIC_PREFIX}batches_total`,
      help: 'Batches of visits received and answered (POST /v1/visits:batch)',
      registers,
    });
    this.batchItems = new Counter({
      name: `${STORE_METRIC_PREFIX}batch_items_total`,
      help: 'Items of the batches received, by result: stored (new), duplicate (held already, same content), conflict (held with other content), invalid (refused)',
      labelNames: ['status'],
      registers,
    });
    this.checkpoints = new Counter({
      name: `${STORE_METRIC_PREFIX}checkpoints_total`,
      help: 'Kiosk checkpoints received, by outcome (recorded, duplicate, refused) and, for a refusal, its code (else none)',
      labelNames: ['outcome', 'code'],
      registers,
    });
    // Every label combination a dashboard sums over, present from the start at 0.
    for (const status of ITEM_STATUSES) this.batchItems.inc({ status }, 0);
    for (const outcome of ['recorded', 'duplicate'] as const) this.checkpoints.inc({ outcome, code: 'none' }, 0);
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered batch: its item counts by status. */
  batchAnswered(counts: Record<ItemStatus, number>): void {
    this.batches.inc();
    for (const status of ITEM_STATUSES) if (counts[status] > 0) this.batchItems.inc({ status }, counts[status]);
  }

  /** What the store made of one checkpoint. */
  checkpointAnswered(answer: CheckpointAnswer): void {
    this.checkpoints.inc({ outcome: answer.status, code: answer.status === 'refused' ? (answer.code ?? 'CHECKPOINT_INVALID') : 'none' });
  }

  observeRequest(o: { method: string; route: string; status: number; seconds: number }): void {
    const labels = { method: o.method, route: o.route, status: String(o.status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, o.seconds);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
