/**
 * A kiosk database in a temp dir (every migration), the REAL reference portal on 127.0.0.1:0
 * with the portal tests' people, and a CardCheckService wired to both on a frozen clock. The
 * portal's latency can be held (`holdPortal`) and released, and the service's waits expired by
 * hand, so no test waits for real time.
 */
import { manualSleep } from '../../helpers/manual-sleep.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { CardCheckQueries } from '../../../server/card-checks/card-check-queries.js';
import { CardCheckRepository } from '../../../server/card-checks/card-check-repo.js';
import { RecheckRepository } from '../../../server/card-checks/recheck-repo.js';
import { CardCheckService, type CardCheckOperator } from '../../../server/card-checks/service.js';
import { fixedClock } from '../../../server/clock.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { createLogger } from '../../../server/logger.js';
import type { PortalClient } from '../../../server/portal/client.js';
import type { PortalClientOptions } from '../../../server/portal/options.js';
import { startPortal, type RunningPortal } from '../../../server/reference-portal/server.js';
import type { TrustSnapshot } from '../../../server/trust/types.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';
import { OPERATOR, PEOPLE, PORTAL_NOW, TOKEN_TTL_S, counterRandom, makeClient, writePeople } from '../portal/fixtures.js';

export { PEOPLE, PORTAL_NOW, OPERATOR, manualSleep };

export const RECEPTIONIST: CardCheckOperator = { username: 'le.tan', displayName: OPERATOR.name, cccd: OPERATOR.cccd };
export const NO_CCCD: CardCheckOperator = { username: 'no.cccd', displayName: OPERATOR.name, cccd: null };

/** Lets the event loop run until `cond` holds (bounded: no timers, no real waiting). */
export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

export interface TestPortal {
  portal: RunningPortal;
  /** From now on every portal call waits until `release()`. */
  hold(): void;
  /** Lets every held call go on, and the next ones through at once. */
  release(): void;
  /** Calls waiting on the hold. */
  held(): number;
  close(): Promise<void>;
}

export async function startHeldPortal(): Promise<TestPortal> {
  const dir = mkdtempSync(join(tmpdir(), 'card-checks-portal-'));
  writePeople(dir);
  let waiting: Array<() => void> = [];
  const portal = await startPortal(testPortalConfig(dir, { tokenTtlSeconds: TOKEN_TTL_S }), {
    clock: fixedClock(PORTAL_NOW),
    logger: createLogger({ sink: () => undefined }),
    // The injected latency: a held portal answers when released, never after real time.
    sleep: () => new Promise<void>((resolve) => waiting.push(resolve)),
  });
  const release = () => {
    portal.control.setFaults({ latency: 0 });
    const w = waiting;
    waiting = [];
    for (const r of w) r();
  };
  return {
    portal,
    hold: () => void portal.control.setFaults({ latency: 1 }),
    release,
    held: () => waiting.length,
    async close() {
      release();
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Kiosk {
  dir: string;
  db: Database;
  repo: CardCheckRepository;
  queries: CardCheckQueries;
  rechecks: RecheckRepository;
  clock: ReturnType<typeof fixedClock>;
  client: PortalClient;
  lines: string[];
  waits: ReturnType<typeof manualSleep>;
  service(opts?: { client?: PortalClient | null; deskId?: string; checkInWindowMs?: number }): CardCheckService;
  close(): Promise<void>;
}

export const localVerifier = {
  verifyAsync: (qr: string) => Promise.resolve(verifyQr(qr, { trust: {} as TrustSnapshot, now: PORTAL_NOW, policy: DEFAULT_POLICY })),
};

export async function openKiosk(portalUrl: string, clientOpts: Partial<PortalClientOptions> = {}, dir?: string): Promise<Kiosk> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'card-checks-'));
  const { db } = await openKioskDatabase(dataDir, PORTAL_NOW);
  const repo = new CardCheckRepository(db);
  const queries = new CardCheckQueries(db);
  const rechecks = new RecheckRepository(db);
  const clock = fixedClock(PORTAL_NOW);
  const lines: string[] = [];
  const { client } = makeClient(portalUrl, lines, { maxAttempts: 2, ...clientOpts });
  const waits = manualSleep();
  const services: CardCheckService[] = [];
  const random = counterRandom();
  return {
    dir: dataDir,
    db,
    repo,
    queries,
    rechecks,
    clock,
    client,
    lines,
    waits,
    service(opts = {}) {
      const s = new CardCheckService({
        repo,
        verifier: localVerifier,
        client: opts.client === null ? undefined : (opts.client ?? client),
        clock,
        random,
        logger: createLogger({ sink: (l) => lines.push(l), now: () => PORTAL_NOW }),
        facility: '12001',
        deskId: opts.deskId ?? 'desk-1',
        sleep: waits.sleep,
        ...(opts.checkInWindowMs !== undefined ? { checkInWindowMs: opts.checkInWindowMs } : {}),
      });
      services.push(s);
      return s;
    },
    async close() {
      for (const s of services) await s.close();
      await db.close();
      if (dir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
