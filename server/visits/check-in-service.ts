/**
 * Check-in: re-verify the scanned card on the server (the browser's verdict is never trusted),
 * then apply the duplicate-visit rule (duplicate-rule.ts, the same on every path) and append the
 * visit to the hash-chained log (with its sync outbox row) in one serialised write: a single
 * INSERT statement without an Idempotency-Key (the hot path), one transaction with the key's
 * lookup and row when the header is present.
 *
 * Outcomes:
 *   accepted                         → 201 { visit, duplicate: false }
 *   needs_review with a reviewNote   → 201 { visit, duplicate: false } (the note is recorded)
 *   needs_review without one         → 422 REVIEW_NOTE_REQUIRED (nothing recorded)
 *   rejected                         → 422 CARD_REJECTED; the attempt itself is recorded in the
 *                                      log (verdict "rejected", no outbox row) so an auditor
 *                                      sees who tried which card
 *   same card at this facility within the window (non-rejected) → 200 { visit, duplicate: true }
 *
 * From a card check (`cardCheckId` instead of `qr`, POST /api/card-checks first): the check's
 * merged result (the portal's answer in it) is taken instead of verifying again, the same rules
 * apply, and the visit records the check and the portal's code, message, time and latency. The
 * check is marked used in the same transaction as the visit (one check, one visit).
 */
import type { Clock, Random } from '../clock.js';
import type { VerifyResult } from '../wire/verification.js';
import type { Database, Queryable } from '../db/database.js';
import { AppError, type ProblemCode } from '../errors.js';
import type { User } from '../users/types.js';
import type { VerifyService } from '../verification/verify-service.js';
import {
  DEFAULT_VISIT_TYPE,
  fallbackCategory,
  isValidCategory,
  isValidVisitType,
  proposeForResult,
} from '../check-in-record/visit-codes.js';
import { cardKey } from './card-key.js';
import { uuidv7 } from './uuidv7.js';
import { checkInRequestHash, findIdempotencyKey, saveIdempotencyKey } from './idempotency-keys.js';
import { NO_PORTAL, type VisitPortalColumns, type VisitRow } from './visit-record.js';
import type { AppendOptions, AppendResult, VisitWriter } from './visit-writer.js';
import { toVisit } from './visit-view.js';
import type { Visit } from '../wire/visit.js';

/** The shape of a visit-type code (MA_LOAI_KCB: two digits); which codes a day has is the table's (visit-codes.ts). */
export const VISIT_TYPE_RE = /^(0[1-9]|10)$/;
/** Visit-category codes (MA_DOITUONG_KCB): "1.1", "1.13", "2", "3.1" (≤ 4 characters, the record's limit). */
export const VISIT_CATEGORY_RE = /^(?=.{1,4}$)\d{1,2}(\.\d{1,2})?$/;
export const REVIEW_NOTE_MAX = 500;
export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,128}$/;

/** What a check-in takes from a card check (server/card-checks/ CardCheckService implements it). */
export interface CardCheckSource {
  forCheckIn(
    cardCheckId: string,
    operator: { username: string },
    opts?: { giveUpPending?: boolean },
  ): Promise<{ check: { id: string; source: string | null }; result: VerifyResult & { portal: PortalSnapshot }; qr: string | null }>;
  /** Marks the check used by `visitId` inside `tx` (throws when it already is). */
  linkVisit(cardCheckId: string, visitId: string, tx: Queryable): Promise<void>;
}

/** The portal's answer as a visit records it. */
export interface PortalSnapshot {
  state: string;
  code?: string;
  message?: string;
  checkedAt?: string;
  latencyMs?: number;
}

/** The portal's message as stored on a visit: at most this many characters. */
export const PORTAL_MESSAGE_MAX = 500;

