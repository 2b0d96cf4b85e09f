/**
 * Starts the reference portal (used by main.ts and by in-process tests), and its TEST-ONLY
 * control surface: change latency / failures / injected codes at run time, stop and start
 * accepting connections (a portal that is down, then back on the same port), and shift the
 * portal's clock. In process the control is `running.control`; across processes it is
 * `POST /control` on `--control-port` (never the portal's own port, so it answers while the
 * portal is "down"):
 *
 *   POST /control {"failRate": 0.5, "failModes": ["drop"], "latency": "500-5000", "answerCode": "500",
 *                  "next": ["hang", "ok"], "authFailureAs": "http", "accepting": false, "clockOffsetMs": 3600000}
 *   GET  /control → the current state
 *
 * The check-in faults (`checkInFailEvery`, `checkInRejectMaLk`) go through the same control.
 * `running.checkIns` is the in-process view of the check-in endpoint: what it received per
 * facility, and the registration of a facility's certificate (written to portal.json, where a
 * process portal reads it too).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { systemClock, systemRandom, type Clock, type Random } from '../clock.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { createPortalApp } from './app.js';
import { MemoryCheckInStore, SqliteCheckInStore, type CheckInListing, type CheckInRecordStore } from './check-in-records.js';
import { addFacilityCert } from './dataset.js';
import type { PortalConfig } from './config.js';
import { DataSource } from './data-source.js';
import { PortalFaults, parseFaultUpdate, type FaultSettings, type RandomFraction, type Sleep } from './faults.js';
import { TokenStore } from './tokens.js';

export interface PortalState {
  faults: FaultSettings;
  accepting: boolean;
  clockOffsetMs: number;
}

export interface PortalControl {
  state(): PortalState;
  /** Validates and applies a partial fault update (throws ConfigError). */
  setFaults(update: unknown): FaultSettings;
  /** false: stop listening and drop every open connection (clients get "connection refused"); true: listen again on the same port. */
  setAccepting(accepting: boolean): Promise<void>;
  /** Shifts the portal's clock (tokens and card validity) by this many ms from the injected clock. */
  setClockOffset(ms: number): void;
}

/** The in-process view of the check-in endpoint (tests, demos). */
export interface PortalCheckIns {
  /** What the portal holds for `facility`, in the order received (GET /api/test/checkin-records). */
  list(facility: string): Promise<CheckInListing>;
  /** Registers (or replaces) the certificate `facility`'s files must be signed with (portal.json `facilityCerts`). */
  registerFacilityCert(facility: string, certPem: string): void;
  /** `sqlite` with `keepCheckIns` (DIR/checkin-records.sqlite), else `memory`. */
  store: 'memory' | 'sqlite';
}

export interface RunningPortal {
  url: string;
  port: number;
  /** URL of the control endpoint when --control-port was given. */
  controlUrl: string | undefined;
  control: PortalControl;
  checkIns: PortalCheckIns;
  close(): Promise<void>;
}

export interface PortalOptions {
  clock?: Clock;
  random?: Random;
  /** Fraction in [0, 1) for latency and failure draws; defaults to one drawn from `random`. */
  randomFraction?: RandomFraction;
  sleep?: Sleep;
  logger?: Logger;
}

