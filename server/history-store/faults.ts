/**
 * TEST-ONLY fault injection for the reference store, so tests can prove the kiosk's sync is
 * exactly-once when the store misbehaves. Enabled only by `--fault-plan FILE` or
 * HISTORY_STORE_FAULTS (a file path or inline JSON); the store logs a loud warning when it is
 * set. Never configure this in a real deployment.
 *
 * Plan (batches are counted from 1 in arrival order of POST /v1/visits:batch):
 *   {
 *     "error500": { "every": 3, "afterCommit": false },   // answer 500 to batch 3, 6, 9, …
 *     "hang":     { "on": [4], "afterCommit": true },     // never answer batch 4
 *     "delay":    { "ms": 150 }                           // answer every batch 150 ms after commit
 *   }
 * `afterCommit: true` stores the batch first and then fails the response — the case where the
 * kiosk cannot know its batch arrived, which only the store's idempotency can absorb.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export interface FaultPlan {
  error500?: { every: number; afterCommit?: boolean };
  hang?: { on: number[]; afterCommit?: boolean };
  delay?: { ms: number };
}

export type FaultAction = { kind: 'error500' | 'hang'; afterCommit: boolean } | undefined;

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

export function parseFaultPlan(text: string): FaultPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(['fault plan: not valid JSON']);
  }
  const problems: string[] = [];
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const plan: FaultPlan = {};
  for (const k of Object.keys(o))
    if (k !== 'error500' && k !== 'hang' && k !== 'delay') problems.push(`fault plan: unknown member "${k.slice(0, 40)}"`);
  const e = o.error500 as Record<string, unknown> | undefined;
  if (e !== undefined) {
    if (!isPositiveInt(e?.every)) problems.push('fault plan: error500.every must be a positive integer');
    else plan.error500 = { every: e.every, afterCommit: e.afterCommit === true };
  }
  const h = o.hang as Record<string, unknown> | undefined;
  if (h !== undefined) {
    if (!Array.isArray(h?.on) || !h.on.every(isPositiveInt)) problems.push('fault plan: hang.on must be a list of positive integers');
    else plan.hang = { on: h.on, afterCommit: h.afterCommit === true };
  }
  const d = o.delay as Record<string, unknown> | undefined;
  if (d !== undefined) {
    if (!isPositiveInt(d?.ms) || d.ms > 60_000) problems.push('fault plan: delay.ms must be 1–60000');
    else plan.delay = { ms: d.ms };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return plan;
}

/** `value` is inline JSON when it starts with "{", else a file path. */
export function loadFaultPlan(value: string): FaultPlan {
  if (value.trim().startsWith('{')) return parseFaultPlan(value);
  try {
    return parseFaultPlan(readFileSync(value, 'utf8'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`fault plan ${value}: cannot read`]);
  }
}

/** Counts batches and says which fault, if any, applies to the next one. */
export class FaultInjector {
  private batches = 0;
  constructor(private readonly plan: FaultPlan) {}

  /** Extra wait after a batch is committed, before it is answered. */
  get delayMs(): number {
    return this.plan.delay?.ms ?? 0;
  }

  nextBatch(): FaultAction {
    const n = ++this.batches;
    if (this.plan.hang?.on.includes(n)) return { kind: 'hang', afterCommit: this.plan.hang.afterCommit === true };
    if (this.plan.error500 && n % this.plan.error500.every === 0)
      return { kind: 'error500', afterCommit: this.plan.error500.afterCommit === true };
    return undefined;
  }
}
