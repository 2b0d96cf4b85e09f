import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStoreClient, parseResults, SyncTransportError } from '../../../server/sync/store-client.js';
import { KEY_A, startTestStore, visit } from '../history-store/fixtures.js';

let store: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(async () => {
  await store.close();
});

async function failure(p: Promise<unknown>): Promise<SyncTransportError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SyncTransportError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

/** A local server answering every request with `handler` (or never, when it returns nothing). */
async function rawServer(handler: (res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    handler(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('HistoryStoreClient', () => {
  it('posts a batch with the bearer key and returns per-item results', async () => {
    const client = new HistoryStoreClient(store.url + '/', KEY_A, 5000);
    const v = visit() as Record<string, string>;
    const r = await client.postBatch([v], new AbortController().signal);
    expect(r).toEqual([{ id: v.id, index: 0, status: 'stored' }]);
    expect((await client.postBatch([v], new AbortController().signal))[0]!.status).toBe('duplicate');
  });

  it('classifies failures with stable codes', async () => {
    const v = [visit() as Record<string, string>];
    const signal = new AbortController().signal;
    expect((await failure(new HistoryStoreClient(store.url, 'wrong-key-wrong-key', 5000).postBatch(v, signal))).code).toBe(
      'STORE_AUTH_FAILED',
    );

    const down = await rawServer(() => undefined);
    const downUrl = down.url;
    await new Promise<void>((r) => down.server.close(() => r()));
    expect((await failure(new HistoryStoreClient(downUrl, KEY_A, 5000).postBatch(v, signal))).code).toBe('STORE_UNREACHABLE');

    const hang = await rawServer(() => undefined);
    const timeout = await failure(new HistoryStoreClient(hang.url, KEY_A, 100).postBatch(v, signal));
    expect(timeout.code).toBe('STORE_TIMEOUT');
    const stop = new AbortController();
    const aborted = failure(new HistoryStoreClient(hang.url, KEY_A, 60_000).postBatch(v, stop.signal));
    stop.abort();
    expect((await aborted).code).toBe('ABORTED');
    hang.server.closeAllConnections();
    hang.server.close();

    const fiveHundred = await rawServer((res) =>
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{"code":"MAINTENANCE"}'),
    );
    const e = await failure(new HistoryStoreClient(fiveHundred.url, KEY_A, 5000).postBatch(v, signal));
    expect([e.code, e.httpStatus, e.message]).toEqual(['STORE_SERVER_ERROR', 503, 'store answered 503 MAINTENANCE']);
    fiveHundred.server.close();

    const garbage = await rawServer((res) => res.writeHead(200).end('<html>'));
    expect((await failure(new HistoryStoreClient(garbage.url, KEY_A, 5000).postBatch(v, signal))).code).toBe('STORE_BAD_RESPONSE');
    garbage.server.close();
  });
});

describe('parseResults', () => {
  const items = [{ id: 'a' }, { id: 'b' }];
  it('accepts results in any order, matched by index and id', () => {
    const r = parseResults(
      JSON.stringify({
        results: [
          { id: 'b', index: 1, status: 'duplicate' },
          { id: 'a', index: 0, status: 'stored' },
        ],
      }),
      items,
    );
    expect(r.map((x) => x.status)).toEqual(['stored', 'duplicate']);
  });
  it.each([
    ['{"results":[]}'],
    ['{"results":[{"id":"a","index":0,"status":"stored"},{"id":"a","index":0,"status":"stored"}]}'],
    ['{"results":[{"id":"a","index":0,"status":"stored"},{"id":"x","index":1,"status":"stored"}]}'],
    ['{"results":[{"id":"a","index":0,"status":"stored"},{"id":"b","index":1,"status":"ok"}]}'],
    ['{"results":[{"id":"a","index":0,"status":"stored"},{"id":"b","index":7,"status":"stored"}]}'],
    ['null'],
  ])('refuses a response that does not match the batch: %s', (text) => {
    expect(() => parseResults(text, items)).toThrow(SyncTransportError);
  });
});
