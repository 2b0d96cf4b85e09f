/**
 * sync.visitsPerSecond: a 20,000-visit backlog (recorded through the visit repository, each with
 * its outbox row, exactly as check-ins leave them) drained by the kiosk's worker into the
 * reference medical-history store, both real processes on 127.0.0.1. Timed from the kiosk's
 * start to the store holding every visit (pending 0 in /api/status).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemRandom } from '../server/clock.js';
import { seedKioskDataDir } from '../test-support/seed-visits.js';
import { freePort, serviceNodeFlags, startProcess } from './processes.js';
import { round } from './stats.js';

const BACKLOG = 20_000;

/** `storeArgs`: the store's database flags (default: SQLite in a fresh folder; the PostgreSQL section passes `--db URL`). */
export async function benchSync(workDir: string, trustFile: string, opts: { name?: string; storeArgs?: string[] } = {}) {
  const name = opts.name ?? 'sync';
  const kioskDir = join(workDir, `kiosk-${name}`);
  const storeDir = join(workDir, name === 'sync' ? 'store' : `store-${name}`);
  const key = 'bench-store-key-' + systemRandom.bytes(16).toString('hex');
  const keysFile = join(workDir, `${name}-store-keys.json`);
  writeFileSync(keysFile, JSON.stringify({ [key]: '12001' }), { mode: 0o600 });
  // Recorded through the visit repository, one transaction each, as check-ins leave them.
  const now = Date.now();
  await seedKioskDataDir(
    kioskDir,
    Array.from({ length: BACKLOG }, (_, i) => ({ recordedAt: now - (BACKLOG - i) * 1000 })),
  );

  const storePort = await freePort();
  const store = await startProcess({
    entry: [
      'dist/server/history-store/main.js',
      '--port',
      String(storePort),
      ...(opts.storeArgs ?? ['--data', storeDir]),
      '--keys',
      keysFile,
    ],
    port: storePort,
    readyPath: '/healthz',
  });
  const kioskPort = await freePort();
  try {
    const t0 = performance.now();
    const kiosk = await startProcess({
      entry: [
        ...serviceNodeFlags(),
        'dist/server/main.js',
        '--port',
        String(kioskPort),
        '--data-dir',
        kioskDir,
        '--trust-file',
        trustFile,
        '--trust-refresh',
        '0',
        '--no-demo-accounts',
      ],
      port: kioskPort,
      readyPath: '/api/status',
      env: { KIOSK_SYNC_URL: store.url, KIOSK_SYNC_KEY: key },
    });
    try {
      const deadline = Date.now() + 240_000;
      for (;;) {
        const s = (await (await fetch(kiosk.url + '/api/status')).json()) as {
          sync?: { pending?: number; parked?: number; state?: string };
        };
        // 'idle' too: while the worker is still 'starting' it has not counted the backlog yet and
        // reports pending 0, which would end the timing before a single visit was sent.
        if (s.sync?.pending === 0 && s.sync.state === 'idle') {
          if (s.sync.parked) throw new Error(`${s.sync.parked} visits parked`);
          break;
        }
        if (Date.now() > deadline) throw new Error(`backlog not drained in time (pending ${s.sync?.pending})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = (performance.now() - t0) / 1000;
      return { backlog: BACKLOG, seconds: round(seconds, 2), visitsPerSecond: round(BACKLOG / seconds) };
    } finally {
      await kiosk.stop();
    }
  } finally {
    await store.stop();
  }
}
