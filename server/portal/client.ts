/**
 * The kiosk's client of the agency portal's online card check (portal.md; the wire is
 * server/wire/portal.ts). One `check` = one person looked up, inside one time budget:
 *
 * - the token is kept (≈50 min or `expires_in`) and renewed on a 401 (HTTP 401 or maKetQua
 *   "401"): at most once per call, and one renewal in flight shared by every caller (TokenHolder);
 *   a second 401 after the renewal is a configuration problem (the account);
 * - maKetQua 100/101/500, HTTP 5xx, network errors and replies that are not the wire's shape are
 *   retried with capped exponential backoff and full jitter (injected randomness), never past the
 *   budget; 054/055 and HTTP 403/404 are configuration problems, not retried;
 * - the budget (timeoutMs, default 60 s) covers the queue, the token and every attempt, through
 *   an AbortSignal; the caller's own signal aborts too; at most maxConcurrent checks are in
 *   flight, the rest queue;
 * - nothing personal or secret is logged: no password, hash, token, URL with its query, name,
 *   birth date, card or ID number — only codes, latencies and attempt counts.
 *
 * `check` never rejects for portal trouble (that is an outcome); it rejects only with a
 * PortalRequestError, before any request, when the subject or the operator is incomplete.
 */
import type { Clock, Random } from '../clock.js';
import type { Logger } from '../logger.js';
import { backoffDelayMs } from '../lib/backoff.js';
import {
  PORTAL_AUTH_QUERY_KEYS,
  PORTAL_PATHS,
  type CardCheckReply,
  type CardCheckRequest,
  type PortalAuthQuery,
  type TokenReply,
  type TokenRequest,
} from '../wire/portal.js';
import { PORTAL_DEFAULTS, portalPasswordHash, type PortalCheckMode, type PortalClientOptions } from './options.js';
import type { PortalOutcome, PortalOutcomeBody, UnavailableCause } from './outcome.js';
import { buildCheckRequest, type CheckSubject, type PortalOperator } from './request.js';
import { TokenHolder, type PortalToken } from './token.js';
import { Limiter } from './limiter.js';
import { portalVerdictRow } from './verdicts.js';
import { realSleep } from '../lib/sleep.js';
import { CheckInSubmitError, submitCheckIn, type CheckInSubmitOutcome } from './submit-check-in.js';

export interface PortalClientDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  fetchImpl?: typeof fetch;
  /** Waits `ms` unless `signal` aborts first (injectable for tests). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What /api/status may show about the portal (no secrets, no patient data). */
export interface PortalClientStatus {
  checkMode: PortalCheckMode;
  inFlight: number;
  queued: number;
  tokenValid: boolean;
  last: { at: string; kind: PortalOutcome['kind']; code?: string } | null;
  /** The last configuration problem (054/055/401/HTTP_4xx), until a check passes again. */
  configProblem: { at: string; code: string } | null;
}

const MAX_REPLY_CHARS = 1024 * 1024;
const SAFE_ERRNO = /^[A-Z][A-Z0-9_]{1,30}$/;

/** Why an attempt failed, in words safe to log. */
class Failure extends Error {
  constructor(
    readonly kind: 'retry' | 'config' | 'auth',
    readonly why: string,
    readonly unavailable: UnavailableCause,
    readonly code?: string,
  ) {
    super(why);
    this.name = 'PortalFailure';
  }
}

/** maKetQua as the table writes it: a string of (at least) three digits. */
function resultCode(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v).padStart(3, '0');
  if (typeof v === 'string' && /^\d{1,4}$/.test(v.trim())) return v.trim().padStart(3, '0');
  return undefined;
}

export class PortalClient {
  private readonly base: string;
  private readonly user: string;
  private readonly passwordMd5: string;
  private readonly timeoutMs: number;
  readonly checkMode: PortalCheckMode;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly tokenLifetimeMs: number;
  private readonly limiter: Limiter;
  private readonly tokens: TokenHolder;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private last: PortalClientStatus['last'] = null;
  private configProblem: PortalClientStatus['configProblem'] = null;

