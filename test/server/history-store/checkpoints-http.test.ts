/**
 * The store's checkpoint routes over HTTP (server/history-store/app.ts), in-process on both
 * backends: POST /v1/checkpoints (answers, refusals as problem+json with the table's status),
 * GET /v1/checkpoints (paging, its query checks), the `bhyt-checkpoint` header of a batch (its
 * answer, and a refused checkpoint never refusing the visits), and the audit side's fetch of the
 * listing (server/anchor/store-checkpoints.ts) against it.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint, publicJwk, signCheckpoint } from '../../../server/anchor/checkpoint.js';
import { fetchStoreCheckpoints, StoreCheckpointError } from '../../../server/anchor/store-checkpoints.js';
import { fixedClock } from '../../../server/clock.js';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import { startHistoryStore, type RunningHistoryStore } from '../../../server/history-store/server.js';
import { createLogger } from '../../../server/logger.js';
import { GENESIS_HASH } from '../../../server/visits/chain.js';
import { CHECKPOINT_HEADER, MAX_CHECKPOINT_PAGE, type ChainHeadClaim, type CheckpointClaims } from '../../../server/wire/checkpoints.js';
import { PROBLEM_STATUS } from '../../../server/wire/problem-codes.js';
import { BACKENDS, KEY_A, KEY_AGENCY, KEY_B, KEYS_JSON, NOW, call, pgCluster, stopPgCluster, visit } from './fixtures.js';

afterAll(stopPgCluster);

const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const thumbA = await jwkThumbprint(publicJwk(keyA));
const thumbB = await jwkThumbprint(publicJwk(keyB));
/** Facility 12001's keys whose kiosk key is registered beforehand (keyB's thumbprint). */
const KEY_REGISTERED = 'test-key-facility-12001-registered';
const KEY_A2 = 'test-key-facility-12001-second-kiosk';
const KEYS = { ...KEYS_JSON, [KEY_REGISTERED]: { facility: '12001', kioskKey: thumbB }, [KEY_A2]: '12001' };

const iso = (ms: number) => new Date(ms).toISOString();
const head = (seq: number, c = String(seq % 10)): ChainHeadClaim =>
  seq === 0 ? { seq: 0, hash: GENESIS_HASH } : { seq, hash: c.repeat(64) };
function claims(v: number, c: number, over: Partial<CheckpointClaims> = {}): CheckpointClaims {
  return { v: 1, facility: '12001', visits: head(v), cardChecks: head(c), signedAt: iso(NOW - 1000), ...over };
}
const sign = (c: CheckpointClaims, k: KeyObject = keyA) => signCheckpoint(c, k);

function problem(code: keyof typeof PROBLEM_STATUS, detail?: string) {
  return {
    type: `urn:bhyt-kiosk:problem:${code}`,
    title: code,
    status: PROBLEM_STATUS[code],
    code,
    ...(detail === undefined ? {} : { detail }),
  };
}

