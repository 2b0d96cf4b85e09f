/**
 * Re-checks the visits that were checked in while the portal was unavailable, once it answers
 * again. The outcome is a new record beside the visit (visit_rechecks, append-only: the chained
 * visit row is never edited); a re-check that comes back rejected, or that cannot be made at all
 * (the stored card or operator cannot be sent), is flagged for auditors.
 *
 * One round (`runOnce`) takes the visits awaiting a re-check, oldest first, and looks them up one
 * after the other as the operator who checked them in; the first `unavailable` (or `config`:
 * the facility's setup, which no re-check can fix) ends the round and the loop backs off, capped
 * exponentially with full jitter (injected randomness), before the next. An empty round waits
 * `idleMs`. The loop takes an AbortSignal via `close()`, which aborts a call in flight (not
 * recorded: it is tried again next run) and waits for the loop to end.
 */
import type { Clock, Random } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PortalClient } from '../portal/client.js';
import { PortalRequestError } from '../portal/errors.js';
import { mergePortalOutcome } from '../portal/merge.js';
import { backoffDelayMs } from '../lib/backoff.js';
import { uuidv7 } from '../visits/uuidv7.js';
import type { CardCheckRepository } from './card-check-repo.js';
import type { RecheckRepository, RecheckSource } from './recheck-repo.js';
import { subjectOfRecord } from './service.js';
import { askWithUnreadableName, typedNameOf } from './wedge-name.js';
import type { CheckSubject } from '../portal/request.js';
import { realSleep, type Sleep } from '../lib/sleep.js';

export interface RecheckWorkerDeps {
  /** Where the work comes from (the re-check repository implements it). */
  source: RecheckSource;
  /** The checks to look up again. */
  repo: Pick<CardCheckRepository, 'get'>;
  /** Where the re-checks are recorded. */
  rechecks: Pick<RecheckRepository, 'appendRecheck'>;
  client: PortalClient;
  clock: Clock;
  random: Random;
  logger: Logger;
  sleep?: Sleep;
  /** Wait when nothing awaits a re-check (default 60 s). */
  idleMs?: number;
  /** Backoff after a round the portal did not answer: first wait and cap (defaults 30 s, 15 min). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Visits looked at per round (default 50). */
  batch?: number;
}

export interface RecheckRound {
  /** Re-checks recorded (answers, and checks that cannot be made). */
  recorded: number;
  flagged: number;
  /** Why the round stopped early, if it did. */
  stopped?: 'unavailable' | 'config' | 'aborted';
}

export interface RecheckStatus {
  running: boolean;
  failures: number;
  lastRound: { at: string; recorded: number; flagged: number; stopped?: string } | null;
}

export class RecheckWorker {
  readonly #d: RecheckWorkerDeps & { sleep: Sleep };
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #failures = 0;
  #lastRound: RecheckStatus['lastRound'] = null;

  constructor(deps: RecheckWorkerDeps) {
    this.#d = { ...deps, sleep: deps.sleep ?? realSleep };
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    this.#loop ??= this.#run();
  }

