/**
 * The store's rule for a new checkpoint (server/anchor/consistency.ts) as a table: what the store
 * holds for each chain, the candidate's heads, the judgement. Each chain is judged on its own.
 */
import { describe, expect, it } from 'vitest';
import { judgeCheckpoint, type HeldChain, type HeldFacts, type Judgement } from '../../../server/anchor/consistency.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import type { ChainHeadClaim, CheckpointClaims } from '../../../server/wire/checkpoints.js';

const h = (c: string) => c.repeat(64);

/** A candidate checkpoint with these two heads. */
function candidate(visits: ChainHeadClaim, cardChecks: ChainHeadClaim): CheckpointClaims {
  return { v: 1, facility: '12001', visits, cardChecks, signedAt: '2026-11-25T02:00:00.000Z' };
}

/**
 * What a store holding `checkpoints` (each a pair of heads) tells the judge about `c`: the same
 * facts both backends' SQL computes (highest seq per chain, the hash at the candidate's seq, an
 * exact pair), so the table reads as "held checkpoints → candidate → judgement".
 */
function factsOf(checkpoints: Array<[ChainHeadClaim, ChainHeadClaim]>, c: CheckpointClaims): HeldFacts {
  const chain = (i: 0 | 1, head: ChainHeadClaim): HeldChain => {
    const held = checkpoints.map((cp) => cp[i]);
    return {
      maxSeq: held.length ? Math.max(...held.map((x) => x.seq)) : undefined,
      hashAtSeq: held.find((x) => x.seq === head.seq)?.hash,
    };
  };
  return {
    visits: chain(0, c.visits),
    cardChecks: chain(1, c.cardChecks),
    exact: checkpoints.some(
      ([v, k]) => v.seq === c.visits.seq && v.hash === c.visits.hash && k.seq === c.cardChecks.seq && k.hash === c.cardChecks.hash,
    ),
  };
}

const G = { seq: 0, hash: GENESIS_HASH };
const V5 = { seq: 5, hash: h('5') };
const V7 = { seq: 7, hash: h('7') };
const V9 = { seq: 9, hash: h('9') };
const C2 = { seq: 2, hash: h('c') };
const C4 = { seq: 4, hash: h('d') };
const C6 = { seq: 6, hash: h('e') };

const recorded: Judgement = { kind: 'recorded' };
const duplicate: Judgement = { kind: 'duplicate' };
const refused = (code: 'CHECKPOINT_ROLLBACK' | 'CHECKPOINT_FORK', detail: string): Judgement => ({ kind: 'refused', code, detail });