describe.each(BACKENDS)('%s backend', (backend) => {
  let store: RunningHistoryStore;
  let dataDir: string;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'checkpoints-http-'));
    const databaseUrl = backend === 'postgres' ? await (await pgCluster()).createDatabase() : undefined;
    store = await startHistoryStore(
      { port: 0, host: '127.0.0.1', dataDir, databaseUrl, keysFile: '(in memory)', faultPlan: undefined },
      {
        clock: fixedClock(NOW),
        logger: createLogger({ sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), now: () => NOW }),
        keys: ApiKeys.fromJson(KEYS),
      },
    );
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (checkpoint: unknown, key = KEY_A) => call(store.url, '/v1/checkpoints', { key, body: { checkpoint } });
  const list = (query = '', key = KEY_A) => call(store.url, `/v1/checkpoints${query}`, { key });
  async function batch(visits: unknown[], headers: Record<string, string>, key = KEY_A) {
    const res = await fetch(`${store.url}/v1/visits:batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ visits }),
    });
    return { status: res.status, body: await res.json() };
  }

  describe('POST /v1/checkpoints', () => {
    it('200 recorded (the key pinned, logged), then 200 duplicate for the same heads', async () => {
      const jws = await sign(claims(5, 2));
      const first = await post(jws);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toMatch(/^application\/json/);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.body).toEqual({ status: 'recorded' });
      expect(lines.filter((l) => l.code === 'KIOSK_KEY_PINNED')).toEqual([
        expect.objectContaining({ level: 'info', facility: '12001', thumbprint: thumbA, slot: expect.stringMatching(/^[0-9a-f]{32}$/) }),
      ]);
      expect((await post(await sign(claims(5, 2, { signedAt: iso(NOW) })))).body).toEqual({ status: 'duplicate' });
      expect((await post(await sign(claims(6, 2)))).body).toEqual({ status: 'recorded' });
      expect(lines.filter((l) => l.code === 'KIOSK_KEY_PINNED')).toHaveLength(1);
    });

    it('refusals are problem+json with the code and the status of the one table, and are logged as warnings', async () => {
      // KEY_A holds (6, 2) from the test above.
      const cases: Array<[unknown, string, keyof typeof PROBLEM_STATUS, string]> = [
        [await sign(claims(4, 2)), KEY_A, 'CHECKPOINT_ROLLBACK', 'the visit log is at 4, the store holds 6'],
        [await sign(claims(6, 1)), KEY_A, 'CHECKPOINT_ROLLBACK', 'the card-check log is at 1, the store holds 2'],
        [
          await sign({ ...claims(6, 2), visits: head(6, 'f') }),
          KEY_A,
          'CHECKPOINT_FORK',
          'the visit log has another hash at 6 than the store holds',
        ],
        [await sign(claims(7, 2), keyB), KEY_A, 'CHECKPOINT_KEY_MISMATCH', 'signed by another key than the one this API key is pinned to'],
        [await sign(claims(7, 2)), KEY_B, 'CHECKPOINT_FACILITY', "the checkpoint names another facility than the API key's"],
        ['not-a-jws', KEY_A, 'CHECKPOINT_INVALID', 'Not a checkpoint: not a compact JWS.'],
        [undefined, KEY_A, 'CHECKPOINT_INVALID', 'Not a checkpoint: not a compact JWS.'],
        [
          (await sign(claims(7, 2))).slice(0, -4) + 'AAAA',
          KEY_A,
          'CHECKPOINT_INVALID',
          'Not a checkpoint: the signature does not verify with the kiosk key.',
        ],
      ];
      for (const [jws, key, code, detail] of cases) {
        const r = await post(jws, key);
        expect(r.status, code).toBe(PROBLEM_STATUS[code]);
        expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(r.body, detail).toEqual(problem(code, detail));
      }
      expect([PROBLEM_STATUS.CHECKPOINT_ROLLBACK, PROBLEM_STATUS.CHECKPOINT_FORK, PROBLEM_STATUS.CHECKPOINT_KEY_MISMATCH]).toEqual([
        409, 409, 409,
      ]);
      expect([PROBLEM_STATUS.CHECKPOINT_FACILITY, PROBLEM_STATUS.CHECKPOINT_INVALID]).toEqual([403, 400]);
      const warned = lines.filter((l) => l.msg === 'checkpoint refused').map((l) => [l.level, l.code]);
      expect(warned).toEqual(cases.map((c) => ['warn', c[2]]));
      // Nothing refused was kept.
      expect((await list()).body.items.map((i: any) => i.visits.seq)).toEqual([5, 6]);
    });

    it('a key registered beside the API key refuses any other key, even the first time; its own key is recorded', async () => {
      const r = await post(await sign(claims(1, 0), keyA), KEY_REGISTERED);
      expect(r.status).toBe(409);
      expect(r.body).toEqual(problem('CHECKPOINT_KEY_MISMATCH', 'signed by another key than the one this API key is pinned to'));
      expect((await list('', KEY_REGISTERED)).body).toEqual({ kioskKey: null, items: [], next: null });
      expect((await post(await sign(claims(1, 0), keyB), KEY_REGISTERED)).body).toEqual({ status: 'recorded' });
      expect((await list('', KEY_REGISTERED)).body.kioskKey).toEqual({ thumbprint: thumbB, jwk: publicJwk(keyB) });
    });

    it("the agency's key ('*') may not: 403 WRITE_FORBIDDEN; no key: 401", async () => {
      const r = await post(await sign(claims(1, 0)), KEY_AGENCY);
      expect(r.status).toBe(403);
      expect(r.body).toEqual(problem('WRITE_FORBIDDEN', "Checkpoints belong to a kiosk: use the kiosk's own key."));
      expect((await list('', KEY_AGENCY)).body).toEqual(
        problem('WRITE_FORBIDDEN', "Checkpoints belong to a kiosk: use the kiosk's own key."),
      );
      const anon = await call(store.url, '/v1/checkpoints', { body: { checkpoint: 'x' } });
      expect(anon.status).toBe(401);
      expect(anon.body.code).toBe('AUTH_REQUIRED');
    });

    it('a body with an unknown field, or not an object, or not JSON → 400', async () => {
      const jws = await sign(claims(1, 0));
      const unknown = await call(store.url, '/v1/checkpoints', { key: KEY_A2, body: { checkpoint: jws, visits: [] } });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({ ...problem('FIELD_UNKNOWN', 'Unknown field "visits".'), field: 'visits' });
      for (const rawBody of ['[]', '"x"', 'null']) {
        const r = await call(store.url, '/v1/checkpoints', { key: KEY_A2, rawBody });
        expect(r.status, rawBody).toBe(400);
        expect(['BODY_INVALID', 'BODY_NOT_JSON']).toContain(r.body.code);
      }
      const notJson = await call(store.url, '/v1/checkpoints', { key: KEY_A2, rawBody: '{"checkpoint":' });
      expect(notJson.body).toEqual(problem('BODY_NOT_JSON', 'The request body is not valid JSON.'));
      // Nothing was pinned for that key by any of them.
      expect((await list('', KEY_A2)).body.kioskKey).toBeNull();
    });
  });

  describe('GET /v1/checkpoints', () => {
    it("lists the caller's kiosk only, oldest first, with the kiosk key; pages with after/limit", async () => {
      const all = await list();
      expect(all.status).toBe(200);
      expect(all.body.kioskKey).toEqual({ thumbprint: thumbA, jwk: publicJwk(keyA) });
      expect(all.body.next).toBeNull();
      expect(all.body.items).toEqual([
        {
          visits: head(5),
          cardChecks: head(2),
          signedAt: iso(NOW - 1000),
          receivedAt: iso(NOW),
          lastSeenAt: iso(NOW),
          jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        },
        expect.objectContaining({ visits: head(6), cardChecks: head(2) }),
      ]);
      const p1 = await list('?limit=1');
      expect(p1.body.items.map((i: any) => i.visits.seq)).toEqual([5]);
      expect(typeof p1.body.next).toBe('number');
      const p2 = await list(`?after=${p1.body.next}&limit=1`);
      expect(p2.body.items.map((i: any) => i.visits.seq)).toEqual([6]);
      expect(p2.body.next).toBeNull();
      expect((await list(`?limit=${MAX_CHECKPOINT_PAGE}&after=0`)).body.items).toHaveLength(2);
      // Another facility's key: its own (empty) slot.
      expect((await list('', KEY_B)).body).toEqual({ kioskKey: null, items: [], next: null });
    });

    it.each([
      ['?after=-1', 'after'],
      ['?after=x', 'after'],
      ['?after=1.5', 'after'],
      ['?after=1e3', 'after'],
      ['?after=1234567890123456', 'after'],
      ['?after=1&after=2', 'after'],
      ['?limit=0', 'limit'],
      [`?limit=${MAX_CHECKPOINT_PAGE + 1}`, 'limit'],
      ['?limit=x', 'limit'],
      ['?limit=-5', 'limit'],
      ['?limit=12345', 'limit'],
      ['?limit=1&limit=2', 'limit'],
      ['?limit=', 'limit'],
    ])('%s → 400 QUERY_INVALID (field %s)', async (query, field) => {
      const r = await list(query);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'QUERY_INVALID', status: 400, field });
    });
  });

  describe('POST /v1/visits:batch with a bhyt-checkpoint header', () => {
    it('answers `checkpoint: {status}` beside the results; no header, no `checkpoint`', async () => {
      const v1 = visit();
      const plain = await batch([v1], {});
      expect(plain.body).toEqual({ results: [{ id: v1.id, index: 0, status: 'stored' }] });
      const v2 = visit();
      const jws = await sign(claims(8, 2));
      const withHeader = await batch([v2], { [CHECKPOINT_HEADER]: jws });
      expect(withHeader.status).toBe(200);
      expect(withHeader.body).toEqual({ results: [{ id: v2.id, index: 0, status: 'stored' }], checkpoint: { status: 'recorded' } });
      // The header's name is case-insensitive; the same heads again are a duplicate.
      const again = await batch([v2], { 'Bhyt-Checkpoint': jws });
      expect(again.body).toEqual({ results: [{ id: v2.id, index: 0, status: 'duplicate' }], checkpoint: { status: 'duplicate' } });
    });

    it('a refused checkpoint does not refuse the visits: they are stored, the refusal is in the answer', async () => {
      const cases: Array<[string, Record<string, string>]> = [
        ['CHECKPOINT_ROLLBACK', { [CHECKPOINT_HEADER]: await sign(claims(3, 2)) }],
        ['CHECKPOINT_KEY_MISMATCH', { [CHECKPOINT_HEADER]: await sign(claims(9, 2), keyB) }],
        ['CHECKPOINT_INVALID', { [CHECKPOINT_HEADER]: 'garbage' }],
        ['CHECKPOINT_INVALID', { [CHECKPOINT_HEADER]: '' }],
        ['CHECKPOINT_FACILITY', { [CHECKPOINT_HEADER]: await sign(claims(9, 2, { facility: '79002' })) }],
      ];
      const ids: string[] = [];
      for (const [code, headers] of cases) {
        const v = visit();
        ids.push(v.id as string);
        const r = await batch([v], headers);
        expect(r.status, code).toBe(200);
        expect(r.body.results, code).toEqual([{ id: v.id, index: 0, status: 'stored' }]);
        expect(r.body.checkpoint, code).toEqual({ status: 'refused', code, detail: expect.any(String) });
      }
      const page = await call(store.url, '/v1/facilities/12001/visits?limit=1000', { key: KEY_A });
      const stored = new Set(page.body.items.map((i: any) => i.id));
      for (const id of ids) expect(stored.has(id), id).toBe(true);
      // The store kept none of those checkpoints.
      expect((await list()).body.items.map((i: any) => i.visits.seq)).toEqual([5, 6, 8]);
    });

    it('the agency key is refused before any checkpoint is read (403 WRITE_FORBIDDEN)', async () => {
      const r = await batch([visit()], { [CHECKPOINT_HEADER]: await sign(claims(10, 2)) }, KEY_AGENCY);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('WRITE_FORBIDDEN');
    });
  });

  describe('fetchStoreCheckpoints (the audit side) against this store', () => {
    it('fetches every page and verifies each checkpoint against the pinned key', async () => {
      const got = await fetchStoreCheckpoints(store.url, KEY_A);
      expect(got.thumbprint).toBe(thumbA);
      expect(got.items.map((c) => [c.visits.seq, c.cardChecks.seq])).toEqual([
        [5, 2],
        [6, 2],
        [8, 2],
      ]);
      expect(await fetchStoreCheckpoints(store.url, KEY_B)).toEqual({ thumbprint: undefined, items: [] });
    });

    it('a listing that differs from what the kiosk signed (in any head) is STORE_CHECKPOINT_FORGED; a bad key STORE_AUTH_FAILED', async () => {
      const tampered =
        (edit: (item: any) => void): typeof fetch =>
        async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
          const res = await fetch(input, init);
          const body = await res.json();
          edit(body.items[0]);
          return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
        };
      for (const edit of [
        (i: any) => (i.visits.seq = 4),
        (i: any) => (i.visits.hash = 'f'.repeat(64)),
        (i: any) => (i.cardChecks.seq = 3),
        (i: any) => (i.cardChecks.hash = 'f'.repeat(64)),
      ]) {
        const err = await fetchStoreCheckpoints(store.url, KEY_A, { fetchImpl: tampered(edit) }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreCheckpointError);
        expect(err).toMatchObject({
          code: 'STORE_CHECKPOINT_FORGED',
          message: 'a checkpoint the store lists differs from what the kiosk signed',
        });
      }
      const swapped = await fetchStoreCheckpoints(store.url, KEY_A, {
        fetchImpl: tampered((i) => (i.jws = i.jws.replace(/\.[^.]+$/, '.AAAA'))),
      }).catch((e: unknown) => e);
      expect(swapped).toMatchObject({ code: 'STORE_CHECKPOINT_FORGED' });
      await expect(fetchStoreCheckpoints(store.url, 'test-key-that-is-not-registered')).rejects.toMatchObject({
        code: 'STORE_AUTH_FAILED',
      });
    });

    it("a listing whose key is not the one its thumbprint names (another key under the kiosk's thumbprint) is STORE_CHECKPOINT_FORGED", async () => {
      // A store (or anyone between) claiming the kiosk's thumbprint, with its own key and checkpoints it signed itself.
      const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const forged = await sign(claims(99, 99), forger);
      const page = {
        kioskKey: { thumbprint: thumbA, jwk: publicJwk(forger) },
        items: [{ visits: head(99), cardChecks: head(99), signedAt: iso(NOW), receivedAt: iso(NOW), lastSeenAt: iso(NOW), jws: forged }],
        next: null,
      };
      const fake = (body: unknown) => (async () => Response.json(body)) as unknown as typeof fetch;
      await expect(fetchStoreCheckpoints(store.url, KEY_A, { fetchImpl: fake(page) })).rejects.toMatchObject({
        code: 'STORE_CHECKPOINT_FORGED',
        message: 'the kiosk key the store lists is not the key its thumbprint names',
      });
      for (const jwk of [{}, null, { kty: 'EC' }]) {
        await expect(
          fetchStoreCheckpoints(store.url, KEY_A, { fetchImpl: fake({ ...page, kioskKey: { thumbprint: thumbA, jwk } }) }),
        ).rejects.toMatchObject({
          code: 'STORE_CHECKPOINT_FORGED',
        });
      }
      // Honest about the forger's thumbprint: fetched, and the auditor sees a thumbprint that is not the kiosk's.
      const honest = await fetchStoreCheckpoints(store.url, KEY_A, {
        fetchImpl: fake({ ...page, kioskKey: { thumbprint: await jwkThumbprint(publicJwk(forger)), jwk: publicJwk(forger) } }),
      });
      expect(honest.thumbprint).not.toBe(thumbA);
      expect(honest.items.map((c) => c.visits.seq)).toEqual([99]);
    });
  });
});
