import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { problemStatus, type ProblemCode } from '../wire/problem-codes.js';

/**
 * The one place errors become responses, for both services: application/problem+json
 * (RFC 9457) with a stable `code`, its status looked up in the one table
 * (server/wire/problem-codes.ts). Client mistakes get their 4xx and a safe detail; anything
 * unexpected is a bare 500 with no internals, logged with the request id only.
 */
export function sendProblem(res: ServerResponse, code: ProblemCode, detail?: string, extra?: Record<string, unknown>): void {
  writeProblem(res, problemStatus(code), code, detail, extra);
}

function writeProblem(res: ServerResponse, status: number, code: ProblemCode, detail?: string, extra?: Record<string, unknown>): void {
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

/**
 * Maps body-parser and other framework errors (they carry `type` / `status`) to stable codes.
 * An unknown 4xx keeps the framework's own status under BAD_REQUEST.
 */
function frameworkProblem(err: { type?: string; status?: number; statusCode?: number }): [number, ProblemCode, string] | undefined {
  const known = (code: ProblemCode, detail: string): [number, ProblemCode, string] => [problemStatus(code), code, detail];
  switch (err.type) {
    case 'entity.parse.failed':
      return known('BODY_NOT_JSON', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return known('BODY_TOO_LARGE', 'The request body is too large.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return known('UNSUPPORTED_ENCODING', 'The request body must be UTF-8.');
    case 'request.aborted':
      return known('REQUEST_ABORTED', 'The request was aborted.');
    case 'request.size.invalid':
      return known('BODY_INVALID', 'The request body length does not match its header.');
  }
  const status = err.status ?? err.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return [status, 'BAD_REQUEST', 'The request is malformed.'];
  return undefined;
}

const KIOSK_INTERNAL = 'Something went wrong on the kiosk service.';

/**
 * Answers any error thrown while handling a request: an AppError as its problem (a 5xx one is
 * logged), a framework error (body-parser …) under its stable code, anything else as a bare
 * 500 that is logged by name only. `internalDetail` is that 500's safe detail (it names the
 * service). Used by the error handler below and by the kiosk's pre-Express verify endpoint.
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger, path: string, internalDetail = KIOSK_INTERNAL): void {
  if (err instanceof AppError) {
    if (problemStatus(err.code) >= 500) logger.error('request failed', { code: err.code, path });
    return sendProblem(res, err.code, err.detail, err.extra);
  }
  const mapped = typeof err === 'object' && err !== null ? frameworkProblem(err) : undefined;
  if (mapped) return writeProblem(res, ...mapped);
  logger.error('unexpected error', { path, error: err instanceof Error ? err.name : typeof err });
  sendProblem(res, 'INTERNAL', internalDetail);
}

/** The problem+json error handler of an Express app (see sendError). */
export function problemHandler(logger: Logger, internalDetail = KIOSK_INTERNAL): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    sendError(res, err, logger, req.path, internalDetail);
  };
}

export const notFound: RequestHandler = (req, res) => sendProblem(res, 'NOT_FOUND', 'No such endpoint.');
