/**
 * Who may read GET /metrics (server/web/metrics-access.ts), the one rule of the kiosk and the
 * store: without a token loopback peers only (others 404, as if there were no such page); with
 * one, its bearer from anyone, loopback included.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { admitMetricsReader, bearerMatches, isLoopback } from '../../../server/web/metrics-access.js';

function peer(remoteAddress: string, authorization?: string) {
  const req = { socket: { remoteAddress }, headers: authorization === undefined ? {} : { authorization } } as unknown as IncomingMessage;
  const sent: { status?: number; headers: Record<string, unknown>; body?: string } = { headers: {} };
  const res = {
    set statusCode(s: number) {
      sent.status = s;
    },
    setHeader(name: string, value: unknown) {
      sent.headers[name.toLowerCase()] = value;
    },
    end(body: string) {
      sent.body = body;
    },
  } as unknown as ServerResponse;
  return { req, res, sent };
}

describe('admitMetricsReader', () => {
  const token = 'metrics-token-0123456789abcdef';

  it('without a token: loopback peers are admitted, any other peer gets 404 NOT_FOUND', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      const p = peer(a);
      expect(admitMetricsReader(p.req, p.res, undefined), a).toBe(true);
      expect(p.sent.status).toBeUndefined();
    }
    for (const a of ['192.168.1.20', '::ffff:10.0.0.1', 'fe80::1']) {
      const p = peer(a, `Bearer ${token}`);
      expect(admitMetricsReader(p.req, p.res, undefined), a).toBe(false);
      expect(p.sent.status).toBe(404);
      expect(JSON.parse(p.sent.body!).code).toBe('NOT_FOUND');
    }
  });

  it('with a token: its bearer from anyone; none 401 AUTH_REQUIRED, a wrong one 401 AUTH_INVALID, loopback included', () => {
    for (const a of ['127.0.0.1', '192.168.1.20']) {
      const ok = peer(a, `Bearer ${token}`);
      expect(admitMetricsReader(ok.req, ok.res, token)).toBe(true);
      const none = peer(a);
      expect(admitMetricsReader(none.req, none.res, token)).toBe(false);
      expect(none.sent.status).toBe(401);
      expect(none.sent.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(JSON.parse(none.sent.body!).code).toBe('AUTH_REQUIRED');
      const wrong = peer(a, `Bearer ${token}x`);
      expect(admitMetricsReader(wrong.req, wrong.res, token)).toBe(false);
      expect(JSON.parse(wrong.sent.body!).code).toBe('AUTH_INVALID');
      expect(wrong.sent.body).not.toContain(token);
    }
  });

  it('bearerMatches takes only "Bearer <token>"; isLoopback only loopback addresses', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
    expect(isLoopback('128.0.0.1')).toBe(false);
  });
});
