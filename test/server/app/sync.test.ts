import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';
import { startTestKiosk } from '../../helpers/kiosk-service.js';
import { KEY_A, startTestStore } from '../history-store/fixtures.js';
import { freePort, pollUntil, storeVisitIds } from '../sync/processes.js';
import { seedKioskDataDir } from '../../../test-support/seed-visits.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await makeTestIssuer({ now: NOW });
});
afterAll(async () => {
  await issuer.cleanup();
});

// The API's JSON answer: the tests assert on its shape, so it is deliberately untyped here.
async function status(url: string): Promise<any> {
  return (await fetch(`${url}/api/status`)).json();
}

describe('sync wired into the kiosk service', () => {
  it('is off without KIOSK_SYNC_URL / KIOSK_SYNC_KEY', async () => {
    const kiosk = await startTestKiosk({ trustFile: issuer.trustFile });
    try {
      const s = await status(kiosk.url);
      expect(s.sync).toEqual({ enabled: false });
      expect(s.warnings).not.toContain('SYNC_BEHIND');
    } finally {
      await kiosk.close();
    }
  });

  it('reports pending visits, the last error and SYNC_BEHIND when the store is unreachable for over an hour', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-sync-'));
    await seedKioskDataDir(dataDir, [{ recordedAt: NOW - 2 * 3_600_000 }, { recordedAt: NOW - 60_000 }]);
    const deadPort = await freePort();
    const kiosk = await startTestKiosk({
      trustFile: issuer.trustFile,
      clock: fixedClock(NOW),
      flags: [
        '--data-dir',
        dataDir,
        '--sync-url',
        `http://127.0.0.1:${deadPort}`,
        '--sync-key',
        'k'.repeat(20),
        '--sync-max-backoff',
        '3600',
      ],
    });
    try {
      const s = await pollUntil(async () => {
        const x = await status(kiosk.url);
        return x.sync.lastError ? x : undefined;
      }, 'a failed attempt');
      expect(s.sync).toMatchObject({
        enabled: true,
        pending: 2,
        parked: 0,
        oldestPendingAgeSec: 7200,
        lastSuccessAt: null,
        lastError: { code: 'STORE_UNREACHABLE' },
      });
      // (state is 'backoff' or, when the jitter drew a tiny wait, already 'sending' again)
      expect(s.warnings).toContain('SYNC_BEHIND');
      // Shutdown does not wait out the backoff.
    } finally {
      await kiosk.close();
    }
  });

  it('counts a backlog left from before a restart before the first status answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-sync-'));
    await seedKioskDataDir(
      dataDir,
      Array.from({ length: 30 }, (_, i) => ({ recordedAt: NOW - 3_600_000 + i })),
    );
    // Nothing listens on port 9 on loopback: the store is down, so nothing drains meanwhile.
    const kiosk = await startTestKiosk({
      trustFile: issuer.trustFile,
      clock: fixedClock(NOW),
      flags: ['--data-dir', dataDir, '--sync-url', 'http://127.0.0.1:9', '--sync-key', KEY_A],
    });
    try {
      expect((await status(kiosk.url)).sync.pending).toBe(30);
    } finally {
      await kiosk.close();
    }
  });

  it('drains a backlog left from before a restart into the store', async () => {
    const store = await startTestStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-sync-'));
    const ids = await seedKioskDataDir(
      dataDir,
      Array.from({ length: 450 }, (_, i) => ({ recordedAt: NOW - 86_400_000 + i })),
    );
    const kiosk = await startTestKiosk({
      trustFile: issuer.trustFile,
      clock: fixedClock(NOW),
      flags: ['--data-dir', dataDir, '--sync-url', store.url, '--sync-key', KEY_A],
    });
    try {
      const s = await pollUntil(async () => {
        const x = await status(kiosk.url);
        return x.sync.pending === 0 && x.sync.state === 'idle' ? x : undefined;
      }, 'drained');
      expect(s.sync).toMatchObject({ pending: 0, parked: 0, lastSuccessAt: new Date(NOW).toISOString(), lastError: null });
      expect((await storeVisitIds(store.url, KEY_A)).sort()).toEqual([...ids].sort());
    } finally {
      await kiosk.close();
      await store.close();
    }
  });
});
