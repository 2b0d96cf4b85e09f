/**
 * UUIDv7 (RFC 9562): 48-bit Unix time in ms, then random bits, from the injected clock and
 * randomness. Time-ordered ids let an auditor read a visit id's creation time; the log's order
 * of record is still the sequence number.
 */
import type { Random } from '../clock.js';

export function uuidv7(nowMs: number, random: Random): string {
  const b = Buffer.alloc(16);
  const rand = random.bytes(10);
  const ms = BigInt(Math.max(0, Math.floor(nowMs))) & 0xffff_ffff_ffffn;
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  rand.copy(b, 6);
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUIDV7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The creation time (ms) encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