const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Control requests are tiny. */
const CONTROL_BODY_LIMIT = '64kb';

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startPortal(config: PortalConfig, opts: PortalOptions = {}): Promise<RunningPortal> {
  const baseClock = opts.clock ?? systemClock;
  const random = opts.random ?? systemRandom;
  const logger = opts.logger ?? createLogger();
  let clockOffsetMs = 0;
  const clock: Clock = { now: () => baseClock.now() + clockOffsetMs };
  const fraction: RandomFraction = opts.randomFraction ?? (() => random.bytes(4).readUInt32BE(0) / 2 ** 32);
  const faults = new PortalFaults(
    { latency: config.latency, failRate: config.failRate, failModes: config.failModes, authFailureAs: config.authFailureAs },
    fraction,
    opts.sleep ?? realSleep,
  );
  const data = new DataSource(config.dataDir, logger);
  const tokens = new TokenStore(clock, random, config.tokenTtlSeconds);
  const checkIns: CheckInRecordStore = config.keepCheckIns
    ? await SqliteCheckInStore.open(config.dataDir, clock.now())
    : new MemoryCheckInStore();
  // The agency's transaction ids are opaque; ours are random (injected) and say they are ours.
  const newTransactionId = () => `GD${random.bytes(10).toString('hex').toUpperCase()}`;
  const app = createPortalApp({ data, tokens, faults, clock, logger, checkIns, newTransactionId });

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 }, app);
  try {
    await listen(server, config.port, config.host);
  } catch (err) {
    await checkIns.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let accepting = true;
  let toggling: Promise<void> = Promise.resolve();

  const control: PortalControl = {
    state: () => ({ faults: faults.current, accepting, clockOffsetMs }),
    setFaults(update) {
      const settings = faults.update(parseFaultUpdate(update));
      logger.warn('portal faults changed (test control)', { code: 'FAULTS_INJECTED', failRate: settings.failRate });
      return settings;
    },
    setAccepting(on) {
      toggling = toggling.then(async () => {
        if (on === accepting) return;
        if (on) await listen(server, port, config.host);
        else await stopListening(server);
        accepting = on;
        logger.warn(on ? 'portal accepting connections again (test control)' : 'portal stopped accepting connections (test control)', {
          code: 'PORTAL_DOWN_CONTROL',
        });
      });
      return toggling;
    },
    setClockOffset(ms) {
      if (!Number.isSafeInteger(ms)) throw new ConfigError(['clockOffsetMs: must be whole milliseconds']);
      clockOffsetMs = ms;
    },
  };

  let controlServer: Server | undefined;
  if (config.controlPort !== undefined) {
    controlServer = createServer(createControlApp(control, logger));
    try {
      await listen(controlServer, config.controlPort, config.host);
    } catch (err) {
      await stopListening(server);
      await checkIns.close();
      throw err;
    }
    logger.warn('TEST CONTROL ENDPOINT ACTIVE: anyone reaching it can make this portal fail; never expose it', {
      code: 'CONTROL_ENABLED',
    });
  }
  if (faults.active) logger.warn('portal latency / failure injection active', { code: 'FAULTS_INJECTED' });
  const controlUrl = controlServer ? urlOf(config.host, (controlServer.address() as AddressInfo).port) : undefined;
  const url = urlOf(config.host, port);
  logger.info('reference portal listening', { url, ...(controlUrl ? { controlUrl } : {}) });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    controlUrl,
    control,
    checkIns: {
      list: (facility) => checkIns.list(facility),
      registerFacilityCert: (facility, certPem) => addFacilityCert(config.dataDir, facility, certPem),
      store: config.keepCheckIns ? 'sqlite' : 'memory',
    },
    close() {
      closing ??= (async () => {
        await toggling.catch(() => undefined);
        await Promise.all([
          new Promise<void>((resolve) => {
            if (!server.listening) return resolve();
            server.close(() => resolve());
            server.closeIdleConnections();
            // Injected hangs and delays never finish on their own: drop those sockets.
            if (faults.active) server.closeAllConnections();
            else setTimeout(() => server.closeAllConnections(), 2_000).unref();
          }),
          controlServer ? stopListening(controlServer) : Promise.resolve(),
        ]);
        await checkIns.close();
      })();
      return closing;
    },
  };
}

function createControlApp(control: PortalControl, logger: Logger) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: CONTROL_BODY_LIMIT }));
  app.get('/control', (_req, res) => {
    res.json(control.state());
  });
  app.post('/control', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ problems: ['body must be a JSON object'] });
      return;
    }
    const { accepting, clockOffsetMs, ...faultUpdate } = body;
    const problems: string[] = [];
    if (accepting !== undefined && typeof accepting !== 'boolean') problems.push('accepting: must be true or false');
    if (clockOffsetMs !== undefined && !Number.isSafeInteger(clockOffsetMs)) problems.push('clockOffsetMs: must be whole milliseconds');
    let update: ReturnType<typeof parseFaultUpdate> | undefined;
    try {
      update = parseFaultUpdate(faultUpdate);
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : ['unusable']));
    }
    if (problems.length > 0) {
      res.status(400).json({ problems });
      return;
    }
    if (update && Object.keys(update).length > 0) control.setFaults(update);
    if (typeof clockOffsetMs === 'number') control.setClockOffset(clockOffsetMs);
    if (typeof accepting === 'boolean') await control.setAccepting(accepting);
    res.json(control.state());
  });
  const handler: ErrorRequestHandler = (err, _req, res, _next) => {
    logger.warn('control request failed', { error: err instanceof Error ? err.name : typeof err });
    res.status(400).json({ problems: ['bad control request'] });
  };
  app.use(handler);
  return app;
}