  status(): RecheckStatus {
    return { running: this.#loop !== undefined && !this.#stop.signal.aborted, failures: this.#failures, lastRound: this.#lastRound };
  }

  /** One round: re-checks what awaits, until the portal fails to answer. */
  async runOnce(): Promise<RecheckRound> {
    const { source, repo, rechecks, client, clock, random, logger } = this.#d;
    const round: RecheckRound = { recorded: 0, flagged: 0 };
    const due = await source.awaitingRecheck(this.#d.batch ?? 50);
    for (const item of due) {
      if (this.#stop.signal.aborted) {
        round.stopped = 'aborted';
        break;
      }
      const check = await repo.get(item.cardCheckId);
      if (!check) continue;
      const operator = { name: check.operatorName, cccd: check.operatorCccd };
      // A wedge-typed ID card is asked as at the desk: typed name, then the portal's (wedge-name.ts).
      const nameUnreadable = check.local.card?.nameFrom === 'unreadable';
      const typedName = nameUnreadable ? typedNameOf(await source.scannedText(item.visitId)) : undefined;
      const ask = (subject: CheckSubject) => client.check(subject, operator, { signal: this.#stop.signal });
      let outcome;
      try {
        const subject = subjectOfRecord(check, typedName);
        outcome = nameUnreadable ? await askWithUnreadableName(ask, subject) : await ask(subject);
      } catch (err) {
        if (!(err instanceof PortalRequestError)) throw err;
        // Nothing a later try could change: recorded once, flagged for a person.
        const ok = await rechecks.appendRecheck({
          id: uuidv7(clock.now(), random),
          visitId: item.visitId,
          cardCheckId: check.id,
          at: clock.now(),
          state: 'not_checkable',
          portalCode: err.code,
          portalMessage: err.message,
          latencyMs: null,
          attempts: 0,
          verdict: check.verdict,
          code: check.code,
          reasonCodes: check.reasonCodes,
          flagged: true,
        });
        if (ok) {
          round.recorded++;
          round.flagged++;
        }
        logger.warn('visit re-check cannot be made', { cardCheckId: check.id, visitId: item.visitId, code: err.code });
        continue;
      }
      if (outcome.kind !== 'answer') {
        round.stopped = this.#stop.signal.aborted ? 'aborted' : outcome.kind;
        break;
      }
      const merged = mergePortalOutcome(check.local, outcome);
      const flagged = merged.verdict === 'rejected';
      const ok = await rechecks.appendRecheck({
        id: uuidv7(clock.now(), random),
        visitId: item.visitId,
        cardCheckId: check.id,
        at: clock.now(),
        state: 'done',
        portalCode: outcome.code,
        portalMessage: merged.portal.message ?? null,
        latencyMs: outcome.latencyMs,
        attempts: outcome.attempts,
        verdict: merged.verdict,
        code: merged.code,
        reasonCodes: merged.reasons.map((r) => r.code),
        flagged,
      });
      if (ok) {
        round.recorded++;
        if (flagged) round.flagged++;
      }
      logger[flagged ? 'warn' : 'info']('visit re-checked', {
        cardCheckId: check.id,
        visitId: item.visitId,
        portalCode: outcome.code,
        verdict: merged.verdict,
        flagged,
      });
    }
    this.#failures = round.stopped === 'unavailable' || round.stopped === 'config' ? this.#failures + 1 : 0;
    const last: NonNullable<RecheckStatus['lastRound']> = {
      at: new Date(clock.now()).toISOString(),
      recorded: round.recorded,
      flagged: round.flagged,
    };
    if (round.stopped) last.stopped = round.stopped;
    this.#lastRound = last;
    return round;
  }

  /** Aborts the call in flight and waits for the loop to end. Idempotent. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { logger, random } = this.#d;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let wait: number;
      try {
        const round = await this.runOnce();
        if (round.stopped === 'unavailable' || round.stopped === 'config')
          wait = backoffDelayMs(
            this.#failures,
            { baseMs: this.#d.baseBackoffMs ?? 30_000, maxMs: this.#d.maxBackoffMs ?? 15 * 60_000 },
            random,
          );
        else if (round.recorded > 0) wait = 0;
        else wait = this.#d.idleMs ?? 60_000;
      } catch {
        if (signal.aborted) break;
        this.#failures++;
        logger.error('visit re-check round failed', { code: 'RECHECK_FAILED', failures: this.#failures });
        wait = backoffDelayMs(
          this.#failures,
          { baseMs: this.#d.baseBackoffMs ?? 30_000, maxMs: this.#d.maxBackoffMs ?? 15 * 60_000 },
          random,
        );
      }
      if (wait > 0 && !signal.aborted) await this.#d.sleep(wait, signal);
    }
  }
}