const TABLE: Array<[string, Array<[ChainHeadClaim, ChainHeadClaim]>, [ChainHeadClaim, ChainHeadClaim], Judgement]> = [
  ['the first checkpoint', [], [V5, C2], recorded],
  ['the first checkpoint of an empty kiosk', [], [G, G], recorded],
  ['the same heads again (a heartbeat)', [[V5, C2]], [V5, C2], duplicate],
  ['the empty kiosk again', [[G, G]], [G, G], duplicate],
  ['a higher visit seq', [[V5, C2]], [V7, C2], recorded],
  ['a higher card-check seq', [[V5, C2]], [V5, C4], recorded],
  ['both higher', [[V5, C2]], [V7, C4], recorded],
  ['growing from empty', [[G, G]], [V5, C2], recorded],
  [
    'a lower visit seq not held (the visit log cut)',
    [[V7, C2]],
    [V5, C2],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 5, the store holds 7'),
  ],
  [
    'back to empty (the visit log deleted)',
    [[V7, C2]],
    [G, C2],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 0, the store holds 7'),
  ],
  // A log cut back to an old checkpoint is still cut: a lower head is a rollback even when held
  // (an honest kiosk sends one checkpoint at a time, never an older one after a newer one).
  [
    'an older checkpoint held with the same heads, sent after a newer one',
    [
      [V5, C2],
      [V7, C4],
    ],
    [V5, C2],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 5, the store holds 7'),
  ],
  [
    'an old visit head held, with a new card-check head',
    [
      [V5, C2],
      [V7, C2],
    ],
    [V5, C4],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 5, the store holds 7'),
  ],
  [
    'both heads held, from two checkpoints, one of them below the highest',
    [
      [V5, C2],
      [V7, C4],
    ],
    [V7, C2],
    refused('CHECKPOINT_ROLLBACK', 'the card-check log is at 2, the store holds 4'),
  ],
  [
    'both highest heads held, from two checkpoints (a new pair)',
    [
      [V5, C4],
      [V7, C2],
    ],
    [V7, C4],
    recorded,
  ],
  [
    'the latest of several again',
    [
      [V5, C2],
      [V7, C4],
    ],
    [V7, C4],
    duplicate,
  ],
  [
    'another hash at a held visit seq (rewritten)',
    [[V5, C2]],
    [{ seq: 5, hash: h('f') }, C2],
    refused('CHECKPOINT_FORK', 'the visit log has another hash at 5 than the store holds'),
  ],
  [
    'another hash at an older held visit seq',
    [
      [V5, C2],
      [V7, C2],
    ],
    [{ seq: 5, hash: h('f') }, C4],
    refused('CHECKPOINT_FORK', 'the visit log has another hash at 5 than the store holds'),
  ],
  [
    'another hash at a held card-check seq',
    [[V5, C2]],
    [V7, { seq: 2, hash: h('f') }],
    refused('CHECKPOINT_FORK', 'the card-check log has another hash at 2 than the store holds'),
  ],
  [
    'visits fine, the card-check log rolled back',
    [[V5, C4]],
    [V7, C2],
    refused('CHECKPOINT_ROLLBACK', 'the card-check log is at 2, the store holds 4'),
  ],
  [
    'visits fine (held), the card-check log rolled back',
    [[V5, C4]],
    [V5, C2],
    refused('CHECKPOINT_ROLLBACK', 'the card-check log is at 2, the store holds 4'),
  ],
  [
    'card checks fine, the visit log rolled back',
    [[V7, C2]],
    [V5, C4],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 5, the store holds 7'),
  ],
  [
    'both wrong: the visit log is judged first',
    [[V7, C4]],
    [{ seq: 7, hash: h('f') }, C2],
    refused('CHECKPOINT_FORK', 'the visit log has another hash at 7 than the store holds'),
  ],
  [
    'a rollback below a gap in what is held (seq 6 between 5 and 9 is not held)',
    [
      [V5, C2],
      [V9, C6],
    ],
    [{ seq: 6, hash: h('6') }, C6],
    refused('CHECKPOINT_ROLLBACK', 'the visit log is at 6, the store holds 9'),
  ],
];

describe('judgeCheckpoint', () => {
  it.each(TABLE)('%s', (_name, held, [v, c], expected) => {
    const cand = candidate(v, c);
    expect(judgeCheckpoint(cand, factsOf(held, cand))).toEqual(expected);
  });

  it('reads only the heads: facility, signedAt and v play no part', () => {
    const held = [[V5, C2]] as Array<[ChainHeadClaim, ChainHeadClaim]>;
    const a = { ...candidate(V5, C2), signedAt: '2030-01-01T00:00:00.000Z', facility: '79002' };
    expect(judgeCheckpoint(a, factsOf(held, a))).toEqual(duplicate);
  });

  it('the exact flag alone makes a duplicate (it wins over news)', () => {
    const cand = candidate(V7, C4);
    const none = { maxSeq: undefined, hashAtSeq: undefined };
    expect(judgeCheckpoint(cand, { visits: none, cardChecks: none, exact: true })).toEqual(duplicate);
    expect(judgeCheckpoint(cand, { visits: none, cardChecks: none, exact: false })).toEqual(recorded);
  });
});
