import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { issuerPaths } from '../../../server/issuer/layout.js';
import { rotateIssuerKey } from '../../../server/issuer/rotate.js';
import { revokeRid } from '../../../server/issuer/issuer-dir.js';
import { silentLogger } from '../../../server/logger.js';
import { loadStartupTrust } from '../../../server/trust/refresh/cache-file.js';
import { makeRefreshWorld, rawServer, T0, type RefreshWorld } from './refresh-fixture.js';

let world: RefreshWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

describe('trust refresh from a real issuer server', () => {
  it('confirms unchanged content with conditional requests (304) and marks the lists fresh', async () => {
    world = await makeRefreshWorld();
    const first = await world.refresher.refreshNow();
    expect(first).toMatchObject({ ok: true, changed: false, issuers: 1, persisted: true });
    world.clock.advance(3600_000);
    const second = await world.refresher.refreshNow();
    expect(second).toMatchObject({ ok: true, changed: false });
    expect(world.holder.current.crlCheckedAt).toBe(T0 + 3600_000);
    // Content did not change, so its update time did not either (CLOCK_SUSPECT judges by it).
    expect(world.holder.current.updatedAt).toBe(T0);
    expect(world.holder.state.lastSuccessAt).toBe(T0 + 3600_000);
    expect(world.holder.state.lastError).toBeUndefined();
    const cache = await readJson(world.cacheFile);
    const etags = (cache.refreshState as { etags: Record<string, Record<string, string>> }).etags;
    expect(Object.keys(etags[world.issuer.iss]!)).toHaveLength(2); // jwks + the key's list
  });

  it('revocation: a card verifies; the issuer revokes it; after a refresh the card is REVOKED', async () => {
    world = await makeRefreshWorld();
    const card = await world.issuer.issue({}, { rid: 'lostPhone1' });
    expect(world.verify(card.qrText).verdict).toBe('accepted');
    await revokeRid(world.issuer.issuerDir, { rid: 'lostPhone1', now: T0, kid: world.issuer.kid });
    // Nothing changes at scan time: the kiosk never asks the network while verifying.
    expect(world.verify(card.qrText).verdict).toBe('accepted');
    const outcome = await world.refresher.refreshNow();
    expect(outcome).toMatchObject({ ok: true, changed: true });
    const result = world.verify(card.qrText);
    expect(result.verdict).toBe('rejected');
    expect(result.reasons.map((r) => r.code)).toContain('REVOKED');
    expect(world.holder.current.updatedAt).toBe(T0);
  });

  it('rotation: old-key and new-key cards verify after a refresh; an old-key card issued after retirement is KEY_INACTIVE', async () => {
    world = await makeRefreshWorld();
    const oldCard = await world.issuer.issue({}, { now: T0 - 3600_000 });
    const rotatedAt = T0 - 1800_000;
    const { newKid, retiredKids } = await rotateIssuerKey(world.issuer.issuerDir, { now: rotatedAt });
    expect(retiredKids).toEqual([world.issuer.kid]);
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true, changed: true });
    expect(world.holder.current.keysByKid.get(world.issuer.kid)!.exp).toBe(Math.floor(rotatedAt / 1000));

    const newCard = await world.issuer.issue({}, { kid: newKid });
    const lateOldCard = await world.issuer.issue({}, { kid: world.issuer.kid, now: T0 - 60_000 });
    expect(world.verify(oldCard.qrText).verdict).toBe('accepted');
    expect(world.verify(newCard.qrText).verdict).toBe('accepted');
    const late = world.verify(lateOldCard.qrText);
    expect(late.verdict).toBe('rejected');
    expect(late.code).toBe('KEY_INACTIVE');
  });

  it('a clock that jumped back never moves the store times backwards (CLOCK_SUSPECT stays visible)', async () => {
    world = await makeRefreshWorld();
    world.clock.set(T0 - 86_400_000);
    await revokeRid(world.issuer.issuerDir, { rid: 'r9', now: T0, kid: world.issuer.kid });
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true, changed: true });
    expect(world.holder.current.updatedAt).toBe(T0);
    expect(world.holder.current.crlCheckedAt).toBe(T0);
  });

  it('writes the refreshed store to disk and starts from it (offline) while the trust file is unchanged', async () => {
    world = await makeRefreshWorld();
    const card = await world.issuer.issue({}, { rid: 'gone1' });
    await revokeRid(world.issuer.issuerDir, { rid: 'gone1', now: T0, kid: world.issuer.kid });
    await world.refresher.refreshNow();
    await world.server.close(); // offline from here on

    const restarted = await loadStartupTrust({ trustFile: world.trustFile, cacheFile: world.cacheFile, logger: silentLogger });
    expect(restarted.fromCache).toEqual([world.issuer.iss]);
    expect(restarted.snapshot.issuers.get(world.issuer.iss)!.crl.get(world.issuer.kid)!.rids.has('gone1')).toBe(true);
    expect(restarted.etags.get(world.issuer.iss)?.size).toBe(2);

    // An operator's edit of that issuer's entry wins over the cache.
    const file = await readJson(world.trustFile);
    (file.issuers as Record<string, unknown>[])[0]!.name = 'Renamed by the operator';
    await writeFile(world.trustFile, JSON.stringify(file));
    const edited = await loadStartupTrust({ trustFile: world.trustFile, cacheFile: world.cacheFile, logger: silentLogger });
    expect(edited.fromCache).toEqual([]);
    expect(edited.snapshot.issuers.get(world.issuer.iss)!.crl.get(world.issuer.kid)!.rids.has('gone1')).toBe(false);
    void card;
  });

  it('a broken cache file is ignored: the kiosk starts from the trust file', async () => {
    world = await makeRefreshWorld();
    await world.refresher.refreshNow();
    await writeFile(world.cacheFile, '{"half a fi');
    const restarted = await loadStartupTrust({ trustFile: world.trustFile, cacheFile: world.cacheFile, logger: silentLogger });
    expect(restarted.fromCache).toEqual([]);
    expect(restarted.snapshot.keysByKid.has(world.issuer.kid)).toBe(true);
  });
});

