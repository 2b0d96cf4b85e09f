/**
 * The desk's card check (POST /api/card-checks, GET /api/card-checks/{id}): verify locally at
 * once, record the check, start the portal's online check in the background when the policy says
 * so, and answer as soon as the portal has answered or the caller's wait has passed (then
 * `pending`; GET … ?wait=S asks again). Every check is recorded, rejected ones too.
 *
 * - In flight checks are tracked by id with their promise (in-flight.ts); `close()` aborts them
 *   (the client then answers `unavailable`, which is recorded) and waits for them to settle.
 * - A check that is `pending` in the database but not in flight here was interrupted (a crash or
 *   a restart: one process owns a data folder): it is recorded and reported `unavailable`,
 *   honestly, by `init()` and by `get()`.
 * - An operator without an ID-card number (or name) cannot start an online check: the check is
 *   recorded with portal state `config` and that code (OPERATOR_CCCD_MISSING …) before any
 *   network call; the local result stands, with PORTAL_CONFIG_ERROR beside it.
 * - A check becomes a visit through `forCheckIn` (refusals are typed: another desk or operator,
 *   too old, still pending, used already) and `linkVisit`.
 * - `status()` is the portal's health as this desk saw it (portal-health.ts) and the checks in flight.
 * Time (the clock) and waiting (`sleep`) are injected; logs carry ids and codes only.
 */
import type { Clock, Random } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Queryable } from '../db/database.js';
import type { PortalClient } from '../portal/client.js';
import { PortalRequestError } from '../portal/errors.js';
import { manualEntryResult, mergePortalOutcome, withPortalState, type PortalCheckedResult } from '../portal/merge.js';
import { portalPolicy } from '../portal/options.js';
import { operatorFields, subjectFromManual, subjectFromResult, type CheckSubject, type ManualEntry } from '../portal/request.js';
import type { PortalSummary } from '../portal/summary.js';
import { uuidv7 } from '../visits/uuidv7.js';
import type { QrTypedBy } from '../wire/card-check.js';
import type { VerifyResult } from '../wire/verification.js';
import type { CardCheckRepository } from './card-check-repo.js';
import { CardCheckError } from './errors.js';
import { InFlightChecks } from './in-flight.js';
import { PortalHealthTracker, type PortalHealthStatus } from './portal-health.js';
import type { CardCheckRecord, CardCheckSource } from './records.js';
import { realSleep, type Sleep } from '../lib/sleep.js';
import { interrupted, notSent } from './unanswered.js';
import { askWithUnreadableName, namedByPortal, wedgeLocal } from './wedge-name.js';

/** The signed-in operator (server/users' User has these members). */
export interface CardCheckOperator {
  username: string;
  displayName: string;
  cccd: string | null;
}

export type CardCheckInput = { qr: string; typedBy?: QrTypedBy } | { manual: ManualEntry };

/** The desk's answer: `{id, result, portal}` (result: the /api/verify shape, merged; portal: its summary). */
export interface CardCheckView {
  id: string;
  result: VerifyResult;
  portal: PortalSummary;
}

/** What a check-in takes from a check. */
export interface CheckForCheckIn {
  check: CardCheckRecord;
  /** The merged result to check in with (the portal's answer in it). */
  result: PortalCheckedResult;
  /** The scanned text (null for a manual entry, or once linked). */
  qr: string | null;
}

export interface CardCheckServiceDeps {
  repo: CardCheckRepository;
  /** VerifyService (only its async verify is used). */
  verifier: { verifyAsync(qr: string): Promise<VerifyResult> };
  /** Undefined: no portal configured (every check `off`). */
  client: PortalClient | undefined;
  clock: Clock;
  random: Random;
  logger: Logger;
  facility: string;
  deskId: string;
  /** Waits `ms` unless `signal` aborts first (tests inject one that needs no real time). */
  sleep?: Sleep;
  /** How old a check may be when it is checked in (default 10 minutes). */
  checkInWindowMs?: number;
  /** Median latency of recent answers above this: the portal is `slow` (default 15 s). */
  slowMs?: number;
}

