/**
 * Entry point of the reference portal (a local stand-in for the agency's card-check portal):
 *   npm run portal -- --port P --data-dir DIR [--latency MS|MIN-MAX] [--fail-rate R] [--token-ttl S]
 * Refuses to start with a clear message on any configuration mistake (exit 2); drains on SIGINT/SIGTERM.
 */
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { drainOnSignals, runMain } from '../process-lifecycle.js';
import { loadPortalConfig, portalUsage } from './config.js';
import { startPortal } from './server.js';

async function main(): Promise<number | undefined> {
  let loaded;
  try {
    loaded = loadPortalConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portal: ${err.message}\n\n${portalUsage()}\n`);
      return 2;
    }
    throw err;
  }
  if (loaded.help) {
    process.stdout.write(portalUsage() + '\n');
    return 0;
  }
  const logger = createLogger();
  let running;
  try {
    running = await startPortal(loaded.config, { logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portal: cannot start: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`portal: cannot start: a port on ${loaded.config.host} is already in use\n`);
      return 1;
    }
    throw err;
  }
  drainOnSignals(running, logger);
  return undefined;
}

runMain('portal', main);
