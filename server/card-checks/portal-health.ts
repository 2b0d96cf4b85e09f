/**
 * The portal's health as this desk has seen it (`portal` in /api/status, its PORTAL_DOWN and
 * PORTAL_CONFIG warnings): the last answer, the recent answers (done / unavailable / config,
 * the latest RECENT_OUTCOMES) with their median latency, and the state derived from them:
 * off (no client), misconfigured, unknown (no answer yet), down, slow, reachable.
 */
import type { Clock } from '../clock.js';
import type { PortalClient } from '../portal/client.js';
import type { PortalSummary } from '../portal/summary.js';

const RECENT_OUTCOMES = 20;

export type PortalHealth = 'off' | 'unknown' | 'reachable' | 'slow' | 'down' | 'misconfigured';

export interface PortalHealthStatus {
  lastAnswer: { at: string; state: PortalSummary['state']; code?: string; latencyMs?: number } | null;
  portal: PortalHealth;
  recent: { done: number; unavailable: number; config: number; medianLatencyMs: number | null };
}

export class PortalHealthTracker {
  readonly #recent: PortalSummary[] = [];
  #lastAnswer: PortalHealthStatus['lastAnswer'] = null;

  constructor(
    private readonly d: {
      /** Undefined: no portal configured. */
      client: Pick<PortalClient, 'status'> | undefined;
      clock: Clock;
      /** Median latency of recent answers above this: the portal is `slow` (default 15 s). */
      slowMs?: number;
    },
  ) {}

  /** Counts an answer (done / unavailable / config); other states are not answers. */
  remember(s: PortalSummary): void {
    if (s.state !== 'done' && s.state !== 'unavailable' && s.state !== 'config') return;
    this.#recent.push(s);
    if (this.#recent.length > RECENT_OUTCOMES) this.#recent.shift();
    const last: NonNullable<PortalHealthStatus['lastAnswer']> = {
      at: s.checkedAt ?? new Date(this.d.clock.now()).toISOString(),
      state: s.state,
    };
    if (s.code !== undefined) last.code = s.code;
    if (s.latencyMs !== undefined) last.latencyMs = s.latencyMs;
    this.#lastAnswer = last;
  }

  status(): PortalHealthStatus {
    const done = this.#recent.filter((s) => s.state === 'done');
    const latencies = done.map((s) => s.latencyMs ?? 0).sort((a, b) => a - b);
    const median = latencies.length === 0 ? null : latencies[Math.floor((latencies.length - 1) / 2)]!;
    const recent = {
      done: done.length,
      unavailable: this.#recent.filter((s) => s.state === 'unavailable').length,
      config: this.#recent.filter((s) => s.state === 'config').length,
      medianLatencyMs: median,
    };
    let portal: PortalHealth;
    const client = this.d.client;
    const last = this.#recent[this.#recent.length - 1];
    if (client === undefined) portal = 'off';
    else if (client.status().configProblem !== null || last?.state === 'config') portal = 'misconfigured';
    else if (last === undefined) portal = 'unknown';
    else if (last.state === 'unavailable') portal = 'down';
    else if (median !== null && median > (this.d.slowMs ?? 15_000)) portal = 'slow';
    else portal = 'reachable';
    return { lastAnswer: this.#lastAnswer, portal, recent };
  }
}
