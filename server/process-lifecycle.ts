import type { Logger } from './logger.js';

/** How long a graceful stop may take before the process exits anyway. */
const FORCE_EXIT_MS = 15_000;

/**
 * Drains on SIGINT / SIGTERM: `close()` finishes in-flight work (HTTP requests, a sync batch,
 * the database), then the process exits 0; if that fails or hangs, it exits 1.
 */
export function drainOnSignals(service: { close(): Promise<void> }, logger: Logger): void {
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), FORCE_EXIT_MS);
    force.unref();
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Runs an entry point's `main`: a number it returns is the exit code (undefined: keep running,
 * e.g. a server); an unexpected error exits 1 naming only the error's kind (never its text,
 * which may carry data).
 */
export function runMain(name: string, main: () => Promise<number | undefined>): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`${name}: fatal: ${err instanceof Error ? err.name : 'error'}\n`);
      process.exit(1);
    },
  );
}
