import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type Clock } from '../../server/clock.js';
import { loadConfig, type KioskConfig } from '../../server/config.js';
import { silentLogger } from '../../server/logger.js';
import { startKioskService, type RunningService, type ServiceOptions } from '../../server/app/service.js';

/**
 * Starts the real kiosk service in-process on 127.0.0.1 port 0 with a fresh data folder, the
 * given trust file and a frozen clock (unless one is given). Extra flags as on the command line.
 */
export async function startTestKiosk(opts: {
  trustFile: string;
  clock?: Clock;
  flags?: string[];
  service?: ServiceOptions;
}): Promise<RunningService & { config: KioskConfig; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-data-'));
  const loaded = loadConfig(
    [
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--trust-file',
      opts.trustFile,
      '--trust-refresh',
      '0',
      '--no-demo-accounts',
      ...(opts.flags ?? []),
    ],
    {},
  );
  if (loaded.help) throw new Error('unexpected --help');
  const service = await startKioskService(loaded.config, {
    clock: opts.clock ?? fixedClock('2026-11-25T02:00:00Z'),
    logger: silentLogger,
    ...opts.service,
  });
  return Object.assign(service, { config: loaded.config, dataDir });
}
