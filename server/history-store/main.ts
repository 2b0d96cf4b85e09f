/**
 * Entry point of the reference medical-history store:
 *   npm run history-store -- --port P --data-dir DIR --keys FILE   (--data DIR still works)
 *   npm run history-store -- --db postgres://USER@HOST:PORT/DB --keys FILE   (PostgreSQL)
 * Refuses to start with a clear message on any configuration mistake; drains on SIGINT/SIGTERM.
 */
import { drainOnSignals, runMain } from '../process-lifecycle.js';
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { PgStoreError } from './pg-errors.js';
import { historyStoreUsage, loadHistoryStoreConfig } from './config.js';
import { startHistoryStore } from './server.js';

async function main(): Promise<number | undefined> {
  let loaded;
  try {
    loaded = loadHistoryStoreConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`history-store: ${err.message}\n\n${historyStoreUsage()}\n`);
      return 2;
    }
    throw err;
  }
  if (loaded.help) {
    process.stdout.write(historyStoreUsage() + '\n');
    return 0;
  }
  const logger = createLogger({ level: loaded.config.logLevel ?? 'info' });
  let running;
  try {
    running = await startHistoryStore(loaded.config, { logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`history-store: cannot start: ${err.message}\n`);
      return 2;
    }
    if (err instanceof PgStoreError) {
      // The driver's message may name the server or the user; the SQLSTATE is enough to act on.
      process.stderr.write(`history-store: cannot start: ${err.message}${err.sqlState ? ` (${err.sqlState})` : ''}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`history-store: cannot start: port ${loaded.config.port} on ${loaded.config.host} is already in use\n`);
      return 1;
    }
    throw err;
  }
  drainOnSignals(running, logger);
  return undefined;
}

runMain('history-store', main);
