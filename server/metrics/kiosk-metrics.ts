/**
 * The kiosk service's Prometheus metrics (GET /metrics, prom-client). One Registry per service
 * instance, never prom-client's global default, so several services in one process (the tests)
 * each count their own. Labels are closed sets or bounded codes: never a card number, a name, a
 * URL's query string or anything else a patient or operator typed.
 *
 * Counted as things happen: requests, check-ins by verdict, card checks by verdict and portal
 * code, /api/verify latency, portal call latency. Read when scraped (`collect`): outbox depth and
 * oldest pending age per destination, trust age, the last refresh's result, process metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxStats } from '../outbox/types.js';

/** Prefix of every metric of the kiosk service. */
export const METRIC_PREFIX = 'bhyt_kiosk_';

/** Seconds: a verification is milliseconds; a request may wait on the database queue. */
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: the portal may take its whole time budget (default 60 s). */
const PORTAL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120];

/** A portal result code (maKetQua) is a few digits; anything else is counted as `other`. */
const CODE_RE = /^[0-9A-Z_]{1,32}$/;

export const boundedCode = (c: string | null | undefined) => (c === null || c === undefined ? 'none' : CODE_RE.test(c) ? c : 'other');

/** What the scrape reads from the running service (each may query the database). */
export interface MetricSources {
  /** Wall-clock now, ms (the injected clock). */
  now(): number;
  /** Each outbox's counts, by destination (`store`, `portal`). */
  outboxes: ReadonlyArray<{ destination: string; stats(): Promise<OutboxStats> }>;
  trust(): {
    updatedAt: number;
    crlCheckedAt: number;
    lastAttemptAt?: number | undefined;
    lastSuccessAt?: number | undefined;
    lastError?: { at: number; code: string } | undefined;
  };
}

export class KioskMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly checkIns: Counter<'verdict'>;
  readonly cardChecks: Counter<'verdict' | 'portal_state' | 'portal_code'>;
  readonly verifyDuration: Histogram<'status'>;
  readonly portalDuration: Histogram<'operation' | 'outcome'>;
  readonly outboxBatches: Counter<'destination' | 'outcome'>;
  #sources: MetricSources | undefined;

  constructor(opts: { version: string; facility: string; deskId: string; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    new Gauge({
      name: `${METRIC_PREFIX}info`,
      help: 'Always 1; the labels say which release runs where',
      labelNames: ['version', 'facility', 'desk'],
      registers,
    }).set({ version: opts.version, facility: opts.facility, desk: opts.deskId }, 1);
    this.httpRequests = new Counter({
      name: `${METRIC_PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'Time from request to response, by method and route template',
      labelNames: ['method', 'route'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.checkIns = new Counter({
      name: `${METRIC_PREFIX}check_ins_total`,
      help: 'Visits recorded in the visit log, by verdict (a duplicate within the window is not a new visit)',
      labelNames: ['verdict'],
      registers,
    });
    this.cardChecks = new Counter({
      name: `${METRIC_PREFIX}card_checks_total`,
      help: "Card checks settled, by verdict, the portal's state (done, unavailable, config, off, not_needed) and its result code",
      labelNames: ['verdict', 'portal_state', 'portal_code'],
      registers,
    });
    this.verifyDuration = new Histogram({
      name: `${METRIC_PREFIX}verify_duration_seconds`,
      help: 'POST /api/verify: time from request to answer, by HTTP status',
      labelNames: ['status'],
      buckets: FAST_BUCKETS,
      registers,
    });
    this.portalDuration = new Histogram({
      name: `${METRIC_PREFIX}portal_request_duration_seconds`,
      help: "Calls to the agency portal, by operation (the URL path's last segment) and outcome (HTTP status or error)",
      labelNames: ['operation', 'outcome'],
      buckets: PORTAL_BUCKETS,
      registers,
    });
    this.outboxBatches = new Counter({
      name: `${METRIC_PREFIX}outbox_batches_total`,
      help: 'Batches an outbox worker sent, by destination and outcome (sent: acknowledged; failed: to be retried)',
      labelNames: ['destination', 'outcome'],
      registers,
    });

    // The three outbox gauges read one snapshot per scrape (prom-client collects every metric
    // concurrently): the first collect starts it, the others share it.
    const sources = () => this.#sources;
    let snapshot: Promise<Array<{ destination: string; stats: OutboxStats }>> | undefined;
    const outboxes = (s: MetricSources) =>
      (snapshot ??= Promise.all(s.outboxes.map(async (o) => ({ destination: o.destination, stats: await o.stats() }))).finally(() => {
        snapshot = undefined;
      }));
    const outboxGauge = (name: string, help: string, value: (st: OutboxStats, now: number) => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        labelNames: ['destination'],
        registers,
        async collect() {
          const s = sources();
          if (!s) return;
          const now = s.now();
          this.reset();
          for (const o of await outboxes(s)) this.set({ destination: o.destination }, value(o.stats, now));
        },
      });
    outboxGauge(
      'outbox_pending',
      'Visits waiting to be sent, by destination (store: sync_outbox, portal: checkin_outbox)',
      (st) => st.pending,
    );
    outboxGauge('outbox_parked', 'Visits refused for good by the destination, waiting for an auditor', (st) => st.parked);
    outboxGauge(
      'outbox_oldest_pending_age_seconds',
      'Age of the oldest visit still waiting to be sent (0 when none), by destination',
      (st, now) => (st.oldestPendingAt === null ? 0 : Math.max(0, (now - st.oldestPendingAt) / 1000)),
    );
    new Gauge({
      name: `${METRIC_PREFIX}trust_age_seconds`,
      help: 'Age of the trust store: of its keys (updated) and of its revocation lists (crl_checked)',
      labelNames: ['of'],
      registers,
      collect() {
        const s = sources();
        if (!s) return;
        const t = s.trust();
        const now = s.now();
        this.set({ of: 'updated' }, Math.max(0, (now - t.updatedAt) / 1000));
        this.set({ of: 'crl_checked' }, Math.max(0, (now - t.crlCheckedAt) / 1000));
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}trust_refresh_last_success`,
      help: 'The last trust refresh: 1 succeeded, 0 failed (its code in the label), absent before the first',
      labelNames: ['code'],
      registers,
      collect() {
        const s = sources();
        if (!s) return;
        this.reset();
        const t = s.trust();
        if (t.lastAttemptAt === undefined) return;
        if (t.lastError && (t.lastSuccessAt === undefined || t.lastError.at >= t.lastSuccessAt))
          this.set({ code: boundedCode(t.lastError.code) }, 0);
        else this.set({ code: 'OK' }, 1);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}trust_refresh_last_attempt_timestamp_seconds`,
      help: 'When the trust refresh last ran (Unix time; absent before the first)',
      registers,
      collect() {
        const at = sources()?.trust().lastAttemptAt;
        this.reset();
        if (at !== undefined) this.set(at / 1000);
      },
    });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** What the scrape reads; set once the service's parts exist. */
  setSources(sources: MetricSources): void {
    this.#sources = sources;
  }

  /** A settled card check (recorded at once when no portal answer is awaited, or answered later). */
  cardCheckSettled(c: { verdict: string; portalState: string; portalCode: string | null | undefined }): void {
    this.cardChecks.inc({ verdict: c.verdict, portal_state: c.portalState, portal_code: boundedCode(c.portalCode) });
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
