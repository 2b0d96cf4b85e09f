/**
 * The visit log's hash chain. Each row's hash covers the previous row's hash and the row's own
 * content, so changing, removing or inserting a row breaks every link after it:
 *
 *   hash = SHA-256( "bhyt-kiosk/visit/v1" 0x00 || prevHash || 0x00 || canonicalJson(content) )
 *
 * `content` is every stored column except `hash` and `prev_hash` (including `seq`), keyed by
 * column name (the column list: server/visits/visit-record.ts); canonical JSON = sorted keys, no
 * whitespace. The genesis prevHash is 64 zeros. The columns added later (migrations 3 and 4:
 * VISIT_LATER_COLUMNS, the portal's answer and the visit category) are left out while NULL, so
 * every row written before them, and every visit without them, hashes exactly as it did before
 * they existed.
 */
import { createHash } from 'node:crypto';
import { VISIT_LATER_COLUMNS, type VisitContent, type VisitRow } from './visit-record.js';

/** The chain's input types live with the column list (visit-record.ts); re-exported for the chain's users. */
export type { VisitContent, VisitRow } from './visit-record.js';

export const CHAIN_DOMAIN = 'bhyt-kiosk/visit/v1';
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level; deterministic for the same value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number in canonical JSON');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function contentOf(row: VisitRow | (VisitContent & { prev_hash?: string; hash?: string })): VisitContent {
  const { prev_hash: _p, hash: _h, ...content } = row as VisitRow;
  void _p;
  void _h;
  return content;
}

/** The content as hashed: the later columns (portal, category) only where they hold a value. */
function hashedContent(content: VisitContent): Record<string, unknown> {
  const out: Record<string, unknown> = { ...content };
  for (const c of VISIT_LATER_COLUMNS) if (out[c] === null || out[c] === undefined) delete out[c];
  return out;
}

export function chainHash(prevHash: string, content: VisitContent): string {
  return createHash('sha256')
    .update(CHAIN_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(prevHash, 'utf8')
    .update(Buffer.from([0]))
    .update(canonicalJson(hashedContent(content)), 'utf8')
    .digest('hex');
}

export type BreakKind = 'SEQ_GAP' | 'PREV_HASH_MISMATCH' | 'HASH_MISMATCH' | 'OUTBOX_MISSING' | 'OUTBOX_ORPHAN';

export interface ChainBreak {
  seq: number;
  kind: BreakKind;
  /** English, for the CLI; the API exposes `kind`. */
  message: string;
}

/**
 * Incremental chain walker: feed rows in ascending seq order. Stops judging after the first
 * break (everything after it is unprovable anyway) but keeps counting.
 */
export class ChainWalker {
  count = 0;
  headHash = GENESIS_HASH;
  headSeq = 0;
  firstBreak: ChainBreak | undefined;

  add(row: VisitRow, hasOutbox: boolean): void {
    this.count++;
    if (!this.firstBreak) {
      const expectedSeq = this.headSeq + 1;
      if (row.seq > expectedSeq && row.prev_hash !== this.headHash) {
        // Rows are missing and this one links to something that is gone: rows were removed.
        this.firstBreak = {
          seq: expectedSeq,
          kind: 'SEQ_GAP',
          message: `row${row.seq - expectedSeq > 1 ? `s ${expectedSeq}–${row.seq - 1}` : ` ${expectedSeq}`} missing (removed from the log)`,
        };
      } else if (row.seq !== expectedSeq) {
        // Links to the current head but carries the wrong number: inserted with a forged seq.
        this.firstBreak = {
          seq: row.seq,
          kind: 'SEQ_GAP',
          message: `row ${row.seq} is out of sequence (expected ${expectedSeq}): inserted outside the kiosk`,
        };
      } else if (row.prev_hash !== this.headHash) {
        this.firstBreak = {
          seq: row.seq,
          kind: 'PREV_HASH_MISMATCH',
          message: `row ${row.seq} does not link to row ${this.headSeq} (a row before it was removed, replaced or inserted)`,
        };
      } else if (chainHash(row.prev_hash, contentOf(row)) !== row.hash) {
        this.firstBreak = {
          seq: row.seq,
          kind: 'HASH_MISMATCH',
          message: `row ${row.seq} content does not match its hash (row changed or inserted outside the kiosk)`,
        };
      } else if (row.verdict !== 'rejected' && !hasOutbox) {
        // The kiosk writes the outbox row in the same transaction as every non-rejected visit.
        this.firstBreak = {
          seq: row.seq,
          kind: 'OUTBOX_MISSING',
          message: `row ${row.seq} has no sync record (inserted outside the kiosk)`,
        };
      }
    }
    this.headSeq = row.seq;
    this.headHash = row.hash;
  }
}

export interface IntegrityReport {
  intact: boolean;
  count: number;
  headSeq: number;
  headHash: string;
  firstBrokenSeq?: number;
  problem?: BreakKind | 'TRIGGERS_MISSING';
  message?: string;
}
