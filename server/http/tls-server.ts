/**
 * The kiosk's listening server: plain HTTP, or HTTPS with KIOSK_TLS_CERT_FILE / KIOSK_TLS_KEY_FILE
 * (checked at start by server/config.ts). The two files are watched (a stat every few seconds):
 * a renewed certificate is taken by new connections without a restart
 * (`server.setSecureContext`); a pair that does not load or match is not taken, the previous one
 * stays, and the log says TLS_RELOAD_FAILED (replacing both files one after the other may log it
 * once for the moment in between).
 */
import { unwatchFile, watchFile } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { KioskConfig } from '../config.js';
import { readTlsFiles } from '../lib/tls-files.js';
import type { Logger } from '../logger.js';

export const TLS_RELOAD_INTERVAL_MS = 10_000;

export type KioskServer = HttpServer | HttpsServer;
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export interface KioskServerFactory {
  scheme: 'http' | 'https';
  /** As node:http's createServer; an HTTPS server (its certificate watched) when TLS is configured. */
  createServer: (options: ServerOptions | Listener, listener?: Listener) => KioskServer;
  /** Stops watching the certificate files (shutdown). */
  stopWatching: () => void;
}

export function kioskServerFactory(
  config: Pick<KioskConfig, 'tlsCertFile' | 'tlsKeyFile'>,
  logger: Logger,
  opts: { reloadIntervalMs?: number } = {},
): KioskServerFactory {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = config;
  const args = (a: ServerOptions | Listener, b?: Listener): [ServerOptions, Listener | undefined] =>
    typeof a === 'function' ? [{}, a] : [a, b];
  if (certFile === undefined || keyFile === undefined)
    return { scheme: 'http', createServer: (a, b) => createHttpServer(...args(a, b)), stopWatching: () => {} };
  let reload: (() => void) | undefined;
  return {
    scheme: 'https',
    createServer(a, b) {
      const [options, listener] = args(a, b);
      const first = readTlsFiles(certFile, keyFile);
      // The configuration checked the pair moments ago; a file broken since fails the start.
      if (!first.ok) throw new Error(`TLS certificate unusable: ${first.problems.join('; ')}`);
      const server = createHttpsServer({ ...options, cert: first.cert, key: first.key }, listener);
      let loaded = { cert: first.cert, key: first.key };
      reload = () => {
        const next = readTlsFiles(certFile, keyFile);
        if (!next.ok) {
          logger.warn('TLS certificate not reloaded; the previous one stays', { code: 'TLS_RELOAD_FAILED', problems: next.problems });
          return;
        }
        if (next.cert === loaded.cert && next.key === loaded.key) return;
        server.setSecureContext({ cert: next.cert, key: next.key });
        loaded = { cert: next.cert, key: next.key };
        logger.info('TLS certificate reloaded', { code: 'TLS_RELOADED', notAfter: new Date(next.notAfter).toISOString() });
      };
      const interval = opts.reloadIntervalMs ?? TLS_RELOAD_INTERVAL_MS;
      for (const f of [certFile, keyFile]) watchFile(f, { interval, persistent: false }, reload);
      return server;
    },
    stopWatching() {
      if (reload) for (const f of [certFile, keyFile]) unwatchFile(f, reload);
      reload = undefined;
    },
  };
}
