/**
 * Idempotency-Key records of check-ins: the first answer to (operator, key) is the answer
 * forever. Both calls take the caller's transaction: the lookup, the visit and the key's row are
 * one transaction (server/visits/check-in-service.ts).
 */
import type { Queryable } from '../db/database.js';

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
