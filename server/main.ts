/**
 * Entry point of the kiosk service: `npm start -- [flags]`. Reads configuration once, refuses to
 * start with a clear message on any mistake, and drains gracefully on SIGINT/SIGTERM.
 */
import { drainOnSignals, runMain } from './process-lifecycle.js';
import { loadConfig, plainLan, usage } from './config.js';
import { ConfigError, TrustStoreError } from './errors.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { createLogger } from './logger.js';
import { startKioskService } from './app/service.js';

async function main(): Promise<number | undefined> {
  let loaded;
  try {
    loaded = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bhyt-kiosk: ${err.message}\n\n${usage()}\n`);
      return 2;
    }
    throw err;
  }
  if (loaded.help) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const logger = createLogger({ level: loaded.config.logLevel });
  // Signals are handled from the start: a stop asked while the service is still starting (systemd
  // may send SIGTERM at any moment) waits for the start, then drains, instead of killing it midway.
  const starting = startKioskService(loaded.config, { logger });
  drainOnSignals({ close: () => starting.then((s) => s.close()) }, logger);
  let service;
  try {
    service = await starting;
  } catch (err) {
    if (err instanceof TrustStoreError) {
      process.stderr.write(`bhyt-kiosk: cannot start: ${err.message}\n`);
      return 1;
    }
    if (err instanceof DataDirLockedError) {
      // Like a configuration mistake: this service must not run as asked (exit 2).
      process.stderr.write(`bhyt-kiosk: cannot start: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`bhyt-kiosk: cannot start: port ${loaded.config.port} on ${loaded.config.host} is already in use\n`);
      return 1;
    }
    throw err;
  }
  if (service.trust.current.demo) {
    // Said loudly and in plain words, not only in the JSON log: nobody should run a front desk
    // on the bundled demo keys by accident.
    process.stderr.write(
      [
        '',
        '!!! ──────────────────────────────────────────────────────────────────────────── !!!',
        '!!!  DEMO ISSUER TRUSTED (keys/demo-issuer): its private key is public.           !!!',
        '!!!  Anyone can make cards this kiosk accepts. Development and tests only.        !!!',
        '!!!  KHÓA THỬ NGHIỆM — KHÔNG DÙNG TẠI QUẦY TIẾP NHẬN THẬT.                          !!!',
        '!!! ──────────────────────────────────────────────────────────────────────────── !!!',
        '',
      ].join('\n') + '\n',
    );
  }
  if (plainLan(loaded.config)) {
    // Allowed only by KIOSK_ALLOW_PLAIN_LAN=true, and said as loudly as the demo keys.
    process.stderr.write(
      [
        '',
        `!!! PLAIN HTTP ON THE NETWORK: listening on ${loaded.config.host} without TLS (KIOSK_ALLOW_PLAIN_LAN=true).`,
        "!!! Passwords, session cookies and patients' card data cross the network unencrypted.",
        '!!! Set KIOSK_TLS_CERT_FILE and KIOSK_TLS_KEY_FILE (docs/deploy.md, "On the hospital network").',
        '',
      ].join('\n') + '\n',
    );
  }
  return undefined;
}

runMain('bhyt-kiosk', main);
