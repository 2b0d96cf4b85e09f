import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, ChainWalker, GENESIS_HASH, type VisitContent, type VisitRow } from '../../../server/visits/chain.js';
import { NO_LATER_COLUMNS } from '../../../server/visits/visit-record.js';
import { UUIDV7_RE, uuidv7, uuidv7Time } from '../../../server/visits/uuidv7.js';
import { cardKey } from '../../../server/visits/card-key.js';
import { visitContent } from '../../helpers/visit-content.js';

function content(seq: number): VisitContent {
  return { seq, ...visitContent(seq, { id: `id-${seq}` }) };
}

function chain(n: number): VisitRow[] {
  const rows: VisitRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const c = content(i);
    const hash = chainHash(prev, c);
    rows.push({ ...NO_LATER_COLUMNS, ...c, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

function walk(rows: VisitRow[]) {
  const w = new ChainWalker();
  for (const r of rows) w.add(r, true);
  return w;
}

describe('hash chain', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: null }], c: 'é' } })).toBe('{"a":{"c":"é","d":[1,{"y":null,"z":1}]},"b":1}');
  });

  it('hash = SHA-256(domain 0 prev 0 canonical content)', () => {
    const c = content(1);
    const expected = createHash('sha256')
      .update(`bhyt-kiosk/visit/v1\0${GENESIS_HASH}\0${canonicalJson(c)}`)
      .digest('hex');
    expect(chainHash(GENESIS_HASH, c)).toBe(expected);
  });

  it('detects a changed, a removed and an inserted row, naming the first broken seq', () => {
    expect(walk(chain(5)).firstBreak).toBeUndefined();
    const changed = chain(5);
    changed[2] = { ...changed[2]!, operator: 'mallory' };
    expect(walk(changed).firstBreak).toMatchObject({ seq: 3, kind: 'HASH_MISMATCH' });
    const removed = chain(5).filter((r) => r.seq !== 2);
    expect(walk(removed).firstBreak).toMatchObject({ seq: 2, kind: 'SEQ_GAP' });
    const relinked = chain(5);
    relinked[3] = { ...relinked[3]!, prev_hash: 'a'.repeat(64) };
    expect(walk(relinked).firstBreak).toMatchObject({ seq: 4, kind: 'PREV_HASH_MISMATCH' });
  });

  it('uuidv7 carries the clock time and the version/variant bits', () => {
    const id = uuidv7(Date.parse('2026-11-25T02:00:00Z'), { bytes: (n) => Buffer.alloc(n, 0xff) });
    expect(id).toMatch(UUIDV7_RE);
    expect(uuidv7Time(id)).toBe(Date.parse('2026-11-25T02:00:00Z'));
  });

  it('card key: card number, else mã số BHXH, else CCCD, else a hash of the QR', () => {
    expect(cardKey({ cardNumber: 'dn4121201234567', maSoBhxh: '1201234567' }, 'q')).toBe('card:DN4121201234567');
    expect(cardKey({ maSoBhxh: '1201234567' }, 'q')).toBe('bhxh:1201234567');
    expect(cardKey({ idNumber: '012090001234' }, 'q')).toBe('cccd:012090001234');
    expect(cardKey(undefined, 'hello')).toMatch(/^qr:[0-9a-f]{64}$/);
  });
});
