/**
 * Anchors the kiosk's logs at the medical-history store: every sync batch carries a checkpoint
 * (the two log heads, signed with the kiosk key), and while no batch goes out one is sent on its
 * own every interval, so rejected cards and card checks (which make no batch) are anchored too.
 *
 * One checkpoint request is in flight at a time (batches and idle checkpoints queue on one lock,
 * and the heads are read inside it), so the store never sees an older checkpoint after a newer one
 * and has no reason to call an honest kiosk's checkpoint a rollback. What the store accepted is
 * remembered in `anchored_checkpoints` (the auditor page shows the last one and its age); a
 * refusal is an alarm: logged, kept in the status with its code (CHECKPOINT_REFUSED).
 */
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Sleep } from '../lib/sleep.js';
import { cardCheckLogHead } from '../card-checks/card-check-log.js';
import { GENESIS_HASH } from '../visits/chain.js';
import type { AnchorStatus, CheckpointAnswer, CheckpointClaims } from '../wire/checkpoints.js';
import { signCheckpoint } from './checkpoint.js';
import type { KioskKey } from './kiosk-key.js';
import { lastAnchored, rememberAnchored, type AnchoredView } from './anchored-repo.js';

/** The store's answer to one request that carried a checkpoint (undefined: the store said nothing of it). */
export interface Carried<T> {
  value: T;
  answer: CheckpointAnswer | undefined;
}

/** How sync lets every batch carry a checkpoint (server/sync/store-client.ts). */
export interface BatchCheckpoints {
  withCheckpoint<T>(send: (jws: string) => Promise<Carried<T>>): Promise<T>;
}

export interface CheckpointSender {
  /** POST /v1/checkpoints; a refusal is an answer, a transport failure throws. */
  postCheckpoint(jws: string, signal: AbortSignal): Promise<CheckpointAnswer | undefined>;
}

export interface AnchorOptions {
  /** Send a checkpoint on its own after this long without one (ms). */
  intervalMs: number;
  sleep: Sleep;
}

/** Reads both log heads in one queued job (one consistent state). */
export async function readHeads(db: Database): Promise<Pick<CheckpointClaims, 'visits' | 'cardChecks'>> {
  return db.read(async (q) => {
    const v = await q.get<{ seq: number; hash: string }>('SELECT seq, hash FROM visits ORDER BY seq DESC LIMIT 1');
    return { visits: v ?? { seq: 0, hash: GENESIS_HASH }, cardChecks: await cardCheckLogHead(q) };
  });
}

export class CheckpointAnchor implements BatchCheckpoints {
  #lock: Promise<unknown> = Promise.resolve();
  #lastAttemptAt: number | undefined;
  #lastAnchored: AnchoredView | undefined;
  #refused: string | undefined;
  #lastError: string | undefined;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(
    private readonly d: {
      db: Database;
      key: KioskKey;
      facility: string;
      sender: CheckpointSender;
      clock: Clock;
      logger: Logger;
      options: AnchorOptions;
    },
  ) {}

  /** Loads the last anchored checkpoint (the status is right from the first request). */
  async load(): Promise<void> {
    this.#lastAnchored = await lastAnchored(this.d.db);
  }

  start(): void {
    this.#loop ??= this.#idleLoop();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#lock.catch(() => undefined);
  }

  async withCheckpoint<T>(send: (jws: string) => Promise<Carried<T>>): Promise<T> {
    const run = this.#lock.then(async () => {
      const signedAt = this.d.clock.now();
      const claims: CheckpointClaims = {
        v: 1,
        facility: this.d.facility,
        ...(await readHeads(this.d.db)),
        signedAt: new Date(signedAt).toISOString(),
      };
      const jws = await signCheckpoint(claims, this.d.key.privateKey);
      this.#lastAttemptAt = signedAt;
      let carried: Carried<T>;
      try {
        carried = await send(jws);
      } catch (err) {
        this.#lastError = (err as { code?: string }).code ?? 'CHECKPOINT_SEND_FAILED';
        throw err;
      }
      this.#lastError = undefined;
      await this.#take(claims, signedAt, carried.answer);
      return carried.value;
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Sends a checkpoint on its own now (the idle loop). */
  async anchorNow(signal: AbortSignal = this.#stop.signal): Promise<void> {
    await this.withCheckpoint(async (jws) => ({ value: undefined, answer: await this.d.sender.postCheckpoint(jws, signal) }));
  }

  status(): AnchorStatus {
    const a = this.#lastAnchored;
    return {
      enabled: true,
      kioskKey: this.d.key.thumbprint,
      lastAnchored: a
        ? {
            visits: a.visits,
            cardChecks: a.cardChecks,
            signedAt: new Date(a.signedAt).toISOString(),
            anchoredAt: new Date(a.anchoredAt).toISOString(),
          }
        : null,
      lastAttemptAt: this.#lastAttemptAt === undefined ? null : new Date(this.#lastAttemptAt).toISOString(),
      refused: this.#refused ?? null,
      lastError: this.#lastError ?? null,
    };
  }

  warnings(): string[] {
    return this.#refused ? ['CHECKPOINT_REFUSED'] : [];
  }

  lastAnchored(): AnchoredView | undefined {
    return this.#lastAnchored;
  }

  async #take(claims: CheckpointClaims, signedAt: number, answer: CheckpointAnswer | undefined): Promise<void> {
    if (answer === undefined) return; // a store that does not take checkpoints (yet)
    if (answer.status === 'refused') {
      if (this.#refused !== answer.code) {
        this.d.logger.error('the medical-history store refused this kiosk’s checkpoint: the visit log may have been cut or rewritten', {
          code: 'CHECKPOINT_REFUSED',
          reason: answer.code,
        });
      }
      this.#refused = answer.code ?? 'CHECKPOINT_REFUSED';
      return;
    }
    this.#refused = undefined;
    const anchored = { visits: claims.visits, cardChecks: claims.cardChecks, signedAt, anchoredAt: this.d.clock.now() };
    await rememberAnchored(this.d.db, anchored);
    this.#lastAnchored = anchored;
  }

  async #idleLoop(): Promise<void> {
    const { intervalMs, sleep } = this.d.options;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const since = this.#lastAttemptAt === undefined ? intervalMs : this.d.clock.now() - this.#lastAttemptAt;
      if (since >= intervalMs) {
        try {
          await this.anchorNow(signal);
        } catch (err) {
          if (!signal.aborted)
            this.d.logger.warn('checkpoint not sent; retried at the next interval', {
              code: (err as { code?: string }).code ?? 'CHECKPOINT_SEND_FAILED',
            });
        }
        await sleep(intervalMs, signal);
      } else await sleep(intervalMs - since, signal);
    }
  }
}
