/**
 * Slow-header ("slowloris") and slow-body sockets against the real service: a client that
 * trickles its request is cut with 408 and the connection closed, by the server's
 * headersTimeout / requestTimeout (server/app/service.ts HTTP_TIMEOUTS: 10 s and 30 s). Node
 * enforces them only when it sweeps its connections, so the service sets that sweep too; here
 * the timeouts are shortened (ServiceOptions.httpTimeouts) so nothing waits for seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TIMEOUTS } from '../../server/app/service.js';
import { rawExchange, rawGet } from '../helpers/raw-http.js';
import { startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

const HEADERS_MS = 300;
const REQUEST_MS = 800;
const KEEP_ALIVE_MS = 300;

let k: SecurityKiosk;
beforeAll(async () => {
  k = await startSecurityKiosk({ service: { httpTimeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS, keepAliveMs: KEEP_ALIVE_MS } } });
});
afterAll(async () => {
  await k?.close();
});

const head = (port: number) => `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`;

describe('slow sockets are cut', () => {
  it('the defaults: 10 s for the request head, 30 s for the whole request', () => {
    expect(HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });
  });

  it('a head trickled one header line every 40 ms: 408 and closed soon after headersTimeout', async () => {
    const trickle = Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: a\r\n`);
    const ex = await rawExchange(k.port, [head(k.port), ...trickle], { gapMs: 40, capMs: 5_000 });
    expect(ex.closedByServer).toBe(true);
    expect(ex.statuses).toEqual([408]);
    expect(ex.ms).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(ex.ms).toBeLessThan(HEADERS_MS + 2_000);
  });

  it('a head trickled byte by byte: 408 and closed', async () => {
    const bytes = [...(head(k.port) + 'X-Padding: ' + 'a'.repeat(400))];
    const ex = await rawExchange(k.port, bytes, { gapMs: 10, capMs: 5_000 });
    expect([ex.closedByServer, ex.statuses]).toEqual([true, [408]]);
  });

  it('a head that never ends (no more bytes after the first line): 408 and closed', async () => {
    const ex = await rawExchange(k.port, [head(k.port)], { capMs: 5_000 });
    expect([ex.closedByServer, ex.statuses]).toEqual([true, [408]]);
  });

  it('a connection that sends nothing at all: 408 and closed', async () => {
    const ex = await rawExchange(k.port, [], { capMs: 5_000 });
    expect([ex.closedByServer, ex.statuses]).toEqual([true, [408]]);
    expect(ex.ms).toBeLessThan(HEADERS_MS + 2_000);
  });

  it('a kept-alive connection left idle after its answer is closed (keepAliveTimeout)', async () => {
    const ex = await rawExchange(k.port, [`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${k.port}\r\n\r\n`], { capMs: 5_000 });
    expect([ex.closedByServer, ex.statuses]).toEqual([true, [200]]);
    expect(ex.ms).toBeLessThan(KEEP_ALIVE_MS + 2_000);
  });

  it('a body trickled after a complete head: cut by requestTimeout (408), nothing processed', async () => {
    const post =
      `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${k.port}\r\nContent-Type: application/json\r\n` + 'Content-Length: 1000\r\n\r\n{';
    const ex = await rawExchange(k.port, [post, ...Array.from({ length: 300 }, () => ' ')], { gapMs: 20, capMs: 6_000 });
    expect(ex.closedByServer).toBe(true);
    expect(ex.statuses).toEqual([408]);
    expect(ex.ms).toBeLessThan(REQUEST_MS + 2_000);
  });

  it('an ordinary request on the same server is served', async () => {
    const r = await rawGet(k.port, '/api/health');
    expect(r.status).toBe(200);
  });
});
