/**
 * `issuer serve`: publishes an issuer directory's public documents over HTTP, exactly where a
 * real issuer publishes them under its `iss` (SMART Health Cards conventions):
 *
 *   GET /.well-known/jwks.json          the public keys with their windows
 *   GET /.well-known/crl/<kid>.json     one revocation list per key
 *
 * Nothing else is reachable (never the private/ folder). Files are re-read whenever they change
 * on disk (stat-keyed cache), so a `revoke` or `rotate` while serving is visible at once.
 * Strong ETags (content hashes) let kiosks ask "changed?" cheaply: 304 on If-None-Match.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import { isKidShape, issuerPaths } from './layout.js';

/** Kiosks poll hourly; a short max-age keeps a revocation from hiding in a cache for long. */
const JWKS_CACHE_CONTROL = 'public, max-age=300, must-revalidate';
const CRL_CACHE_CONTROL = 'public, max-age=60, must-revalidate';
const MAX_SERVED_BYTES = 32 * 1024 * 1024;

interface CachedFile {
  key: string;
  body: Buffer;
  etag: string;
}

/** Reads a file again only when its identity (inode, size, mtime) changed. */
function fileCache() {
  const cache = new Map<string, CachedFile>();
  return async (path: string): Promise<CachedFile | undefined> => {
    let st;
    try {
      st = await stat(path);
    } catch {
      cache.delete(path);
      return undefined;
    }
    if (!st.isFile() || st.size > MAX_SERVED_BYTES) return undefined;
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const hit = cache.get(path);
    if (hit && hit.key === key) return hit;
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return undefined;
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    const entry = { key, body, etag };
    cache.set(path, entry);
    return entry;
  };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function createIssuerApp(dir: string): Express {
  const paths = issuerPaths(dir);
  const read = fileCache();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const send = async (req: Request, res: Response, path: string, cacheControl: string) => {
    const file = await read(path);
    res.set('X-Content-Type-Options', 'nosniff');
    // Public keys and lists are meant for anyone, including browser-based verifiers.
    res.set('Access-Control-Allow-Origin', '*');
    if (!file) {
      res.status(404).set('Cache-Control', 'no-store').type('application/json').send('{"error":"not found"}');
      return;
    }
    res.set({ ETag: file.etag, 'Cache-Control': cacheControl });
    if (etagMatches(req.get('if-none-match'), file.etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).type('application/json').send(file.body);
  };

  app.get('/.well-known/jwks.json', (req, res) => send(req, res, paths.jwks, JWKS_CACHE_CONTROL));
  app.get('/.well-known/crl/:file', (req, res) => {
    const name = String(req.params.file);
    const kid = name.endsWith('.json') ? name.slice(0, -'.json'.length) : '';
    if (!isKidShape(kid)) {
      res.status(404).set('Cache-Control', 'no-store').type('application/json').send('{"error":"not found"}');
      return;
    }
    return send(req, res, paths.crl(kid), CRL_CACHE_CONTROL);
  });
  app.use((_req, res) => {
    res.status(404).set('Cache-Control', 'no-store').type('application/json').send('{"error":"not found"}');
  });
  return app;
}

export interface RunningIssuerServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveIssuerDir(dir: string, opts: { port: number; host?: string }): Promise<RunningIssuerServer> {
  const host = opts.host ?? '127.0.0.1';
  const app = createIssuerApp(dir);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
