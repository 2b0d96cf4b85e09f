/**
 * Request-smuggling shapes against the real service over raw TCP: every ambiguous framing
 * (Content-Length with Transfer-Encoding, duplicate or malformed lengths, obsolete line folding,
 * bad chunk sizes…) is refused by Node's parser with 400 and the connection closed. Each carries
 * a second, "smuggled" request behind it (an admin's read, a check-in): it must never be
 * answered, so the whole exchange is exactly one 400. Plain pipelining still works (control).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../helpers/raw-http.js';
import { countRows, startSecurityKiosk, type SecurityKiosk } from './fixtures.js';

let k: SecurityKiosk;
let H: string;
/** The request an attacker hopes the server reads as a second one. */
let smuggled: string;
beforeAll(async () => {
  k = await startSecurityKiosk();
  H = `Host: 127.0.0.1:${k.port}`;
  const qr = await k.card(77);
  const body = JSON.stringify({ qr });
  smuggled =
    `POST /api/check-ins HTTP/1.1\r\n${H}\r\nCookie: ${k.cookies.receptionist}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
});
afterAll(async () => {
  await k?.close();
});

const VERIFY = (extra: string) => `POST /api/verify HTTP/1.1\r\n${H}\r\nContent-Type: application/json\r\n${extra}`;

/** name → the bytes before the smuggled request. */
const SHAPES: Array<[string, () => string]> = [
  ['Content-Length and Transfer-Encoding: chunked', () => VERIFY('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')],
  ['Transfer-Encoding: chunked then Content-Length', () => VERIFY('Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n')],
  ['Content-Length and Transfer-Encoding: identity', () => VERIFY('Content-Length: 2\r\nTransfer-Encoding: identity\r\n\r\n{}')],
  ['two Content-Length values', () => VERIFY('Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}')],
  ['two equal Content-Length headers', () => VERIFY('Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}')],
  ['Content-Length: 2, 2', () => VERIFY('Content-Length: 2, 2\r\n\r\n{}')],
  ['Content-Length: +2', () => VERIFY('Content-Length: +2\r\n\r\n{}')],
  ['Content-Length: -1', () => VERIFY('Content-Length: -1\r\n\r\n{}')],
  ['Content-Length: 0x2', () => VERIFY('Content-Length: 0x2\r\n\r\n{}')],
  ['Content-Length: 2 2', () => VERIFY('Content-Length: 2 2\r\n\r\n{}')],
  ['Content-Length overflowing 64 bits', () => VERIFY('Content-Length: 99999999999999999999999\r\n\r\n{}')],
  ['Transfer-Encoding: chunked, identity (chunked not last)', () => VERIFY('Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n')],
  ['Transfer-Encoding: xchunked', () => VERIFY('Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n')],
  ['Transfer-Encoding with a space before the colon', () => VERIFY('Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n')],
  ['Transfer-Encoding folded onto a second line (obs-fold)', () => VERIFY('Transfer-Encoding: identity\r\n chunked\r\n\r\n0\r\n\r\n')],
  ['an ordinary header folded (obs-fold)', () => VERIFY('X-Note: a\r\n b\r\nContent-Length: 2\r\n\r\n{}')],
  ['an obs-fold with a tab', () => VERIFY('X-Note: a\r\n\tb\r\nContent-Length: 2\r\n\r\n{}')],
  ['chunk size not hex', () => VERIFY('Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n')],
  ['chunk size negative', () => VERIFY('Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n')],
  ['chunk size 0x-prefixed', () => VERIFY('Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n')],
  ['chunk size overflowing 64 bits', () => VERIFY('Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n')],
  ['chunk data longer than its size', () => VERIFY('Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n')],
  ['chunk size with a space inside', () => VERIFY('Transfer-Encoding: chunked\r\n\r\n1 1\r\n{}\r\n0\r\n\r\n')],
  ['a header name with a space', () => VERIFY('Content Length: 2\r\n\r\n{}')],
  ['a header line without a colon', () => VERIFY('Content-Length 2\r\n\r\n{}')],
  ['a NUL in a header value', () => VERIFY('X-Note: a\0b\r\nContent-Length: 2\r\n\r\n{}')],
  ['a bare CR in a header value', () => VERIFY('X-Note: a\rb\r\nContent-Length: 2\r\n\r\n{}')],
  ['an unknown HTTP version', () => `POST /api/verify HTTP/1.2.3\r\n${H}\r\nContent-Length: 2\r\n\r\n{}`],
  ['a lowercase method', () => `post /api/verify HTTP/1.1\r\n${H}\r\nContent-Length: 2\r\n\r\n{}`],
];

describe('ambiguous framing → exactly one 400, connection closed, the smuggled request never answered', () => {
  it.each(SHAPES)('%s', async (_name, first) => {
    const before = await countRows(k, 'visits');
    const ex = await rawExchange(k.port, [first() + smuggled]);
    expect(ex.closedByServer).toBe(true);
    expect(ex.statuses).toEqual([400]);
    expect(await countRows(k, 'visits')).toBe(before);
  });

  it('the same shapes sent in two writes (the smuggled request arriving later) → one 400', async () => {
    for (const [, first] of SHAPES.slice(0, 6)) {
      const ex = await rawExchange(k.port, [first(), smuggled]);
      expect([ex.closedByServer, ex.statuses]).toEqual([true, [400]]);
    }
  });
});

describe('controls', () => {
  it('two pipelined requests are two answers', async () => {
    const get = `GET /api/health HTTP/1.1\r\n${H}\r\n\r\n`;
    const ex = await rawExchange(k.port, [get + get.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')]);
    expect(ex.statuses).toEqual([200, 200]);
  });

  it('a well-formed chunked body is one request: its bytes are the body, not a second request', async () => {
    const json = '{"qr":"not a card"}';
    const chunked = `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`;
    const ex = await rawExchange(k.port, [VERIFY(`Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`)]);
    expect(ex.statuses).toEqual([200]);
    expect(ex.text).toContain('"code":"QR_MALFORMED"');
  });

  it('a Content-Length body that contains a request is a body (one answer: 400 BODY_NOT_JSON)', async () => {
    const ex = await rawExchange(k.port, [
      VERIFY(`Content-Length: ${Buffer.byteLength(smuggled)}\r\nConnection: close\r\n\r\n${smuggled}`),
    ]);
    expect(ex.statuses).toEqual([400]);
    expect(ex.text).toContain('"code":"BODY_NOT_JSON"');
  });

  it('an h2c upgrade request is not upgraded', async () => {
    const ex = await rawExchange(k.port, [
      `GET /api/health HTTP/1.1\r\n${H}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
    ]);
    expect(ex.statuses).not.toContain(101);
  });
});