export const DEFAULT_CHECK_IN_WINDOW_MS = 10 * 60_000;
const MAX_QR_CHARS = 8192;

export interface CardCheckStatus extends PortalHealthStatus {
  inFlight: number;
}

function view(id: string, r: PortalCheckedResult): CardCheckView {
  const { portal, ...result } = r;
  return { id, result, portal };
}

function sourceOf(input: CardCheckInput, local: VerifyResult): CardCheckSource | null {
  return 'manual' in input ? 'manual' : (local.source ?? null);
}

/** The subject a stored check is looked up by again (a re-check, after a restart). */
export function subjectOfRecord(c: Pick<CardCheckRecord, 'source' | 'local'>, typedName?: string): CheckSubject {
  if (c.source === 'manual') {
    const card = c.local.card ?? {};
    const entry: ManualEntry = { name: card.fullName ?? '', birthDate: card.birthDate ?? '' };
    if (card.cardNumber !== undefined) entry.cardNumber = card.cardNumber;
    if (card.idNumber !== undefined) entry.cccd = card.idNumber;
    return subjectFromManual(entry);
  }
  // A wedge-typed ID card's name is asked with only because the portal requires one (wedge-name.ts).
  return subjectFromResult(typedName === undefined ? c.local : { ...c.local, card: { ...c.local.card, fullName: typedName } });
}

export class CardCheckService {
  readonly #d: CardCheckServiceDeps;
  readonly #inFlight: InFlightChecks;
  readonly #health: PortalHealthTracker;

