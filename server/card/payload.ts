import { inflateRawSync } from 'node:zlib';

/**
 * Payload decoding (spec §1): raw DEFLATE → UTF-8 → JSON object. Runs only after the signature
 * held. The inflate cap stops a decompression bomb before it allocates: zlib aborts as soon as
 * the output would pass the limit.
 */

export const MAX_INFLATED_BYTES = 16 * 1024;

/** Created once: `fatal` makes any invalid UTF-8 sequence throw instead of becoming U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type PayloadResult =
  { ok: true; payload: Record<string, unknown>; json: string } | { ok: false; code: 'PAYLOAD_INVALID'; detail: string };

/** Inflates raw DEFLATE with the cap; undefined when not raw DEFLATE (zlib/gzip-wrapped, garbage) or too big. */
export function inflateCapped(compressed: Buffer): Buffer | undefined {
  try {
    return inflateRawSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return undefined;
  }
}

/** Decodes the base64url payload part of a verified JWS to its JSON object. */
export function decodePayload(payloadB64: string): PayloadResult {
  const raw = inflateCapped(Buffer.from(payloadB64, 'base64url'));
  if (raw === undefined) return { ok: false, code: 'PAYLOAD_INVALID', detail: 'not raw DEFLATE or over the inflate cap' };
  let json: string;
  try {
    json = UTF8.decode(raw);
  } catch {
    return { ok: false, code: 'PAYLOAD_INVALID', detail: 'not UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, code: 'PAYLOAD_INVALID', detail: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'PAYLOAD_INVALID', detail: 'not a JSON object' };
  }
  return { ok: true, payload: value as Record<string, unknown>, json };
}