describe('refused updates keep the last good trust store', () => {
  async function expectRefused(w: RefreshWorld, code: string): Promise<void> {
    const before = w.holder.current;
    const outcome = await w.refresher.refreshNow();
    expect(outcome.ok).toBe(false);
    expect(outcome.refusedBecause).toBe(code);
    expect(outcome.problems!.length).toBeGreaterThan(0);
    expect(w.holder.current).toBe(before);
    expect(w.holder.state.lastError).toMatchObject({ at: T0, code });
    expect(w.logs.some((l) => l.level === 'warn' && l.fields?.code === code)).toBe(true);
  }

  it('the issuer is down: TRUST_FETCH_FAILED', async () => {
    world = await makeRefreshWorld();
    await world.server.close();
    await expectRefused(world, 'TRUST_FETCH_FAILED');
  });

  it('the issuer is slow: the request times out (TRUST_FETCH_FAILED)', async () => {
    const hang = await rawServer(() => {
      /* never answers */
    });
    try {
      world = await makeRefreshWorld({ refreshUrl: () => hang.url, refresher: { timeoutMs: 200 } });
      await expectRefused(world, 'TRUST_FETCH_FAILED');
      expect(world.holder.state.lastError!.problems[0]).toMatch(/no answer within 200 ms/);
    } finally {
      await hang.close();
    }
  });

  it('the issuer answers 500: TRUST_FETCH_FAILED', async () => {
    const broken = await rawServer((_req, res) => res.writeHead(500).end('oops'));
    try {
      world = await makeRefreshWorld({ refreshUrl: () => broken.url });
      await expectRefused(world, 'TRUST_FETCH_FAILED');
    } finally {
      await broken.close();
    }
  });

  it('a response over the size cap: TRUST_UPDATE_INVALID', async () => {
    world = await makeRefreshWorld({ refresher: { maxJwksBytes: 100 } });
    await expectRefused(world, 'TRUST_UPDATE_INVALID');
  });

  it('a plain-http refreshUrl off this machine is never fetched', async () => {
    world = await makeRefreshWorld({ refreshUrl: () => 'http://issuer.example.vn' });
    await expectRefused(world, 'TRUST_UPDATE_INVALID');
  });

  type Jwks = { keys: Record<string, unknown>[] };
  const garbage: [string, (jwks: Jwks) => string][] = [
    ['bad JSON', () => '{"keys": [ {"kty": "EC", '],
    ['not a JWKS', () => '[1,2,3]'],
    ['a private member d', (j) => JSON.stringify({ keys: j.keys.map((k) => ({ ...k, d: 'c2VjcmV0' })) })],
    ['a wrong curve', (j) => JSON.stringify({ keys: j.keys.map((k) => ({ ...k, crv: 'P-384' })) })],
    ['a wrong key type', (j) => JSON.stringify({ keys: j.keys.map((k) => ({ ...k, kty: 'RSA' })) })],
    ['a kid that is not the thumbprint', (j) => JSON.stringify({ keys: j.keys.map((k) => ({ ...k, kid: 'A'.repeat(43) })) })],
    ['duplicate kids', (j) => JSON.stringify({ keys: [...j.keys, ...j.keys] })],
  ];
  it.each(garbage)('the issuer serves a JWKS with %s: TRUST_UPDATE_INVALID', async (_what, mutate) => {
    world = await makeRefreshWorld();
    const path = issuerPaths(world.issuer.issuerDir).jwks;
    await writeFile(path, mutate(JSON.parse(await readFile(path, 'utf8')) as Jwks));
    await expectRefused(world, 'TRUST_UPDATE_INVALID');
    expect(world.holder.current.keysByKid.has(world.issuer.kid)).toBe(true);
  });

  it('an unparsable revocation list: TRUST_UPDATE_INVALID', async () => {
    world = await makeRefreshWorld();
    await writeFile(
      issuerPaths(world.issuer.issuerDir).crl(world.issuer.kid),
      JSON.stringify({ kid: world.issuer.kid, method: 'rid', ctr: 'seven', rids: [] }),
    );
    await expectRefused(world, 'TRUST_UPDATE_INVALID');
  });

  it('a revocation list whose counter went backwards: CRL_COUNTER_ROLLBACK', async () => {
    world = await makeRefreshWorld();
    await revokeRid(world.issuer.issuerDir, { rid: 'r1', now: T0, kid: world.issuer.kid });
    await revokeRid(world.issuer.issuerDir, { rid: 'r2', now: T0, kid: world.issuer.kid });
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true, changed: true });
    const path = issuerPaths(world.issuer.issuerDir).crl(world.issuer.kid);
    const list = JSON.parse(await readFile(path, 'utf8')) as { ctr: number; rids: string[] };
    // An old copy of the list, e.g. from a stale mirror: r2 would be admitted again.
    await writeFile(path, JSON.stringify({ ...list, ctr: list.ctr - 1, rids: ['r1'] }));
    await expectRefused(world, 'CRL_COUNTER_ROLLBACK');
    expect(world.holder.current.issuers.get(world.issuer.iss)!.crl.get(world.issuer.kid)!.rids.has('r2')).toBe(true);
  });

  it('a revocation list that disappears (404) while its key stays: CRL_COUNTER_ROLLBACK', async () => {
    world = await makeRefreshWorld();
    const { rm } = await import('node:fs/promises');
    await rm(issuerPaths(world.issuer.issuerDir).crl(world.issuer.kid));
    await expectRefused(world, 'CRL_COUNTER_ROLLBACK');
  });

  it('a revocation list changed without bumping its counter: CRL_CHANGED_WITHOUT_COUNTER', async () => {
    world = await makeRefreshWorld();
    const path = issuerPaths(world.issuer.issuerDir).crl(world.issuer.kid);
    const list = JSON.parse(await readFile(path, 'utf8')) as { rids: string[] };
    await writeFile(path, JSON.stringify({ ...list, rids: ['sneaky'] }));
    await expectRefused(world, 'CRL_CHANGED_WITHOUT_COUNTER');
  });

  it('a key that was revoked cannot be un-revoked by a refresh: KEY_UNREVOKED', async () => {
    world = await makeRefreshWorld();
    const path = issuerPaths(world.issuer.issuerDir).jwks;
    const jwks = JSON.parse(await readFile(path, 'utf8')) as Jwks;
    await writeFile(path, JSON.stringify({ keys: jwks.keys.map((k) => ({ ...k, revoked: true })) }));
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true, changed: true });
    await writeFile(path, JSON.stringify(jwks));
    await expectRefused(world, 'KEY_UNREVOKED');
  });

  it('a key dropped from the JWKS is accepted and logged', async () => {
    world = await makeRefreshWorld();
    const { newKid } = await rotateIssuerKey(world.issuer.issuerDir, { now: T0 - 1000 });
    await world.refresher.refreshNow();
    const path = issuerPaths(world.issuer.issuerDir).jwks;
    const jwks = JSON.parse(await readFile(path, 'utf8')) as Jwks;
    await writeFile(path, JSON.stringify({ keys: jwks.keys.filter((k) => k.kid === newKid) }));
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true, changed: true });
    expect(world.holder.current.keysByKid.has(world.issuer.kid)).toBe(false);
    expect(world.logs.some((l) => l.fields?.code === 'TRUST_KEY_REMOVED' && l.fields.kid === world!.issuer.kid)).toBe(true);
  });

  it('a later good refresh clears the refusal', async () => {
    world = await makeRefreshWorld();
    const path = issuerPaths(world.issuer.issuerDir).jwks;
    const good = await readFile(path);
    await writeFile(path, 'garbage');
    await expectRefused(world, 'TRUST_UPDATE_INVALID');
    await writeFile(path, good);
    expect(await world.refresher.refreshNow()).toMatchObject({ ok: true });
    expect(world.holder.state.lastError).toBeUndefined();
  });

  it('logs carry no card or key material', async () => {
    world = await makeRefreshWorld();
    const path = issuerPaths(world.issuer.issuerDir).jwks;
    const jwks = JSON.parse(await readFile(path, 'utf8')) as Jwks;
    await writeFile(path, JSON.stringify({ keys: jwks.keys.map((k) => ({ ...k, d: 'c2VjcmV0LXByaXZhdGU' })) }));
    await world.refresher.refreshNow();
    expect(JSON.stringify(world.logs)).not.toContain('c2VjcmV0LXByaXZhdGU');
  });
});

describe('scheduling', () => {
  it('runs shortly after start and again on the interval; close() stops it', async () => {
    world = await makeRefreshWorld();
    const r = await world.newRefresher();
    r.start({ intervalMs: 50, firstDelayMs: 10 });
    for (
      let i = 0;
      i < 200 &&
      (world.holder.state.lastSuccessAt === undefined || world.logs.filter((l) => l.fields?.code === 'TRUST_CONFIRMED').length < 2);
      i++
    ) {
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(world.logs.filter((l) => l.fields?.code === 'TRUST_CONFIRMED').length).toBeGreaterThanOrEqual(2);
    await r.close();
    const after = await r.refreshNow();
    expect(after.ok).toBe(false);
  });

  it('concurrent refreshes join one run', async () => {
    world = await makeRefreshWorld();
    const [a, b] = await Promise.all([world.refresher.refreshNow(), world.refresher.refreshNow()]);
    expect(a).toBe(b);
  });
});
