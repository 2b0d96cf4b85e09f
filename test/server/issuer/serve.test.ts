import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { revokeRid } from '../../../server/issuer/issuer-dir.js';
import { issuerPaths } from '../../../server/issuer/layout.js';
import { rotateIssuerKey } from '../../../server/issuer/rotate.js';
import { serveIssuerDir, type RunningIssuerServer } from '../../../server/issuer/serve.js';
import { makeTestIssuer, type TestIssuer } from '../../helpers/demo-issuer.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');
let issuer: TestIssuer | undefined;
let server: RunningIssuerServer | undefined;

afterEach(async () => {
  await server?.close();
  await issuer?.cleanup();
  server = undefined;
  issuer = undefined;
});

async function start(): Promise<{ issuer: TestIssuer; server: RunningIssuerServer }> {
  issuer = await makeTestIssuer({ now: T0 });
  server = await serveIssuerDir(issuer.issuerDir, { port: 0 });
  return { issuer, server };
}

describe('issuer serve', () => {
  it('publishes the JWKS with a strong ETag and Cache-Control, and answers 304 to If-None-Match', async () => {
    const { issuer, server } = await start();
    const res = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/); // strong: no W/ prefix
    const body = (await res.json()) as { keys: { kid: string; d?: string }[] };
    expect(body.keys.map((k) => k.kid)).toEqual([issuer.kid]);
    expect(body.keys[0]!.d).toBeUndefined();

    const again = await fetch(`${server.url}/.well-known/jwks.json`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const other = await fetch(`${server.url}/.well-known/jwks.json`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('publishes one revocation list per key and shows a revoke made while serving', async () => {
    const { issuer, server } = await start();
    const url = `${server.url}/.well-known/crl/${issuer.kid}.json`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const list = (await first.json()) as { ctr: number; method: string; rids: string[] };
    expect(list).toMatchObject({ method: 'rid', rids: [] });
    const etag = first.headers.get('etag')!;

    await revokeRid(issuer.issuerDir, { rid: 'abc123', now: T0, kid: issuer.kid });
    const after = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const newList = (await after.json()) as { ctr: number; rids: string[] };
    expect(newList.ctr).toBe(list.ctr + 1);
    expect(newList.rids).toEqual(['abc123']);
  });

  it('shows a rotation made while serving', async () => {
    const { issuer, server } = await start();
    const { newKid } = await rotateIssuerKey(issuer.issuerDir, { now: T0 });
    const body = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(body.keys.map((k) => k.kid)).toEqual([issuer.kid, newKid]);
    expect((await fetch(`${server.url}/.well-known/crl/${newKid}.json`)).status).toBe(200);
  });

  it('serves nothing else: unknown kids, traversal attempts and the private folder are 404', async () => {
    const { issuer, server } = await start();
    const privateName = `DEMO-ONLY-${issuer.kid}.jwk.json`;
    for (const path of [
      `/.well-known/crl/${'A'.repeat(43)}.json`,
      '/.well-known/crl/..%2F..%2Fissuer.json',
      `/.well-known/crl/..%2F..%2Fprivate%2F${privateName}`,
      `/private/${privateName}`,
      '/issuer.json',
      '/.well-known/',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('"d"');
    }
    // The served bytes are the file's bytes.
    const served = await (await fetch(`${server.url}/.well-known/jwks.json`)).text();
    expect(served).toBe(await readFile(issuerPaths(issuer.issuerDir).jwks, 'utf8'));
  });
});