  constructor(
    options: PortalClientOptions,
    private readonly deps: PortalClientDeps,
  ) {
    if (!/^https?:\/\//i.test(options.url)) throw new Error('the portal URL must be http(s)');
    if (options.user === '' || options.password === '') throw new Error('the portal account needs a user and a password');
    this.base = options.url.replace(/\/+$/, '');
    this.user = options.user;
    this.passwordMd5 = portalPasswordHash(options.password);
    this.timeoutMs = options.timeoutMs ?? PORTAL_DEFAULTS.timeoutMs;
    this.checkMode = options.check ?? PORTAL_DEFAULTS.check;
    this.maxAttempts = options.maxAttempts ?? PORTAL_DEFAULTS.maxAttempts;
    this.backoff = {
      baseMs: options.baseBackoffMs ?? PORTAL_DEFAULTS.baseBackoffMs,
      maxMs: options.maxBackoffMs ?? PORTAL_DEFAULTS.maxBackoffMs,
    };
    this.tokenLifetimeMs = options.tokenLifetimeMs ?? PORTAL_DEFAULTS.tokenLifetimeMs;
    this.limiter = new Limiter(options.maxConcurrent ?? PORTAL_DEFAULTS.maxConcurrent);
    this.tokens = new TokenHolder(() => this.takeToken(), deps.clock);
    this.fetchImpl = deps.fetchImpl ?? fetch;
    this.sleep = deps.sleep ?? realSleep;
  }

  status(): PortalClientStatus {
    return {
      checkMode: this.checkMode,
      inFlight: this.limiter.inFlight,
      queued: this.limiter.queued,
      tokenValid: this.tokens.valid,
      last: this.last,
      configProblem: this.configProblem,
    };
  }

  /**
   * Looks one subject up, as `operator`. Rejects with PortalRequestError (before any request)
   * when the subject or the operator is incomplete; otherwise resolves with the outcome.
   */
  async check(subject: CheckSubject, operator: PortalOperator, opts: { signal?: AbortSignal } = {}): Promise<PortalOutcome> {
    const body = buildCheckRequest(subject, operator);
    const { clock, logger } = this.deps;
    const startedAt = clock.now();
    const budget = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, budget]) : budget;
    const stats = { attempts: 0, renewals: 0 };
    const finish = (o: PortalOutcomeBody): PortalOutcome => {
      const checkedAt = clock.now();
      const outcome: PortalOutcome = { ...o, ...stats, latencyMs: checkedAt - startedAt, startedAt, checkedAt };
      this.record(outcome);
      logger.info('portal check', {
        outcome: outcome.kind,
        code: outcome.kind === 'unavailable' ? outcome.lastCode : outcome.code,
        ...(outcome.kind === 'unavailable' ? { cause: outcome.cause } : {}),
        latencyMs: outcome.latencyMs,
        attempts: outcome.attempts,
        renewals: outcome.renewals,
      });
      return outcome;
    };
    const interrupted = (lastCode?: string) =>
      finish({ kind: 'unavailable', cause: opts.signal?.aborted ? 'aborted' : 'timeout', ...(lastCode ? { lastCode } : {}) });

