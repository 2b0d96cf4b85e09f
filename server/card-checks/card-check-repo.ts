/**
 * The SQL of one card check's life (table `card_checks`): parameterised always. A card check is
 * written once when the desk asks (`insert`), gets the portal's answer once (`recordAnswer`:
 * pending → done / unavailable / config, guarded by the WHERE clause and by a trigger), and is
 * linked at most once to the visit it became (`linkVisit`, which also forgets the scanned text:
 * the visit row keeps it). Each of the three writes appends its entry to the card-check log
 * (card-check-log.ts) in the same transaction. A check is *settled* when its verdict is final:
 * at insert when no portal answer is awaited, else when the answer is recorded; `onSettled`
 * listeners (the metrics) hear of each after its commit. The auditor's search is
 * card-check-queries.ts; re-checks are recheck-repo.ts.
 */
import type { Database, Queryable } from '../db/database.js';
import type { PortalCheckedResult } from '../portal/merge.js';
import { appendLogEntry } from './card-check-log.js';
import { boundedResultJson, checkFromRow, type CardCheckRecord, type NewCardCheck } from './records.js';

const CHECK_COLUMNS = `c.id, c.created_at, c.answered_at, c.facility, c.desk_id, c.operator, c.operator_name, c.operator_cccd,
  c.source, c.card_number, c.ma_so_bhxh, c.cccd, c.local_verdict, c.local_code, c.verdict, c.code, c.reason_codes,
  c.portal_state, c.portal_code, c.portal_message, c.latency_ms, c.attempts, c.local_json, c.result_json, c.qr_text,
  c.visit_id, c.linked_at`;

/** The portal columns of a merged result (pending / not_needed / off: no code, no latency). */
function portalColumns(r: PortalCheckedResult) {
  const p = r.portal;
  return {
    state: p.state,
    code: p.code ?? null,
    message: p.message === undefined ? null : p.message.slice(0, 500),
    latencyMs: p.latencyMs ?? null,
    attempts: p.attempts ?? null,
  };
}

/** A card check whose verdict is final (what the metrics count; no personal data). */
export interface CardCheckSettled {
  verdict: string;
  portalState: string;
  portalCode: string | null | undefined;
}

export class CardCheckRepository {
  readonly #settled = new Set<(e: CardCheckSettled) => void>();

  constructor(private readonly db: Database) {}

  /**
   * Subscribes to settled checks (after COMMIT, never for a rolled-back write); returns an
   * unsubscribe function. A listener's failure never fails the write.
   */
  onSettled(listener: (e: CardCheckSettled) => void): () => void {
    this.#settled.add(listener);
    return () => {
      this.#settled.delete(listener);
    };
  }

  #tellSettled(result: PortalCheckedResult): void {
    const e: CardCheckSettled = { verdict: result.verdict, portalState: result.portal.state, portalCode: result.portal.code };
    for (const l of this.#settled) {
      try {
        l(e);
      } catch {
        // a listener's problem is its own
      }
    }
  }

  async insert(c: NewCardCheck): Promise<CardCheckRecord> {
    const p = portalColumns(c.result);
    const answeredAt = p.state === 'pending' ? null : c.createdAt;
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO card_checks (id, created_at, answered_at, facility, desk_id, operator, operator_name, operator_cccd, source,
         card_number, ma_so_bhxh, cccd, local_verdict, local_code, verdict, code, reason_codes, portal_state, portal_code,
         portal_message, latency_ms, attempts, local_json, result_json, qr_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          c.id,
          c.createdAt,
          answeredAt,
          c.facility,
          c.deskId,
          c.operator,
          c.operatorName,
          c.operatorCccd,
          c.source,
          c.cardNumber,
          c.maSoBhxh,
          c.cccd,
          c.local.verdict,
          c.local.code,
          c.result.verdict,
          c.result.code,
          JSON.stringify(c.result.reasons.map((r) => r.code)),
          p.state,
          p.code,
          p.message,
          p.latencyMs,
          p.attempts,
          boundedResultJson(c.local),
          boundedResultJson(c.result),
          c.qrText,
        ],
      );
      await appendLogEntry(tx, 'card_check', c.id, 'recorded', c.createdAt);
    });
    if (p.state !== 'pending') this.#tellSettled(c.result);
    const row = await this.get(c.id);
    if (!row) throw new Error('unreachable: the card check just inserted is missing');
    return row;
  }

  /**
   * The portal's answer (done / unavailable / config) of a pending check, once: false when the
   * check is not pending any more (answered already, or unknown).
   */
  async recordAnswer(id: string, result: PortalCheckedResult, at: number): Promise<boolean> {
    const p = portalColumns(result);
    if (p.state !== 'done' && p.state !== 'unavailable' && p.state !== 'config') throw new Error(`not an answer: ${p.state}`);
    const changed = await this.db.transaction(async (tx) => {
      const r = await tx.run(
        `UPDATE card_checks SET answered_at = ?, verdict = ?, code = ?, reason_codes = ?, portal_state = ?, portal_code = ?,
         portal_message = ?, latency_ms = ?, attempts = ?, result_json = ?
       WHERE id = ? AND portal_state = 'pending'`,
        [
          at,
          result.verdict,
          result.code,
          JSON.stringify(result.reasons.map((x) => x.code)),
          p.state,
          p.code,
          p.message,
          p.latencyMs,
          p.attempts,
          boundedResultJson(result),
          id,
        ],
      );
      if (r.changes !== 1) return false;
      await appendLogEntry(tx, 'card_check', id, 'answered', at);
      return true;
    });
    if (changed) this.#tellSettled(result);
    return changed;
  }

  async get(id: string, q: Queryable = this.db): Promise<CardCheckRecord | undefined> {
    const row = await q.get(`SELECT ${CHECK_COLUMNS} FROM card_checks c WHERE c.id = ?`, [id]);
    return row ? checkFromRow(row) : undefined;
  }

  /** Checks still pending (after a restart: the ones a crash interrupted). */
  async pendingIds(): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>("SELECT id FROM card_checks WHERE portal_state = 'pending' ORDER BY created_at, id");
    return rows.map((r) => r.id);
  }

  /**
   * Records which visit a check became and forgets its scanned text. `q` lets the check-in run
   * it inside the visit's own transaction (and must be a transaction: the log entry goes with it). False when the check is unknown or linked already.
   */
  async linkVisit(cardCheckId: string, visitId: string, at: number, q: Queryable = this.db): Promise<boolean> {
    const r = await q.run('UPDATE card_checks SET visit_id = ?, linked_at = ?, qr_text = NULL WHERE id = ? AND visit_id IS NULL', [
      visitId,
      at,
      cardCheckId,
    ]);
    if (r.changes !== 1) return false;
    await appendLogEntry(q, 'card_check', cardCheckId, 'linked', at);
    return true;
  }
}
