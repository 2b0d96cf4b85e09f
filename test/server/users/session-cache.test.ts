/**
 * Session lookups from memory: invalidated by this process's logout / disable / passwd at once,
 * bounded by a short TTL for changes made by another process (the `user` CLI), never beyond the
 * session's own expiry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { SessionCache } from '../../../server/users/session-cache.js';
import { UserRepository } from '../../../server/users/user-repo.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const dbs: Database[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(ttlMs = 10_000) {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-sessions-'));
  dirs.push(dir);
  const clock = fixedClock(NOW);
  const { db } = await openKioskDatabase(dir, NOW);
  dbs.push(db);
  const users = new UserRepository(db, clock, { sessionCacheTtlMs: ttlMs });
  const u = await users.create({ username: 'thu-ngan', displayName: 'Thu', role: 'receptionist', passwordHash: 'x' });
  await users.createSession('t1', u.id, NOW + 3600_000);
  await users.createSession('t2', u.id, NOW + 3600_000);
  // The `user` CLI: another connection, another repository (no shared cache).
  const { db: cliDb } = await openKioskDatabase(dir, NOW);
  dbs.push(cliDb);
  const cli = new UserRepository(cliDb, clock);
  return { db, clock, users, cli };
}

describe('session cache', () => {
  it('serves a found session from memory (no database job) until its TTL', async () => {
    const { db, users } = await setup();
    expect((await users.userForSession('t1'))?.user.username).toBe('thu-ngan');
    dbs.splice(dbs.indexOf(db), 1);
    await db.close(); // any database use would now fail
    expect((await users.userForSession('t1'))?.user.username).toBe('thu-ngan');
  });

  it('logout, disable and passwd in this process end cached sessions at once', async () => {
    const { users } = await setup();
    await users.userForSession('t1');
    await users.userForSession('t2');
    await users.deleteSession('t1');
    expect(await users.userForSession('t1')).toBeUndefined();
    expect(await users.userForSession('t2')).toBeDefined();
    await users.setPasswordHash('thu-ngan', 'y');
    expect(await users.userForSession('t2')).toBeUndefined();

    const { users: u2 } = await setup();
    await u2.userForSession('t1');
    await u2.disable('thu-ngan');
    expect(await u2.userForSession('t1')).toBeUndefined();
  });

  it('a change by another process (the CLI) is seen after at most the TTL', async () => {
    const { users, cli, clock } = await setup(10_000);
    await users.userForSession('t1');
    expect(await cli.disable('thu-ngan')).toBe(true);
    clock.advance(9_999);
    expect(await users.userForSession('t1')).toBeDefined(); // the documented staleness
    clock.advance(1);
    expect(await users.userForSession('t1')).toBeUndefined();
  });

  it('never outlives the session itself; unknown tokens are not cached', async () => {
    const { users, clock } = await setup(60_000);
    const u = (await users.find('thu-ngan'))!;
    await users.createSession('short', u.id, NOW + 5_000);
    expect(await users.userForSession('short')).toBeDefined();
    clock.advance(5_000);
    expect(await users.userForSession('short')).toBeUndefined();
    expect(await users.userForSession('nope')).toBeUndefined();
    expect(users.sessions.size).toBe(0);
  });

  it('a lookup already under way when a session ends does not re-cache it', async () => {
    const { users } = await setup();
    const inFlight = users.userForSession('t1'); // queued before the logout
    const logout = users.deleteSession('t1');
    expect(await inFlight).toBeDefined(); // it read the session before the DELETE ran
    await logout;
    expect(await users.userForSession('t1')).toBeUndefined();
  });

  it('is bounded in size (oldest entry evicted) and can be switched off', () => {
    const clock = fixedClock(NOW);
    const c = new SessionCache(clock, 10_000, 2);
    const user = {
      id: 1,
      username: 'a',
      displayName: 'A',
      cccd: null,
      role: 'receptionist' as const,
      disabled: false,
      createdAt: 0,
      updatedAt: 0,
    };
    for (const t of ['x', 'y', 'z']) c.set(t, { user, expiresAt: NOW + 1e6 }, c.generation);
    expect([c.get('x'), c.get('y'), c.get('z')].map(Boolean)).toEqual([false, true, true]);
    const off = new SessionCache(clock, 0);
    off.set('x', { user, expiresAt: NOW + 1e6 }, off.generation);
    expect(off.get('x')).toBeUndefined();
  });
});
