import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
import type { Logger } from '../../../server/logger.js';
import { problemHandler, sendError, sendProblem } from '../../../server/web/problem.js';

/** Just enough of a ServerResponse to capture what sendProblem writes. */
function fakeRes() {
  const headers: Record<string, unknown> = {};
  const out = { statusCode: 0, headers, body: undefined as unknown, headersSent: false };
  const res = {
    set statusCode(v: number) {
      out.statusCode = v;
    },
    setHeader: (k: string, v: unknown) => (headers[k.toLowerCase()] = v),
    end: (b: string) => (out.body = JSON.parse(b)),
  } as unknown as ServerResponse;
  return { res, out };
}

function fakeLogger() {
  const lines: Array<[string, unknown]> = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (m: string, f?: unknown) => lines.push([m, f]) } as unknown as Logger;
  return { logger, lines };
}

describe('problem+json', () => {
  it('the status comes from the code (the one table), never from the thrower', () => {
    const { res, out } = fakeRes();
    sendProblem(res, 'CANNOT_DISABLE_SELF', 'An admin cannot disable their own account.');
    expect(out.statusCode).toBe(409);
    expect(out.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(out.body).toEqual({
      type: 'urn:bhyt-kiosk:problem:CANNOT_DISABLE_SELF',
      title: 'CANNOT_DISABLE_SELF',
      status: 409,
      code: 'CANNOT_DISABLE_SELF',
      detail: 'An admin cannot disable their own account.',
    });
  });

  it('AppErrors keep their extra members; an alias code answers with its own string and the canonical status', () => {
    const { logger } = fakeLogger();
    const a = fakeRes();
    sendError(a.res, new AppError('QUERY_INVALID', '"top" must be 1–50.', { field: 'top', param: 'top' }), logger, '/x');
    expect(a.out.body).toMatchObject({ status: 400, code: 'QUERY_INVALID', field: 'top', param: 'top' });
    const b = fakeRes();
    sendError(b.res, new AppError('ISSUE_INPUT_INVALID', 'card input invalid'), logger, '/x');
    expect([b.out.statusCode, (b.out.body as { code: string }).code]).toEqual([400, 'ISSUE_INPUT_INVALID']);
  });

  it('framework errors get stable codes (an unknown 4xx keeps its status); anything else is a bare, logged 500', () => {
    const { logger, lines } = fakeLogger();
    const cases: Array<[unknown, number, string]> = [
      [{ type: 'entity.parse.failed', status: 400 }, 400, 'BODY_NOT_JSON'],
      [{ type: 'entity.too.large', status: 413 }, 413, 'BODY_TOO_LARGE'],
      [{ type: 'charset.unsupported', status: 415 }, 415, 'UNSUPPORTED_ENCODING'],
      [{ status: 405 }, 405, 'BAD_REQUEST'],
    ];
    for (const [err, status, code] of cases) {
      const { res, out } = fakeRes();
      sendError(res, err, logger, '/x');
      expect([out.statusCode, (out.body as { code: string }).code]).toEqual([status, code]);
    }
    expect(lines).toEqual([]);
    const { res, out } = fakeRes();
    problemHandler(logger, 'Something went wrong on the medical-history store.')(
      new Error('secret internals'),
      { path: '/v1/x' } as never,
      res as never,
      () => {},
    );
    expect(out.body).toEqual({
      type: 'urn:bhyt-kiosk:problem:INTERNAL',
      title: 'INTERNAL',
      status: 500,
      code: 'INTERNAL',
      detail: 'Something went wrong on the medical-history store.',
    });
    expect(lines).toEqual([['unexpected error', { path: '/v1/x', error: 'Error' }]]);
  });
});