    let release: (() => void) | undefined;
    try {
      release = await this.limiter.acquire(signal);
    } catch {
      return interrupted();
    }
    try {
      let failures = 0;
      let renewed = false;
      let last: Failure | undefined;
      for (;;) {
        if (signal.aborted) return interrupted(last?.code);
        let token: PortalToken | undefined;
        try {
          token = await this.tokens.get(signal);
          stats.attempts++;
          const reply = await this.postCheck(body, token, signal);
          const code = reply.maKetQua;
          const row = portalVerdictRow(code);
          if (row?.kind === 'retry') throw new Failure('retry', `code_${code}`, 'server_error', code);
          if (row?.kind === 'auth') throw new Failure('auth', 'code_401', 'server_error', code);
          if (row?.kind === 'config') return finish({ kind: 'config', code, reply });
          return finish({ kind: 'answer', code, reply });
        } catch (err) {
          if (signal.aborted) return interrupted(last?.code);
          const f = err instanceof Failure ? err : new Failure('retry', 'unexpected', 'unreachable');
          last = f;
          if (f.kind === 'config') return finish({ kind: 'config', code: f.code ?? 'UNKNOWN' });
          if (f.kind === 'auth') {
            if (renewed || token === undefined) return finish({ kind: 'config', code: '401' });
            renewed = true;
            stats.renewals++;
            logger.info('portal token renewal after 401', { attempt: stats.attempts });
            try {
              await this.tokens.renew(token, signal);
            } catch (e) {
              if (signal.aborted) return interrupted(last.code);
              const tf = e instanceof Failure ? e : new Failure('retry', 'unexpected', 'unreachable');
              last = tf;
              if (tf.kind !== 'retry') return finish({ kind: 'config', code: tf.code ?? '401' });
              // The renewal itself failed transiently: back off, the next get() tries again.
              const wait = await this.backoffOrGiveUp(++failures, tf, signal, startedAt);
              if (wait === 'give_up')
                return finish({ kind: 'unavailable', cause: tf.unavailable, ...(tf.code ? { lastCode: tf.code } : {}) });
            }
            continue;
          }
          const wait = await this.backoffOrGiveUp(++failures, f, signal, startedAt);
          if (wait === 'give_up') return finish({ kind: 'unavailable', cause: f.unavailable, ...(f.code ? { lastCode: f.code } : {}) });
        }
      }
    } finally {
      release();
    }
  }

  /**
   * Sends one signed check-in file (guiHoSoCheckin; server/portal/submit-check-in.ts says what
   * each answer becomes) with the card check's token: one token for both, renewed once on a 401.
   * Resolves `received` or `invalid`; throws CheckInSubmitError for anything worth retrying
   * (code ABORTED when `signal` aborts). Not queued behind the card checks' limiter: the desk's
   * lookups must not wait for the report, and its worker sends one file at a time.
   */
  submitCheckInRecord(xml: string, signal: AbortSignal): Promise<CheckInSubmitOutcome> {
    return submitCheckIn(
      {
        tokens: {
          get: (s) => this.tokens.get(s),
          renew: (stale, s) => this.tokens.renew(stale, s),
          error: (err) => checkInTokenError(err),
        },
        url: (token) => `${this.base}${PORTAL_PATHS.checkinSubmit}?${this.authQuery(token)}`,
        fetchImpl: this.fetchImpl,
        timeoutMs: this.timeoutMs,
        now: () => this.deps.clock.now(),
        logger: this.deps.logger,
      },
      xml,
      signal,
    );
  }

  /**
   * Waits before the next attempt, or says there is no point: `maxAttempts` failures already, or
   * the wait would end past the budget (token failures count too, so a portal whose token call
   * keeps failing gives up like one whose card check does).
   */
  private async backoffOrGiveUp(failures: number, f: Failure, signal: AbortSignal, startedAt: number): Promise<'again' | 'give_up'> {
    const { logger, clock, random } = this.deps;
    if (failures >= this.maxAttempts) {
      logger.warn('portal gives up', { why: f.why, failures, reason: 'attempts' });
      return 'give_up';
    }
    const delayMs = backoffDelayMs(failures, this.backoff, random);
    if (delayMs >= startedAt + this.timeoutMs - clock.now()) {
      logger.warn('portal gives up', { why: f.why, failures, reason: 'budget' });
      return 'give_up';
    }
    logger.warn('portal retry', { why: f.why, failures, delayMs });
    await this.sleep(delayMs, signal);
    return 'again';
  }

  private record(o: PortalOutcome): void {
    const at = new Date(o.checkedAt).toISOString();
    this.last = { at, kind: o.kind, ...(o.kind === 'unavailable' ? (o.lastCode ? { code: o.lastCode } : {}) : { code: o.code }) };
    if (o.kind === 'config') this.configProblem = { at, code: o.code };
    else if (o.kind === 'answer') this.configProblem = null;
  }

  /** One POST with JSON in and out; HTTP and network trouble become Failures. */
  private async postJson(url: string, body: unknown, signal: AbortSignal): Promise<{ status: number; json: unknown }> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      text = await res.text();
    } catch (err) {
      const errno = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
      throw new Failure('retry', typeof errno === 'string' && SAFE_ERRNO.test(errno) ? `network_${errno}` : 'network', 'unreachable');
    }
    if (res.status === 401) throw new Failure('auth', 'http_401', 'server_error', '401');
    if (res.status >= 500) throw new Failure('retry', `http_${res.status}`, 'server_error');
    if (res.status !== 200) throw new Failure('config', `http_${res.status}`, 'bad_response', `HTTP_${res.status}`);
    if (text.length > MAX_REPLY_CHARS) throw new Failure('retry', 'reply_too_large', 'bad_response');
    try {
      return { status: res.status, json: JSON.parse(text) as unknown };
    } catch {
      throw new Failure('retry', 'reply_not_json', 'bad_response');
    }
  }

  private authQuery(token: PortalToken): string {
    const q: PortalAuthQuery = { token: token.accessToken, id_token: token.idToken, username: token.username, password: this.passwordMd5 };
    const params = new URLSearchParams();
    for (const k of PORTAL_AUTH_QUERY_KEYS) params.set(k, q[k]);
    return params.toString();
  }

  private async postCheck(body: CardCheckRequest, token: PortalToken, signal: AbortSignal): Promise<CardCheckReply> {
    const { json } = await this.postJson(`${this.base}${PORTAL_PATHS.cardCheck}?${this.authQuery(token)}`, body, signal);
    const o = json as Partial<CardCheckReply> | null;
    const code = resultCode(o?.maKetQua);
    if (typeof o !== 'object' || o === null || code === undefined) throw new Failure('retry', 'reply_shape', 'bad_response');
    return {
      ...(o as CardCheckReply),
      maKetQua: code,
      dsLichSuKCB2018: Array.isArray(o.dsLichSuKCB2018) ? o.dsLichSuKCB2018 : [],
      dsLichSuKT2018: Array.isArray(o.dsLichSuKT2018) ? o.dsLichSuKT2018 : [],
    };
  }

  /** POST /api/token/take on the client's own budget (shared by every caller waiting for it). */
  private async takeToken(): Promise<PortalToken> {
    const { clock, logger } = this.deps;
    const started = clock.now();
    const req: TokenRequest = { username: this.user, password: this.passwordMd5 };
    try {
      const { json } = await this.postJson(`${this.base}${PORTAL_PATHS.token}`, req, AbortSignal.timeout(this.timeoutMs));
      const o = json as Partial<TokenReply> | null;
      const code = resultCode(o?.maKetQua);
      if (code === '401') throw new Failure('config', 'token_401', 'server_error', '401');
      if (code !== '200')
        throw new Failure('retry', `token_code_${code ?? 'none'}`, code === undefined ? 'bad_response' : 'server_error', code);
      const key = o?.APIKey;
      if (!key || typeof key.access_token !== 'string' || key.access_token === '' || typeof key.id_token !== 'string')
        throw new Failure('retry', 'token_shape', 'bad_response');
      const now = clock.now();
      const expiresIn = typeof key.expires_in === 'number' && key.expires_in > 0 ? key.expires_in * 1000 : undefined;
      const lifetime = expiresIn !== undefined ? expiresIn - Math.min(60_000, expiresIn / 10) : this.tokenLifetimeMs;
      logger.info('portal token', { ok: true, latencyMs: now - started });
      return {
        accessToken: key.access_token,
        idToken: key.id_token,
        username: typeof key.username === 'string' && key.username !== '' ? key.username : this.user,
        expiresAt: now + lifetime,
      };
    } catch (err) {
      const f = err instanceof Failure ? err : new Failure('retry', 'unexpected', 'unreachable');
      // A token the portal refuses as a whole (401) is the account: report it as config.
      const g = f.kind === 'auth' ? new Failure('config', f.why, f.unavailable, '401') : f;
      logger.warn('portal token', { ok: false, why: g.why, latencyMs: clock.now() - started });
      throw g;
    }
  }
}

/** A failed token call (takeToken's Failure) as the check-in submission's error. */
function checkInTokenError(err: unknown): CheckInSubmitError {
  if (!(err instanceof Failure)) return new CheckInSubmitError('PORTAL_UNREACHABLE', 'the token request failed');
  if (err.kind !== 'retry')
    return err.code === '401'
      ? new CheckInSubmitError('PORTAL_AUTH_FAILED', 'the portal refused the account when taking a token (401)', 401)
      : new CheckInSubmitError('PORTAL_HTTP_STATUS', `the token request failed (${err.why})`);
  const code =
    err.unavailable === 'server_error'
      ? 'PORTAL_SERVER_ERROR'
      : err.unavailable === 'bad_response'
        ? 'PORTAL_BAD_RESPONSE'
        : 'PORTAL_UNREACHABLE';
  return new CheckInSubmitError(code, `the token request failed (${err.why})`);
}
