/**
 * Test helper: HTTP/1.1 spoken by hand over a TCP socket (node:net), for the requests a real
 * client library refuses to send or silently normalises: unnormalised paths (`/../`, `%2e%2e`,
 * backslashes, NUL), Content-Length with Transfer-Encoding, folded headers, bad chunk sizes, a
 * head trickled byte by byte. Nothing here waits for a timer of its own except the safety cap.
 */
import { connect, type Socket } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as latin1 text (bytes preserved). */
  text: string;
  /** The status code of every response in `text`, in order. */
  statuses: number[];
  /** The server closed the connection (rather than the cap ending the wait). */
  closedByServer: boolean;
  /** ms from connect to close */
  ms: number;
}

/**
 * Status lines in a byte stream that may hold several responses (pipelining): a response's
 * body need not end with CRLF, so a status line is found anywhere (the bodies here are JSON).
 */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n/g)].map((m) => Number(m[1]));
}

/** The body of the first response (after its head), for leak checks. */
export function firstBody(text: string): string {
  const i = text.indexOf('\r\n\r\n');
  return i === -1 ? '' : text.slice(i + 4);
}

/**
 * Connects, writes `chunks` (strings as latin1, so any byte can be sent) one after another
 * (each after the previous was flushed, or `gapMs` apart when given), and resolves when the
 * server closes the socket, or after `capMs` (then `closedByServer` is false and the socket is
 * destroyed). `halfClose` ends our side after the last chunk.
 */
export function rawExchange(
  port: number,
  chunks: Array<string | Buffer>,
  opts: { capMs?: number; gapMs?: number; halfClose?: boolean; host?: string } = {},
): Promise<RawExchange> {
  const capMs = opts.capMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let text = '';
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let gapTimer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(port, opts.host ?? '127.0.0.1');
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(gapTimer);
      socket.destroy();
      resolve({ text, statuses: statusesOf(text), closedByServer, ms: Date.now() - t0 });
    };
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the server answered and closed is a close; before connecting, a failure.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true);
      else if (!done) reject(err);
    });
    socket.once('connect', () => {
      timer = setTimeout(() => finish(false), capMs);
      let i = 0;
      const next = () => {
        if (done || socket.destroyed) return;
        if (i >= chunks.length) {
          if (opts.halfClose) socket.end();
          return;
        }
        const c = chunks[i++]!;
        const buf = typeof c === 'string' ? Buffer.from(c, 'latin1') : c;
        if (opts.gapMs === undefined) socket.write(buf, () => next());
        else socket.write(buf, () => (gapTimer = setTimeout(next, opts.gapMs)));
      };
      next();
    });
  });
}

/** One request with `Connection: close`, the path exactly as given (nothing normalised). */
export async function rawGet(
  port: number,
  path: string,
  opts: { cookie?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; body: string }> {
  const lines = [
    `${opts.method ?? 'GET'} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: close',
    ...(opts.cookie ? [`Cookie: ${opts.cookie}`] : []),
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const ex = await rawExchange(port, [lines.join('\r\n') + '\r\n\r\n']);
  return { status: ex.statuses[0] ?? 0, text: ex.text, body: firstBody(ex.text) };
}
