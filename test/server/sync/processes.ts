/**
 * Test helper: runs the real kiosk service and the real medical-history store as child processes
 * on 127.0.0.1 (`node --import tsx …`), the way an operator starts them, so tests can cut the
 * network, SIGTERM or SIGKILL them.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { systemClock, systemRandom } from '../../../server/clock.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { hashPassword } from '../../../server/users/password.js';
import { UserRepository } from '../../../server/users/user-repo.js';
import { spawnTsx, type SpawnedTsx } from '../../helpers/spawn-tsx.js';

export interface Child extends SpawnedTsx {
  url: string;
  port: number;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** A port free right now: listen on 0, note it, close. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(everyMs);
  }
}

function spawnNode(script: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Child {
  const spawned = spawnTsx(script, args, env);
  const { proc, exited } = spawned;
  const url = `http://127.0.0.1:${port}`;
  return {
    ...spawned,
    url,
    port,
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

async function waitReady(child: Child, path: string, timeoutMs = 60_000): Promise<void> {
  let exitedEarly = false;
  void child.exited.then(() => (exitedEarly = true));
  await pollUntil(
    async () => {
      if (exitedEarly) throw new Error(`process exited during start:\n${child.output()}`);
      const res = await fetch(child.url + path);
      await res.arrayBuffer();
      return res.ok ? true : undefined;
    },
    `${child.url}${path}`,
    timeoutMs,
    50,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- output ---\n${child.output()}`);
  });
}

export async function startStoreProcess(opts: { port: number; dataDir: string; keysFile: string; faultPlan?: object }): Promise<Child> {
  const args = ['--port', String(opts.port), '--data', opts.dataDir, '--keys', opts.keysFile];
  const child = spawnNode(
    'server/history-store/main.ts',
    args,
    opts.port,
    opts.faultPlan ? { HISTORY_STORE_FAULTS: JSON.stringify(opts.faultPlan) } : {},
  );
  await waitReady(child, '/healthz');
  return child;
}

export async function startKioskProcess(opts: {
  port: number;
  dataDir: string;
  trustFile: string;
  /** Sync to a store (both or neither). */
  syncUrl?: string;
  syncKey?: string;
  flags?: string[];
  /** More environment (e.g. the portal and facility-key settings). */
  env?: NodeJS.ProcessEnv;
}): Promise<Child> {
  const args = [
    '--port',
    String(opts.port),
    '--data-dir',
    opts.dataDir,
    '--trust-file',
    opts.trustFile,
    '--trust-refresh',
    '0',
    '--no-demo-accounts',
    '--facility',
    '12001',
    ...(opts.flags ?? []),
  ];
  // Sync settings through the environment, as a clinic's service unit would set them.
  const sync =
    opts.syncUrl !== undefined && opts.syncKey !== undefined ? { KIOSK_SYNC_URL: opts.syncUrl, KIOSK_SYNC_KEY: opts.syncKey } : {};
  const child = spawnNode('server/main.ts', args, opts.port, { ...sync, ...opts.env });
  await waitReady(child, '/api/status');
  return child;
}

export function writeKeysFile(dir: string, keys: Record<string, string>): string {
  const file = join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return file;
}

/** Creates a receptionist in a kiosk data folder (before the kiosk starts). */
export async function createReceptionist(dataDir: string, username: string, password: string): Promise<void> {
  const { db } = await openKioskDatabase(dataDir, Date.now());
  try {
    await new UserRepository(db, systemClock).create({
      username,
      displayName: 'Lễ tân Kiểm thử',
      cccd: '001090000001',
      role: 'receptionist',
      passwordHash: await hashPassword(password, systemRandom),
    });
  } finally {
    await db.close();
  }
}

export async function kioskStatus(kioskUrl: string): Promise<any> {
  const res = await fetch(`${kioskUrl}/api/status`);
  return res.json();
}

/** Every visit id the store holds for a facility, page by page. */
export async function storeVisitIds(storeUrl: string, key: string, facility = '12001'): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const res: Response = await fetch(`${storeUrl}/v1/facilities/${facility}/visits?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!res.ok) throw new Error(`listing failed: ${res.status}`);
    const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...page.items.map((v) => v.id));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

/** Sums the store's per-batch counts from its log lines ("batch received"). */
export function storeBatchTotals(output: string): {
  batches: number;
  stored: number;
  duplicate: number;
  conflict: number;
  invalid: number;
} {
  const t = { batches: 0, stored: 0, duplicate: 0, conflict: 0, invalid: 0 };
  for (const line of output.split('\n')) {
    if (!line.includes('"batch received"')) continue;
    const o = JSON.parse(line) as Record<string, number>;
    t.batches++;
    t.stored += o.stored ?? 0;
    t.duplicate += o.duplicate ?? 0;
    t.conflict += o.conflict ?? 0;
    t.invalid += o.invalid ?? 0;
  }
  return t;
}
