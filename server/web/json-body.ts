import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/** JSON bodies are small: a QR text is at most a few kilobytes. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Reads a small JSON request body, for the Express app (`jsonBody`) and the lean verify endpoint
 * alike (body-parser was a large share of each request's cost here): a body that is not declared
 * JSON is "no body" (the validator then says BODY_INVALID), over `limit` bytes → 413
 * BODY_TOO_LARGE (refused from Content-Length before reading, or as soon as the stream passes
 * it), a charset other than UTF-8 → 415 UNSUPPORTED_ENCODING, invalid JSON → 400 BODY_NOT_JSON.
 */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

export function isJsonRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && JSON_TYPE.test(type);
}

export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJsonRequest(req)) {
    req.resume(); // drain what was sent; nothing is parsed
    return Promise.resolve(undefined);
  }
  const charset = CHARSET.exec(req.headers['content-type']!)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    req.resume();
    return Promise.reject(new AppError('UNSUPPORTED_ENCODING', 'The request body must be UTF-8.'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new AppError('BODY_TOO_LARGE', 'The request body is too large.'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new AppError('BODY_TOO_LARGE', 'The request body is too large.'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('aborted', () => {
      failed = true;
      reject(new AppError('REQUEST_ABORTED', 'The request was aborted.'));
    });
    req.once('error', (err) => {
      failed = true;
      reject(new AppError('REQUEST_ABORTED', 'The request was aborted.', undefined, { cause: err }));
    });
    req.once('end', () => {
      if (failed) return;
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8');
      try {
        resolve(text.length === 0 ? undefined : JSON.parse(text));
      } catch {
        reject(new AppError('BODY_NOT_JSON', 'The request body is not valid JSON.'));
      }
    });
  });
}

/**
 * Express middleware: `req.body` is the parsed JSON (or undefined when the request declares no
 * JSON body); failures go to the problem+json handler with the codes above.
 */
export function jsonBody(limit: number): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    readJsonBody(req, limit).then((body) => {
      req.body = body;
      next();
    }, next);
  };
}
