import { describe, expect, it } from 'vitest';
import { emptyCrl, randomRid, withRevocation } from '../../../server/issuer/crl.js';

const KID = 'k'.repeat(43);

describe('withRevocation', () => {
  it('adds a bare rid and bumps ctr', () => {
    const r = withRevocation(emptyCrl(KID), 'abc');
    expect(r).toStrictEqual({ list: { kid: KID, method: 'rid', ctr: 2, rids: ['abc'] }, entry: 'abc', changed: true });
  });

  it('adds rid.<seconds> for cards issued before a time', () => {
    const r = withRevocation(emptyCrl(KID), 'abc', 1_764_000_000);
    expect(r.list.rids).toStrictEqual(['abc.1764000000']);
    expect(r.entry).toBe('abc.1764000000');
  });

  it('keeps one entry per rid: a later cut-off or a bare rid replaces it; less changes nothing', () => {
    let list = withRevocation(emptyCrl(KID), 'abc', 100).list;
    list = withRevocation(list, 'other').list;
    const same = withRevocation(list, 'abc', 50);
    expect(same.changed).toBe(false);
    expect(same.list).toBe(list);
    expect(same.entry).toBe('abc.100');
    const later = withRevocation(list, 'abc', 200);
    expect(later.list.rids).toStrictEqual(['other', 'abc.200']);
    expect(later.list.ctr).toBe(list.ctr + 1);
    const bare = withRevocation(later.list, 'abc');
    expect(bare.list.rids).toStrictEqual(['other', 'abc']);
    expect(withRevocation(bare.list, 'abc', 999).changed).toBe(false);
    expect(withRevocation(bare.list, 'abc').changed).toBe(false);
  });

  it('refuses malformed rids and times with REVOKE_INPUT_INVALID', () => {
    expect(() => withRevocation(emptyCrl(KID), 'a.b')).toThrow(expect.objectContaining({ code: 'REVOKE_INPUT_INVALID' }));
    expect(() => withRevocation(emptyCrl(KID), 'x'.repeat(25))).toThrow(expect.objectContaining({ code: 'REVOKE_INPUT_INVALID' }));
    expect(() => withRevocation(emptyCrl(KID), 'ok', -1)).toThrow(expect.objectContaining({ code: 'REVOKE_INPUT_INVALID' }));
  });

  it('randomRid uses the injected randomness', () => {
    expect(randomRid({ bytes: (n) => Buffer.alloc(n, 0xff) })).toBe('____________');
  });
});
