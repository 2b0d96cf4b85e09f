import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * The one place errors become responses: application/problem+json (RFC 9457) with a stable
 * `code`. Client mistakes get their 4xx and a safe detail; anything unexpected is a bare 500
 * with no internals, logged with the request id only.
 */
export function sendProblem(res: ServerResponse, status: number, code: string, detail?: string, extra?: Record<string, unknown>): void {
  const body = JSON.stringify({
    type: `urn:bhyt-kiosk:problem:${code}`,
    title: code,
    status,
    code,
    ...(detail ? { detail } : {}),
    ...extra,
  });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Maps body-parser and other framework errors (they carry `type` / `status`) to stable codes. */
function frameworkProblem(err: { type?: string; status?: number; statusCode?: number }): [number, string, string] | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return [400, 'BODY_NOT_JSON', 'The request body is not valid JSON.'];
    case 'entity.too.large':
      return [413, 'BODY_TOO_LARGE', 'The request body is too large.'];
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return [415, 'UNSUPPORTED_ENCODING', 'The request body must be UTF-8.'];
    case 'request.aborted':
      return [400, 'REQUEST_ABORTED', 'The request was aborted.'];
    case 'request.size.invalid':
      return [400, 'BODY_INVALID', 'The request body length does not match its header.'];
  }
  const status = err.status ?? err.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return [status, 'BAD_REQUEST', 'The request is malformed.'];
  return undefined;
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error('request failed', { code: err.code, path: req.path });
      return sendProblem(res, err.status, err.code, err.detail, err.extra);
    }
    const mapped = typeof err === 'object' && err !== null ? frameworkProblem(err) : undefined;
    if (mapped) return sendProblem(res, mapped[0], mapped[1], mapped[2]);
    logger.error('unexpected error', { path: req.path, error: err instanceof Error ? err.name : typeof err });
    sendProblem(res, 500, 'INTERNAL', 'Something went wrong on the kiosk service.');
  };
}

export const notFound: RequestHandler = (req, res) => sendProblem(res, 404, 'NOT_FOUND', 'No such endpoint.');
