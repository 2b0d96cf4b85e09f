/**
 * #13: while demo keys are in use the demo trust stays current for as long as the service runs.
 * With a frozen clock: the data folder's demo trust is written at start; days later (past the
 * 7-day maximum age) the renewer has rewritten it each day and the watcher taken it in, so the
 * trust in force is never TRUST_STALE; a real trust file is never touched. Every step on the
 * injected clock; timers are vitest's fake ones (no waiting).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import {
  DEFAULT_DEMO_TRUST_FILE,
  demoTrustFile,
  isDemoTrustFile,
  renewDemoTrust,
  resolveTrustFile,
} from '../../../server/issuer/demo-state.js';
import { silentLogger } from '../../../server/logger.js';
import { projectRoot } from '../../../server/project-root.js';
import { DemoTrustRenewer } from '../../../server/trust/demo-trust-renewer.js';
import { loadStartupTrust, trustCachePath } from '../../../server/trust/refresh/cache-file.js';
import { TrustFileWatcher } from '../../../server/trust/trust-file-watcher.js';
import { TrustHolder } from '../../../server/trust/trust-holder.js';

const ROOT = projectRoot();
const DAY = 86_400_000;
const MAX_AGE = 7 * DAY;
const START = Date.parse('2026-11-25T02:00:00Z');

let tmp: string | undefined;
afterEach(() => {
  vi.useRealTimers();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function running(data: string, clock: ReturnType<typeof fixedClock>) {
  const trustFile = await resolveTrustFile({ trustFile: join(ROOT, DEFAULT_DEMO_TRUST_FILE), dataDir: data, root: ROOT, now: clock.now() });
  const startup = await loadStartupTrust({ trustFile, cacheFile: trustCachePath(data), logger: silentLogger });
  const holder = new TrustHolder(startup.snapshot);
  const watcher = new TrustFileWatcher({
    trustFile,
    cacheFile: trustCachePath(data),
    holder,
    clock,
    logger: silentLogger,
    baseDigests: startup.baseDigests,
  });
  const renewer = new DemoTrustRenewer({
    clock,
    logger: silentLogger,
    confirmedAt: () => holder.current.crlCheckedAt,
    renew: (now) => renewDemoTrust(data, now),
    reload: () => watcher.reload(),
  });
  return { trustFile, holder, watcher, renewer };
}

describe('the demo trust, renewed while the service runs', () => {
  it('renewed once a day has passed, taken in by the watcher: two weeks on, never older than the maximum age', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'demo-renew-'));
    const data = join(tmp, 'data');
    const clock = fixedClock(START);
    const { trustFile, holder, watcher, renewer } = await running(data, clock);
    expect(isDemoTrustFile(trustFile, data)).toBe(true);
    expect(holder.current.crlCheckedAt).toBe(START);

    // Not yet due: nothing written.
    clock.advance(DAY - 1000);
    expect(await renewer.tick()).toBe(false);
    expect(JSON.parse(readFileSync(trustFile, 'utf8')).updatedAt).toBe(new Date(START).toISOString());

    // Every hour's look for two weeks: renewed each day; the trust in force is never stale.
    for (let hour = 0; hour < 14 * 24; hour++) {
      clock.advance(3_600_000);
      await renewer.tick();
      expect(clock.now() - holder.current.crlCheckedAt, `hour ${hour}`).toBeLessThan(MAX_AGE);
      expect(clock.now() - holder.current.crlCheckedAt, `hour ${hour}`).toBeLessThanOrEqual(DAY);
    }
    const file = JSON.parse(readFileSync(trustFile, 'utf8')) as { updatedAt: string };
    expect(Date.parse(file.updatedAt)).toBe(holder.current.crlCheckedAt);
    expect(holder.current.issuers.size).toBe(1);
    await renewer.close();
    await watcher.close();
  });

  it('started, its timer looks every hour on its own (fake timers, the frozen clock moved by hand)', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'demo-renew-'));
    const data = join(tmp, 'data');
    const clock = fixedClock(START);
    const { holder, watcher, renewer } = await running(data, clock);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    renewer.start();
    clock.advance(8 * DAY); // the service ran on, past the maximum age
    await vi.advanceTimersByTimeAsync(3_600_000);
    await renewer.tick(); // joins the timer's renewal if still running
    expect(holder.current.crlCheckedAt).toBe(START + 8 * DAY);
    await renewer.close();
    await watcher.close();
  });

  it('a renewal that fails is logged and tried again; the trust in force stays', async () => {
    const clock = fixedClock(START);
    const warned: string[] = [];
    let fail = true;
    let confirmed = START;
    const renewer = new DemoTrustRenewer({
      clock,
      logger: { ...silentLogger, warn: (_m, f) => warned.push(String(f?.code)) },
      confirmedAt: () => confirmed,
      renew: (now) =>
        fail ? Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })) : Promise.resolve((confirmed = now)),
      reload: () => Promise.resolve(),
    });
    clock.advance(2 * DAY);
    expect(await renewer.tick()).toBe(false);
    expect(warned).toStrictEqual(['DEMO_TRUST_RENEW_FAILED']);
    fail = false;
    expect(await renewer.tick()).toBe(true);
    expect(confirmed).toBe(START + 2 * DAY);
  });

  it('only the data folder’s demo trust is renewed, never a trust file of the operator', () => {
    expect(isDemoTrustFile('/srv/kiosk/data/demo-trust.json', '/srv/kiosk/data')).toBe(true);
    expect(isDemoTrustFile(demoTrustFile('/srv/kiosk/data'), '/srv/kiosk/data')).toBe(true);
    expect(isDemoTrustFile('/etc/bhyt-kiosk/trust.json', '/srv/kiosk/data')).toBe(false);
  });
});
