/**
 * Wires the service's metrics (server/metrics/) to the features that produce them, without the
 * features knowing: a timed fetch for the portal client, the visit log's commit notification
 * for check-ins, the card-check repository's settled-check notification, and the scrape's
 * sources (both outboxes, the trust holder). Nothing here wraps or patches a collaborator: each
 * feature offers a listener and this module subscribes.
 */
import type { Clock } from '../clock.js';
import type { CardCheckSettled } from '../card-checks/card-check-repo.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { KioskMetrics } from '../metrics/kiosk-metrics.js';
import { OutboxTable } from '../outbox/outbox-table.js';
import type { TrustHolder } from '../trust/trust-holder.js';
import type { VisitRecordedEvent } from '../visits/visit-writer.js';

export { KioskMetrics };

/** The portal operation of a URL: its path's last segment (never the query: it carries the token). */
export function portalOperation(input: string | URL | Request): string {
  try {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
    return /^[A-Za-z0-9_.-]{1,64}$/.test(last) ? last : 'other';
  } catch {
    return 'other';
  }
}

/** `fetch` that times each portal call into the portal latency histogram. */
export function timedPortalFetch(
  metrics: KioskMetrics,
  inner: typeof fetch = fetch,
  monotonic: () => number = () => performance.now(),
): typeof fetch {
  return async (input, init) => {
    const operation = portalOperation(input);
    const start = monotonic();
    try {
      const res = await inner(input, init);
      metrics.portalDuration.observe({ operation, outcome: String(res.status) }, (monotonic() - start) / 1000);
      return res;
    } catch (err) {
      const outcome = init?.signal?.aborted ? 'aborted' : 'error';
      metrics.portalDuration.observe({ operation, outcome }, (monotonic() - start) / 1000);
      throw err;
    }
  };
}

/** Counts each recorded visit by verdict. */
export function countCheckIns(metrics: KioskMetrics, onVisitRecorded: (l: (e: VisitRecordedEvent) => void) => () => void): () => void {
  return onVisitRecorded((e) => metrics.checkIns.inc({ verdict: e.verdict }));
}

/**
 * Counts card checks as they settle: at insert when no portal answer is awaited (off,
 * not_needed, config), else when the answer is recorded (done, unavailable, config); the
 * repository tells (`CardCheckRepository.onSettled`), whoever wrote (the desk's service, the
 * re-check worker). Returns the unsubscribe.
 */
export function countCardChecks(metrics: KioskMetrics, onSettled: (l: (e: CardCheckSettled) => void) => () => void): () => void {
  return onSettled((e) => metrics.cardCheckSettled(e));
}

/** What an outbox worker shows of itself (SyncWorker, CheckInReporter). */
interface ObservedOutbox {
  onCycle(fn: () => void): () => void;
  status(): { lastSuccessAt: string | null; consecutiveFailures: number; pending: number; parked: number };
}

/**
 * One log line and one count per batch an outbox worker sent (its failures are logged by the
 * worker itself, with their code; here they are counted). Returns the unsubscribe.
 */
export function observeOutbox(metrics: KioskMetrics, logger: Logger, destination: string, worker: ObservedOutbox): () => void {
  let last = worker.status();
  return worker.onCycle(() => {
    const now = worker.status();
    if (now.lastSuccessAt !== last.lastSuccessAt && now.lastSuccessAt !== null) {
      metrics.outboxBatches.inc({ destination, outcome: 'sent' });
      logger.info('outbox batch sent', { code: 'OUTBOX_BATCH_SENT', destination, pending: now.pending, parked: now.parked });
    }
    if (now.consecutiveFailures > last.consecutiveFailures) metrics.outboxBatches.inc({ destination, outcome: 'failed' });
    last = now;
  });
}

/** What the scrape reads: both outboxes' counts and the trust holder's ages. */
export function metricSources(metrics: KioskMetrics, deps: { db: Database; clock: Clock; trust: TrustHolder }): void {
  const store = new OutboxTable(deps.db, 'sync_outbox');
  const portal = new OutboxTable(deps.db, 'checkin_outbox');
  metrics.setSources({
    now: () => deps.clock.now(),
    outboxes: [
      { destination: 'store', stats: () => store.stats() },
      { destination: 'portal', stats: () => portal.stats() },
    ],
    trust: () => {
      const snap = deps.trust.current;
      const st = deps.trust.state;
      return {
        updatedAt: snap.updatedAt,
        crlCheckedAt: snap.crlCheckedAt,
        lastAttemptAt: st.lastAttemptAt,
        lastSuccessAt: st.lastSuccessAt,
        lastError: st.lastError,
      };
    },
  });
}
