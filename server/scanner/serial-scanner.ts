/**
 * A 2D scanner in USB serial mode (CDC/ACM, e.g. /dev/ttyACM0): the card's text arrives as the
 * scanner's own bytes (UTF-8 intact, unlike a keyboard wedge, which loses every Vietnamese
 * letter), one scan per line (CR, LF or CR LF). Read through the `serialport` package; the port
 * is reopened after it goes away (unplugged, not there yet) until `close()`. Scans go to
 * `onScan`; nothing read is logged (a scan is personal data), only the port's state.
 */
import { RegexParser, SerialPort } from 'serialport';
import type { Logger } from '../logger.js';

/** No card QR is this long; a longer line is noise (or two scans without a line end) and dropped. */
export const MAX_SCAN_CHARS = 4096;
const DEFAULT_REOPEN_MS = 2_000;

export type SerialScannerState = 'opening' | 'open' | 'waiting' | 'closed';

export interface SerialScannerOptions {
  path: string;
  logger: Logger;
  onScan: (text: string) => void;
  /** Ignored by CDC/ACM devices; real RS-232 scanners usually use 9600. */
  baudRate?: number;
  /** Wait before reopening a port that failed or went away, ms. */
  reopenMs?: number;
}

export class SerialScanner {
  readonly #o: SerialScannerOptions;
  #port: SerialPort | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #state: SerialScannerState = 'closed';
  #reported = false;

  constructor(opts: SerialScannerOptions) {
    this.#o = opts;
  }

  get state(): SerialScannerState {
    return this.#state;
  }

  start(): void {
    if (this.#closed || this.#port) return;
    this.#state = 'opening';
    const port = new SerialPort({ path: this.#o.path, baudRate: this.#o.baudRate ?? 9600, autoOpen: false });
    this.#port = port;
    const lines = port.pipe(new RegexParser({ regex: /\r\n|\r|\n/, encoding: 'utf8' }));
    lines.on('data', (line: string) => {
      const text = line.replace(/^\uFEFF/, '').trim();
      if (text === '' || text.length > MAX_SCAN_CHARS) return;
      this.#o.onScan(text);
    });
    port.on('close', () => this.#retry());
    port.on('error', (err) => {
      this.#log(err);
      this.#retry();
    });
    port.open((err) => {
      if (err) {
        this.#log(err);
        this.#retry();
        return;
      }
      this.#state = 'open';
      this.#reported = false;
      this.#o.logger.info('serial scanner open', { code: 'SCANNER_OPEN', device: this.#o.path });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const port = this.#port;
    this.#port = undefined;
    this.#state = 'closed';
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners();
  }

  #log(err: Error): void {
    // Once per outage, not every retry.
    if (this.#reported) return;
    this.#reported = true;
    this.#o.logger.warn('serial scanner unavailable; retrying', {
      code: 'SCANNER_UNAVAILABLE',
      device: this.#o.path,
      errno: (err as NodeJS.ErrnoException).code ?? err.message.slice(0, 80),
    });
  }

  #retry(): void {
    if (this.#closed) return;
    const port = this.#port;
    this.#port = undefined;
    port?.removeAllListeners();
    if (port?.isOpen) port.close(() => undefined);
    this.#state = 'waiting';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.start(), this.#o.reopenMs ?? DEFAULT_REOPEN_MS);
    this.#timer.unref();
  }
}
