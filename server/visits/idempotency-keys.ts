/**
 * Idempotency-Key records of check-ins: the first answer to (operator, key) is the answer
 * forever. Both calls take the caller's transaction: the lookup, the visit and the key's row are
 * one transaction (server/visits/check-in-service.ts).
 */
import { createHash } from 'node:crypto';
import { classifyQr } from '../card/qr-text.js';
import type { Queryable } from '../db/database.js';
import type { VerifyResult } from '../wire/verification.js';
import { canonicalJson } from './chain.js';

export interface IdempotencyRecord {
  requestHash: string;
  status: number;
  response: string;
}

export async function findIdempotencyKey(q: Queryable, operator: string, key: string): Promise<IdempotencyRecord | undefined> {
  const r = await q.get<{ request_hash: string; status: number; response: string }>(
    'SELECT request_hash, status, response FROM idempotency_keys WHERE operator = ? AND key = ?',
    [operator, key],
  );
  return r ? { requestHash: r.request_hash, status: r.status, response: r.response } : undefined;
}

export async function saveIdempotencyKey(
  q: Queryable,
  rec: { operator: string; key: string; requestHash: string; status: number; visitSeq: number; response: string; at: number },
): Promise<void> {
  await q.run(
    'INSERT INTO idempotency_keys (operator, key, request_hash, status, visit_seq, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [rec.operator, rec.key, rec.requestHash, rec.status, rec.visitSeq, rec.response, rec.at],
  );
}

/** What a check-in's request hash covers (the Idempotency-Key's "same request" rule). */
export interface CheckInRequestShape {
  qr?: string;
  cardCheckId?: string;
  visitType: string;
  reviewNote: string | null;
  visitCategory?: string;
}

/**
 * The hash that decides whether a retry with the same Idempotency-Key is the same request.
 *
 * A signed card whose signature held is hashed by what its signature covers (`header.payload`,
 * the card's content), not by the QR text: ECDSA signatures are malleable, (r, s) and (r, n − s)
 * both verify and ES256 does not require low-S, so one card has two valid QR texts (and more
 * framings: `shc:/` digits, a bare JWS, a trailing CR/LF). Hashing the raw text would make the
 * twin "a different request" and answer IDEMPOTENCY_KEY_REUSED for the same card; the signature
 * bytes are never a card's identity. Anything else (unsigned QRs, a card whose signature failed)
 * is hashed by its text as before, so a forged signature never matches a genuine card's request.
 * `verified` is the server's own verification of `qr` (absent with a cardCheckId).
 */
export function checkInRequestHash(req: CheckInRequestShape, verified?: VerifyResult): string {
  let card: Record<string, string>;
  if (req.cardCheckId !== undefined) card = { cardCheckId: req.cardCheckId };
  else {
    const signed = verified !== undefined && req.qr !== undefined ? signedContent(req.qr, verified) : undefined;
    card = signed !== undefined ? { signed } : { qr: req.qr ?? '' };
  }
  return createHash('sha256')
    .update(
      canonicalJson({
        ...card,
        visitType: req.visitType,
        reviewNote: req.reviewNote,
        // Only when given: requests stored before the field existed keep their hash.
        ...(req.visitCategory !== undefined ? { visitCategory: req.visitCategory } : {}),
      }),
      'utf8',
    )
    .digest('hex');
}

/** `header.payload` of a signed card whose signature verified; undefined otherwise. */
function signedContent(qr: string, verified: VerifyResult): string | undefined {
  if (verified.source !== 'signed' || !verified.checks.some((c) => c.name === 'signature' && c.ok)) return undefined;
  // The text already passed the verifier's length limit: classify it without one.
  const c = classifyQr(qr, qr.length);
  return c.kind === 'jws' ? c.jws.slice(0, c.jws.lastIndexOf('.')) : undefined;
}
