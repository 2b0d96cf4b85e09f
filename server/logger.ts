/**
 * Structured one-line JSON logs on stderr, written by pino (a maintained logger: levels, fast
 * serialisation, journald-friendly lines). Never pass personal data (names, card numbers, QR
 * text, passwords): log codes, ids and counts. The rest of the code sees only the small `Logger`
 * interface below; the sink is injectable so tests stay quiet or capture lines.
 *
 * A line: `{"level":"info","t":"2026-11-25T02:00:00.000Z","msg":"…","code":"…",…}`. Error
 * objects are reduced to their kind (`{"type":"TypeError"}`): an error's message or stack may
 * carry data (a SQL parameter, a URL with a query string).
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** The lowest level written (default info). */
  level?: LogLevel;
  /** Receives each line without its newline (default: stderr, written synchronously). */
  sink?: (line: string) => void;
  /** The clock of the `t` field (default Date.now). */
  now?: () => number;
}

/** An Error becomes its kind only; anything else is left to JSON. */
const errorKind = (e: unknown) => (e instanceof Error ? { type: e.name } : e);

export function createLogger(opts: LoggerOptions = {}): Logger {
  const now = opts.now ?? Date.now;
  const sink = opts.sink;
  const destination = sink
    ? { write: (s: string) => sink(s.endsWith('\n') ? s.slice(0, -1) : s) }
    : // Synchronous: a line written just before process.exit (a drain, a fatal error) is not lost.
      pino.destination({ dest: 2, sync: true });
  const p = pino(
    {
      level: opts.level ?? 'info',
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"t":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: errorKind, error: errorKind },
    },
    destination,
  );
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields === undefined) p[level](msg);
      else p[level](fields, msg);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