export interface CheckInRequest {
  /** Exactly one of `qr` and `cardCheckId`. */
  qr?: string;
  cardCheckId?: string;
  visitType?: string;
  /** MA_DOITUONG_KCB chosen at the desk; default: the proposal (server/check-in-record/visit-codes.ts). */
  visitCategory?: string;
  reviewNote?: string;
  /** With cardCheckId and a review note: end a check still waiting for the portal (see the wire). */
  giveUpOnPortal?: boolean;
  idempotencyKey?: string;
}

export type CheckInOutcome = { status: 200 | 201; body: { visit: Visit; duplicate: boolean }; replayed: boolean };

/** What is stored for an Idempotency-Key: a success body or a problem, replayed verbatim. */
type StoredResponse =
  | { ok: { visit: Visit; duplicate: boolean } }
  /** `status` stays in stored idempotency records (their format); the response's status comes from the code. */
  | { problem: { code: ProblemCode; status: number; detail: string; extra: Record<string, unknown> } };

export interface CheckInDeps {
  db: Database;
  writer: VisitWriter;
  verifier: VerifyService;
  clock: Clock;
  random: Random;
  facility: string;
  deskId: string;
  duplicateWindowSec: number;
  /** The card checks (absent: `cardCheckId` is refused as not found). */
  cardChecks?: CardCheckSource;
}

function duplicateOf(existing: VisitRow): { status: number; visitSeq: number; response: StoredResponse } {
  return { status: 200, visitSeq: existing.seq, response: { ok: { visit: toVisit(existing, { audit: false }), duplicate: true } } };
}

export class CheckInService {
  constructor(private readonly d: CheckInDeps) {}

