/**
 * Revocation lists (SMART Health Cards CRL, method "rid"), one file per key. An entry is a
 * card's `rid` (all cards with it are revoked) or `rid.<seconds>` (only cards issued before that
 * time, e.g. a lost phone: the replacement card issued afterwards stays valid).
 */
import type { Random } from '../clock.js';
import { AppError } from '../errors.js';

export interface CrlFile {
  kid: string;
  method: 'rid';
  ctr: number;
  rids: string[];
}

const RID = /^[A-Za-z0-9_-]{1,24}$/;

export function isRid(rid: string): boolean {
  return RID.test(rid);
}

/** A fresh random rid (12 base64url characters = 72 bits). */
export function randomRid(random: Random): string {
  return random.bytes(9).toString('base64url');
}

export function emptyCrl(kid: string): CrlFile {
  return { kid, method: 'rid', ctr: 1, rids: [] };
}

export interface RevocationChange {
  list: CrlFile;
  /** The entry now on the list for this rid. */
  entry: string;
  /** False when the list already revoked at least as much (ctr not bumped). */
  changed: boolean;
}

function splitEntry(entry: string): { rid: string; cutoff: number | null } {
  const dot = entry.indexOf('.');
  return dot === -1 ? { rid: entry, cutoff: null } : { rid: entry.slice(0, dot), cutoff: Number(entry.slice(dot + 1)) };
}

/**
 * Pure: the list with `rid` revoked (for cards issued before `beforeSec`, or all of them).
 * One entry per rid: a bare rid covers everything; otherwise the later cut-off wins.
 */
export function withRevocation(list: CrlFile, rid: string, beforeSec?: number): RevocationChange {
  if (!isRid(rid)) throw new AppError('REVOKE_INPUT_INVALID', 'rid must be base64url, 1-24 characters');
  if (beforeSec !== undefined && (!Number.isSafeInteger(beforeSec) || beforeSec < 0 || beforeSec > 999_999_999_999)) {
    throw new AppError('REVOKE_INPUT_INVALID', 'revocation time must be whole seconds since epoch');
  }
  const existing = list.rids.map(splitEntry).find((e) => e.rid === rid);
  const wanted: number | null = beforeSec ?? null;
  if (existing && (existing.cutoff === null || (wanted !== null && existing.cutoff >= wanted))) {
    const entry = existing.cutoff === null ? rid : `${rid}.${existing.cutoff}`;
    return { list, entry, changed: false };
  }
  const entry = wanted === null ? rid : `${rid}.${wanted}`;
  const rids = list.rids.filter((e) => splitEntry(e).rid !== rid);
  rids.push(entry);
  // ctr tells caches the list changed (SHC: increases on every update).
  return { list: { ...list, ctr: list.ctr + 1, rids }, entry, changed: true };
}
