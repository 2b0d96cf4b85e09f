/**
 * The portal as the check-in report's destination: one record per call (`guiHoSoCheckin` takes
 * one file, and its answer — received, already received, invalid — is about that file). Each
 * pending visit becomes its record (checkInRecordFromVisit), the file (checkInXml) signed with
 * the facility's key, and is submitted with the portal client's token handling.
 *
 *   200 / 201        → sent, with the receipt (maGiaoDich, time) recorded beside the visit
 *   205 invalid file → parked with the portal's message for an auditor (never retried forever)
 *   visit cannot fill a required field → parked, RECORD_INCOMPLETE (never sent incomplete)
 *   no usable facility key → the batch waits (backoff; the status says misconfigured)
 *   anything else (down, timeout, 500, token) → retried with capped backoff
 */
import { checkInRecordFromVisit, type RecordContext } from '../check-in-record/record.js';
import { signCheckInXml } from '../check-in-record/sign.js';
import { checkInXml } from '../check-in-record/xml.js';
import { OutboxTransportError, type Destination, type ItemOutcome, type OutboxItem } from '../outbox/types.js';
import type { VisitRow } from '../visits/visit-record.js';
import type { FacilitySigner } from './facility-signer.js';
import type { CheckInReceipt } from './outbox-repo.js';

/** What the destination needs of the portal client (server/portal/client.ts implements it). */
export interface CheckInSubmitter {
  submitCheckInRecord(
    xml: string,
    signal: AbortSignal,
  ): Promise<
    { kind: 'received'; code: '200' | '201'; maGiaoDich: string | null; receivedAt: string | null } | { kind: 'invalid'; message: string }
  >;
}

const MAX_REASON_CHARS = 280;

export class PortalCheckInDestination implements Destination<VisitRow, CheckInReceipt> {
  constructor(
    private readonly portal: CheckInSubmitter,
    private readonly signer: FacilitySigner,
    private readonly context: RecordContext,
  ) {}

  async send(items: readonly OutboxItem<VisitRow>[], signal: AbortSignal): Promise<ItemOutcome<CheckInReceipt>[]> {
    const out: ItemOutcome<CheckInReceipt>[] = [];
    for (const item of items) out.push(await this.#sendOne(item, signal));
    return out;
  }

  async #sendOne(item: OutboxItem<VisitRow>, signal: AbortSignal): Promise<ItemOutcome<CheckInReceipt>> {
    const built = checkInRecordFromVisit(item.payload, this.context);
    if (!built.ok) return { seq: item.seq, kind: 'parked', reason: `RECORD_INCOMPLETE: ${built.missing.join(', ')}` };
    const signer = this.signer.current();
    if (signer.key === undefined) throw new OutboxTransportError(signer.problem.code, signer.problem.detail);
    const xml = signCheckInXml(checkInXml([built.record]), signer.key);
    let answer;
    try {
      answer = await this.portal.submitCheckInRecord(xml, signal);
    } catch (err) {
      if (err instanceof OutboxTransportError) throw err;
      const code = (err as { code?: unknown }).code;
      if (signal.aborted || code === 'ABORTED') throw new OutboxTransportError('ABORTED', 'stopping during the request');
      throw new OutboxTransportError(
        typeof code === 'string' ? code : 'PORTAL_ERROR',
        err instanceof Error ? err.message.slice(0, MAX_REASON_CHARS) : 'the portal did not take the record',
      );
    }
    if (answer.kind === 'invalid')
      return { seq: item.seq, kind: 'parked', reason: `PORTAL_205: ${answer.message}`.slice(0, MAX_REASON_CHARS) };
    return { seq: item.seq, kind: 'sent', receipt: { code: answer.code, maGiaoDich: answer.maGiaoDich, receivedAt: answer.receivedAt } };
  }
}