  async checkIn(operator: User, req: CheckInRequest): Promise<CheckInOutcome> {
    const visitType = req.visitType ?? DEFAULT_VISIT_TYPE;
    const note = req.reviewNote?.trim() || undefined;
    if ((req.qr === undefined) === (req.cardCheckId === undefined))
      throw new AppError('FIELD_INVALID', 'Send exactly one of "qr" and "cardCheckId".', { field: 'qr' });
    let result: VerifyResult;
    let qrText: string;
    let source: string | null;
    let portal: VisitPortalColumns = NO_PORTAL;
    const cardCheckId = req.cardCheckId;
    const shape = {
      ...(cardCheckId === undefined ? { qr: req.qr! } : { cardCheckId }),
      visitType,
      reviewNote: note ?? null,
      ...(req.visitCategory !== undefined ? { visitCategory: req.visitCategory } : {}),
    };
    // With a QR the hash is taken once the card is verified (a signed card by its content);
    // the hash of the text as sent (stored before that rule) still matches the same bytes.
    const textHash = checkInRequestHash(shape);
    let requestHash = textHash;
    if (cardCheckId !== undefined && req.idempotencyKey !== undefined) {
      // A retry of a check-in that went through: its answer, before the (now used) check refuses.
      const key = req.idempotencyKey;
      const prior = await this.d.db.read((q) => findIdempotencyKey(q, operator.username, key));
      if (prior) return this.#replay(prior, requestHash);
    }
    if (cardCheckId !== undefined) {
      if (!this.d.cardChecks) throw new AppError('CARD_CHECK_NOT_FOUND', 'no card check with this id');
      // The check's merged result stands (verified and looked up online when it was made).
      // Giving up on a pending check needs the note the review will then require anyway.
      const giveUpPending = req.giveUpOnPortal === true && req.reviewNote !== undefined && req.reviewNote.trim() !== '';
      const taken = await this.d.cardChecks.forCheckIn(cardCheckId, operator, { giveUpPending });
      const { portal: summary, ...verified } = taken.result;
      result = verified;
      qrText = taken.qr ?? '';
      source = taken.check.source ?? verified.source ?? null;
      portal = portalColumns(cardCheckId, summary);
    } else {
      // Verified before queueing so the write stays short; the ECDSA step runs on the thread pool.
      result = await this.d.verifier.verifyAsync(req.qr!);
      qrText = req.qr!;
      requestHash = checkInRequestHash(shape, result);
      source = result.source ?? null;
    }
    const now = this.d.clock.now();
    const key = cardKey(result.card, qrText);
    const visitCategory = this.#category(req, result, now);

    const content = () => ({
      ...this.#content(operator, result, qrText, visitType, result.verdict === 'rejected' ? undefined : note, key, now),
      source,
      ...portal,
      visit_category: visitCategory,
    });
    const since = now - this.d.duplicateWindowSec * 1000;

    let stored: { status: number; response: StoredResponse; replayed: boolean };
    if (req.idempotencyKey === undefined && cardCheckId === undefined) {
      // The hot path: one queued statement (visit + its outbox row by trigger, the duplicate rule
      // answered from the writer's memory); no BEGIN/COMMIT round trips.
      const findRecent = () => this.d.db.read((q) => this.d.writer.findDuplicate(q, this.d.facility, key, since));
      const out = await this.#decide(result, note, since, findRecent, (opts) => this.d.writer.record(content(), opts));
      stored = { status: out.status, response: out.response, replayed: false };
    } else {
      const idempotencyKey = req.idempotencyKey;
      // With an Idempotency-Key (or a card check to mark used) the lookup, the visit and the
      // key's row (the check's link) must be one transaction.
      stored = await this.d.db.transaction(async (tx) => {
        const prior = idempotencyKey === undefined ? undefined : await findIdempotencyKey(tx, operator.username, idempotencyKey);
        if (prior) {
          if (prior.requestHash !== requestHash && prior.requestHash !== textHash) {
            throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
          }
          return { status: prior.status, response: JSON.parse(prior.response) as StoredResponse, replayed: true };
        }
        const findRecent = () => this.d.writer.findDuplicate(tx, this.d.facility, key, since);
        const out = await this.#decide(result, note, since, findRecent, async (opts) => {
          const r = await this.d.writer.append(tx, content(), opts);
          if (r.inserted && cardCheckId !== undefined) await this.d.cardChecks!.linkVisit(cardCheckId, r.row.id, tx);
          return r;
        });
        if (idempotencyKey !== undefined)
          await saveIdempotencyKey(tx, {
            operator: operator.username,
            key: idempotencyKey,
            requestHash,
            status: out.status,
            visitSeq: out.visitSeq,
            response: JSON.stringify(out.response),
            at: now,
          });
        return { status: out.status, response: out.response, replayed: false };
      });
    }

    return this.#answer(stored);
  }

  /**
   * The visit category the record will report: the receptionist's choice (valid on the day), or
   * the kiosk's proposal from the card and the facility, or the day's fallback. None for a
   * rejected attempt.
   */
  #category(req: CheckInRequest, result: VerifyResult, now: number): string | null {
    if (req.visitType !== undefined && !isValidVisitType(req.visitType, now))
      throw new AppError('FIELD_INVALID', '"visitType" is not a visit type in use on this day (GET /api/visit-codes).', {
        field: 'visitType',
      });
    if (result.verdict === 'rejected') return null;
    if (req.visitCategory !== undefined) {
      if (!isValidCategory(req.visitCategory, now))
        throw new AppError('FIELD_INVALID', '"visitCategory" is not a visit category in use on this day (GET /api/visit-codes).', {
          field: 'visitCategory',
        });
      return req.visitCategory;
    }
    // Nothing chosen: the proposal from the card; a card that names no registered facility gets
    // the day's code that assumes nothing (the record must carry a category to be sent at all).
    return proposeForResult(result, this.d.facility) ?? fallbackCategory(now) ?? null;
  }

  /** The answer stored for an Idempotency-Key, replayed (refused when the request differs). */
  #replay(prior: { requestHash: string; status: number; response: string }, requestHash: string): CheckInOutcome {
    if (prior.requestHash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    return this.#answer({ status: prior.status, response: JSON.parse(prior.response) as StoredResponse, replayed: true });
  }

  #answer(stored: { status: number; response: StoredResponse; replayed: boolean }): CheckInOutcome {
    if ('problem' in stored.response) {
      const p = stored.response.problem;
      throw new AppError(p.code, p.detail, { ...p.extra, ...(stored.replayed ? { replayed: true } : {}) });
    }
    return { status: stored.status as 200 | 201, body: stored.response.ok, replayed: stored.replayed };
  }

  /**
   * The rules, whichever way the visit is written: a rejected card is recorded as an attempt; a
   * recent visit of the same card is the answer (duplicate); needs_review needs a note.
   * `append` writes the visit (applying the duplicate rule when given `unlessRecentSince`);
   * `findRecent` is only used for needs_review without a note, where nothing is written.
   */
  async #decide(
    result: VerifyResult,
    note: string | undefined,
    since: number,
    findRecent: () => Promise<VisitRow | undefined>,
    append: (opts: AppendOptions) => Promise<AppendResult>,
  ): Promise<{ status: number; visitSeq: number; response: StoredResponse }> {
    if (result.verdict === 'rejected') {
      const r = await append({});
      if (!r.inserted) throw new Error('unreachable: no duplicate rule for rejected attempts');
      return {
        status: 422,
        visitSeq: r.row.seq,
        response: {
          problem: {
            code: 'CARD_REJECTED',
            status: 422,
            detail: 'The card was rejected; the attempt is recorded.',
            extra: { result, reasons: result.reasons, attemptId: r.row.id },
          },
        },
      };
    }
    if (result.verdict === 'needs_review' && !note) {
      const existing = await findRecent();
      if (existing) return duplicateOf(existing);
      throw new AppError('REVIEW_NOTE_REQUIRED', 'This card needs a check by the receptionist: say what was checked in reviewNote.', {
        result,
        reasons: result.reasons,
      });
    }
    const r = await append({ unlessRecentSince: since });
    if (!r.inserted) return duplicateOf(r.existing);
    return { status: 201, visitSeq: r.row.seq, response: { ok: { visit: toVisit(r.row, { audit: false }), duplicate: false } } };
  }

  #content(operator: User, r: VerifyResult, qr: string, visitType: string, note: string | undefined, key: string, now: number) {
    return {
      id: uuidv7(now, this.d.random),
      facility: this.d.facility,
      desk_id: this.d.deskId,
      operator: operator.username,
      operator_name: operator.displayName,
      operator_cccd: operator.cccd,
      recorded_at: now,
      checked_at: r.checkedAt,
      visit_type: visitType,
      verdict: r.verdict,
      code: r.code,
      reason_codes: JSON.stringify(r.reasons.map((x) => x.code)),
      review_note: note ?? null,
      source: r.source ?? null,
      card_key: key,
      card_number: r.card?.cardNumber?.toUpperCase() ?? null,
      ma_so_bhxh: r.card?.maSoBhxh ?? null,
      card_json: r.card ? JSON.stringify(r.card) : null,
      issuer: r.issuer ?? null,
      key_id: r.keyId ?? null,
      rid: r.rid ?? null,
      demo: r.demo ? 1 : 0,
      qr_text: qr,
    };
  }
}

/** The portal columns of a visit checked in from a card check. */
function portalColumns(cardCheckId: string, p: PortalSnapshot): VisitPortalColumns {
  const at = p.checkedAt === undefined ? NaN : Date.parse(p.checkedAt);
  return {
    card_check_id: cardCheckId,
    portal_state: p.state,
    portal_code: p.code ?? null,
    portal_message: p.message === undefined ? null : p.message.slice(0, PORTAL_MESSAGE_MAX),
    portal_checked_at: Number.isFinite(at) ? at : null,
    portal_latency_ms: p.latencyMs ?? null,
  };
}