  constructor(deps: CardCheckServiceDeps) {
    this.#d = deps;
    this.#inFlight = new InFlightChecks(deps.sleep ?? realSleep);
    this.#health = new PortalHealthTracker({
      client: deps.client,
      clock: deps.clock,
      ...(deps.slowMs !== undefined ? { slowMs: deps.slowMs } : {}),
    });
  }

  /** Records the checks a previous run left pending as `unavailable` (one process owns the data folder). */
  async init(): Promise<number> {
    let n = 0;
    for (const id of await this.#d.repo.pendingIds()) {
      if (this.#inFlight.has(id)) continue;
      const row = await this.#d.repo.get(id);
      if (row && (await this.#settleInterrupted(row))) n++;
    }
    if (n > 0)
      this.#d.logger.warn('card checks left pending by the previous run recorded as unavailable', { code: 'CARD_CHECK_INTERRUPTED', n });
    return n;
  }

  /**
   * Verifies at once, records the check, starts the online check when needed, and answers when
   * the portal answered or `waitMs` (0–60 s) passed.
   */
  async start(input: CardCheckInput, operator: CardCheckOperator, opts: { waitMs?: number } = {}): Promise<CardCheckView> {
    if (this.#inFlight.signal.aborted) throw new CardCheckError('CARD_CHECK_CLOSED', 'the service is shutting down');
    const { local, subject, qr, typedName } = await this.#local(input);
    const { clock, client, repo } = this.#d;
    const now = clock.now();
    const id = uuidv7(now, this.#d.random);
    const source = sourceOf(input, local);

    let first: PortalCheckedResult;
    let send: CheckSubject | undefined;
    if (client === undefined) first = withPortalState(local, 'off');
    else if (!portalPolicy(source ?? undefined, client.checkMode)) first = withPortalState(local, 'not_needed');
    else {
      try {
        send = subject ?? subjectOfRecord({ source, local }, typedName);
        operatorFields({ name: operator.displayName, cccd: operator.cccd });
        first = withPortalState(local, 'pending');
      } catch (err) {
        if (!(err instanceof PortalRequestError)) throw err;
        send = undefined;
        first = err.code === 'SUBJECT_NOT_CHECKABLE' ? withPortalState(local, 'not_needed') : notSent(local, err, now);
        if (err.code.startsWith('OPERATOR_')) this.#health.remember(first.portal);
      }
    }

    const card = local.card;
    await repo.insert({
      id,
      createdAt: now,
      facility: this.#d.facility,
      deskId: this.#d.deskId,
      operator: operator.username,
      operatorName: operator.displayName,
      operatorCccd: operator.cccd,
      source,
      cardNumber: card?.cardNumber?.toUpperCase() ?? null,
      maSoBhxh: card?.maSoBhxh ?? null,
      cccd: card?.idNumber ?? null,
      local,
      result: first,
      qrText: qr,
    });
    this.#d.logger.info('card check', {
      id,
      source,
      verdict: local.verdict,
      code: local.code,
      portal: first.portal.state,
      portalCode: first.portal.code,
    });
    if (send === undefined || client === undefined) return view(id, first);

    const giveUp = new AbortController();
    const promise = this.#run(id, client, local, send, operator, now, giveUp.signal, typedName !== undefined);
    this.#inFlight.track(id, promise, giveUp);
    return view(id, await this.#inFlight.waitFor(promise, first, opts.waitMs));
  }

  /**
   * The check, waiting up to `waitMs` for the portal when it is still in flight. With `operator`
   * (the desk's GET), only that operator's checks at this desk: a check carries patient data.
   */
  async get(id: string, opts: { waitMs?: number; operator?: Pick<CardCheckOperator, 'username'> } = {}): Promise<CardCheckView> {
    const running = this.#inFlight.get(id);
    const row = await this.#d.repo.get(id);
    if (!row) throw new CardCheckError('CARD_CHECK_NOT_FOUND', 'no card check with this id');
    if (opts.operator !== undefined && (row.operator !== opts.operator.username || row.deskId !== this.#d.deskId))
      throw new CardCheckError('CARD_CHECK_NOT_YOURS', 'this card check was made at another desk or by another operator');
    if (running) return view(id, await this.#inFlight.waitFor(running, row.result, opts.waitMs));
    if (row.portalState === 'pending') {
      // Not in flight here, yet pending: its run was interrupted. Say so, and record it.
      await this.#settleInterrupted(row);
      const again = await this.#d.repo.get(id);
      return view(id, (again ?? row).result);
    }
    return view(id, row.result);
  }

  /**
   * The check a check-in takes: made at this desk by this operator, at most `checkInWindowMs`
   * old, answered (not pending, unless `giveUpPending`: the receptionist stops waiting), and not a
   * visit yet.
   */
  async forCheckIn(
    cardCheckId: string,
    operator: Pick<CardCheckOperator, 'username'>,
    opts: { giveUpPending?: boolean } = {},
  ): Promise<CheckForCheckIn> {
    const row = await this.#d.repo.get(cardCheckId);
    if (!row) throw new CardCheckError('CARD_CHECK_NOT_FOUND', 'no card check with this id');
    if (row.deskId !== this.#d.deskId || row.facility !== this.#d.facility || row.operator !== operator.username)
      throw new CardCheckError('CARD_CHECK_NOT_YOURS', 'this card check was made at another desk or by another operator');
    if (row.visitId !== null) throw new CardCheckError('CARD_CHECK_USED', 'this card check is already a visit');
    const window = this.#d.checkInWindowMs ?? DEFAULT_CHECK_IN_WINDOW_MS;
    if (this.#d.clock.now() - row.createdAt > window)
      throw new CardCheckError(
        'CARD_CHECK_EXPIRED',
        `this card check is older than ${Math.round(window / 60_000)} minutes: scan the card again`,
      );
    let current = row;
    if (row.portalState === 'pending') {
      const running = this.#inFlight.get(row.id);
      if (running && !opts.giveUpPending) throw new CardCheckError('CARD_CHECK_PENDING', 'the portal has not answered yet');
      // Given up at the desk: the call ends now and records PORTAL_UNAVAILABLE, which the
      // re-check worker takes up once the visit exists. Not in flight: a restart interrupted it.
      if (running) await this.#inFlight.abandon(row.id);
      else await this.#settleInterrupted(row);
      current = (await this.#d.repo.get(row.id)) ?? row;
    }
    return { check: current, result: current.result, qr: current.qrText };
  }

  /** Records the visit a check became (inside the check-in's transaction when `q` is its tx). */
  async linkVisit(cardCheckId: string, visitId: string, q?: Queryable): Promise<void> {
    const ok = await this.#d.repo.linkVisit(cardCheckId, visitId, this.#d.clock.now(), q);
    if (!ok) {
      const row = await this.#d.repo.get(cardCheckId, q);
      throw row
        ? new CardCheckError('CARD_CHECK_USED', 'this card check is already a visit')
        : new CardCheckError('CARD_CHECK_NOT_FOUND', 'no card check with this id');
    }
  }

  status(): CardCheckStatus {
    return { inFlight: this.#inFlight.size, ...this.#health.status() };
  }

  /** Aborts the checks in flight (each is recorded `unavailable`) and waits for them. Idempotent. */
  close(): Promise<void> {
    return this.#inFlight.close();
  }

  async #local(
    input: CardCheckInput,
  ): Promise<{ local: VerifyResult; subject: CheckSubject | undefined; qr: string | null; typedName?: string }> {
    if ('qr' in input) {
      if (typeof input.qr !== 'string' || input.qr.length === 0 || input.qr.length > MAX_QR_CHARS)
        throw new CardCheckError('CARD_CHECK_INPUT_INVALID', `qr must be the scanned text (1–${MAX_QR_CHARS} characters)`, 'qr');
      const verified = await this.#d.verifier.verifyAsync(input.qr);
      const wedge = input.typedBy === 'wedge' ? wedgeLocal(verified) : undefined;
      if (wedge) return { local: wedge.local, subject: undefined, qr: input.qr, typedName: wedge.typedName };
      return { local: verified, subject: undefined, qr: input.qr };
    }
    const entry = input.manual;
    let subject: CheckSubject;
    try {
      subject = subjectFromManual(entry);
    } catch (err) {
      if (!(err instanceof PortalRequestError)) throw err;
      const field =
        err.code === 'SUBJECT_NAME_INVALID'
          ? 'manual.name'
          : err.code === 'SUBJECT_BIRTH_DATE_INVALID'
            ? 'manual.birthDate'
            : 'manual.cardNumber';
      throw new CardCheckError('CARD_CHECK_INPUT_INVALID', err.message, field);
    }
    return { local: manualEntryResult(entry, this.#d.clock.now()), subject, qr: null };
  }

  /** The portal call of one check; always resolves (with what was recorded, or would have been). */
  async #run(
    id: string,
    client: PortalClient,
    local: VerifyResult,
    subject: CheckSubject,
    operator: CardCheckOperator,
    startedAt: number,
    given: AbortSignal,
    nameUnreadable = false,
  ): Promise<PortalCheckedResult> {
    const { logger, repo, clock } = this.#d;
    const signal = AbortSignal.any([this.#inFlight.signal, given]);
    let merged: PortalCheckedResult;
    try {
      const staff = { name: operator.displayName, cccd: operator.cccd };
      const ask = (asked: CheckSubject) => client.check(asked, staff, { signal });
      const outcome = nameUnreadable ? await askWithUnreadableName(ask, subject) : await ask(subject);
      merged = mergePortalOutcome(local, outcome);
      if (nameUnreadable) merged = namedByPortal(merged, outcome);
    } catch (err) {
      if (!(err instanceof PortalRequestError)) logger.error('card check: portal call failed', { id, code: 'CARD_CHECK_FAILED' });
      merged = err instanceof PortalRequestError ? notSent(local, err, clock.now()) : interrupted(local, startedAt, clock.now());
      if (merged.portal.state === 'not_needed') merged = interrupted(local, startedAt, clock.now());
    }
    try {
      await repo.recordAnswer(id, merged, clock.now());
    } catch {
      logger.error('card check: the answer could not be recorded', { id, code: 'CARD_CHECK_RECORD_FAILED' });
    }
    // A call the desk gave up on says nothing about the portal's health.
    if (!given.aborted) this.#health.remember(merged.portal);
    logger.info('card check answered', {
      id,
      portal: merged.portal.state,
      portalCode: merged.portal.code,
      latencyMs: merged.portal.latencyMs,
    });
    return merged;
  }

  async #settleInterrupted(row: CardCheckRecord): Promise<boolean> {
    const now = this.#d.clock.now();
    const merged = interrupted(row.local, row.createdAt, now);
    return this.#d.repo.recordAnswer(row.id, merged, now);
  }
}
