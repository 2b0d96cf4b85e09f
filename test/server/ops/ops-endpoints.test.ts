/**
 * The operating side of a running kiosk service: /api/health, /api/ready, GET /metrics (its
 * counters after a known sequence of check-ins, its access rule) and the one-line-per-request
 * log, which must carry no patient's name, card number or QR text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/logger.js';
import { isLoopback } from '../../../server/http/routes/ops.js';
import { LEGACY_HC } from '../../helpers/legacy-samples.js';
import { ACCOUNTS, NOW, cardNumber, startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

/** The value of one sample line `name{labels} value` in a Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([a-z_:]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('operating endpoints and request logs', () => {
  let k: LogKiosk;
  const lines: string[] = [];
  const qrs: string[] = [];

  beforeAll(async () => {
    k = await startLogKiosk({ service: { logger: createLogger({ level: 'debug', sink: (l) => lines.push(l), now: () => NOW }) } });
  });
  afterAll(async () => {
    await k.close();
  });

  it('GET /api/health answers up; GET /api/ready names its checks', async () => {
    const h = await k.request('GET', '/api/health');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ status: 'up' });
    const r = await k.request('GET', '/api/ready');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'ready', checks: { database: 'ok', trust: 'ok' } });
  });

  it('after a known sequence of check-ins and card checks the counters match exactly', async () => {
    const c = k.cookies.receptionist;
    for (const n of [1, 2, 3]) {
      const qr = await k.card(n);
      qrs.push(qr);
      expect((await k.request('POST', '/api/check-ins', { cookie: c, body: { qr } })).status).toBe(201);
    }
    // The same card again within the window: the same visit, not a new one.
    const again = await k.request('POST', '/api/check-ins', { cookie: c, body: { qr: qrs[0] } });
    expect(again.json.duplicate).toBe(true);
    expect((await k.request('POST', '/api/check-ins', { cookie: c, body: { qr: 'not a card' } })).status).toBe(422);
    qrs.push(LEGACY_HC);
    expect(
      (await k.request('POST', '/api/check-ins', { cookie: c, body: { qr: LEGACY_HC, reviewNote: 'giấy chuyển tuyến' } })).status,
    ).toBe(201);
    for (const qr of [qrs[1]!, qrs[2]!]) expect((await k.request('POST', '/api/verify', { body: { qr } })).status).toBe(200);
    const check = await k.request('POST', '/api/card-checks', { cookie: c, body: { qr: await k.card(9) } });
    expect(check.status).toBe(200);
    expect((await k.request('GET', `/api/visits/recent?limit=5`, { cookie: c })).status).toBe(200);

    const m = await k.request('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const t = m.text;
    expect(sample(t, 'bhyt_kiosk_check_ins_total', { verdict: 'accepted' })).toBe(3);
    expect(sample(t, 'bhyt_kiosk_check_ins_total', { verdict: 'rejected' })).toBe(1);
    expect(sample(t, 'bhyt_kiosk_check_ins_total', { verdict: 'needs_review' })).toBe(1);
    expect(sample(t, 'bhyt_kiosk_card_checks_total', { verdict: 'accepted', portal_state: 'off', portal_code: 'none' })).toBe(1);
    expect(sample(t, 'bhyt_kiosk_verify_duration_seconds_count', { status: '200' })).toBe(2);
    expect(sample(t, 'bhyt_kiosk_http_requests_total', { method: 'POST', route: '/api/check-ins', status: '201' })).toBe(4);
    expect(sample(t, 'bhyt_kiosk_http_requests_total', { method: 'POST', route: '/api/check-ins', status: '422' })).toBe(1);
    // Sync is off here: the store's outbox keeps the accepted and needs_review visits (4 rows).
    expect(sample(t, 'bhyt_kiosk_outbox_pending', { destination: 'store' })).toBe(4);
    expect(sample(t, 'bhyt_kiosk_outbox_pending', { destination: 'portal' })).toBe(0);
    expect(sample(t, 'bhyt_kiosk_outbox_oldest_pending_age_seconds', { destination: 'store' })).toBe(0);
    expect(sample(t, 'bhyt_kiosk_trust_age_seconds', { of: 'crl_checked' })).toBeGreaterThanOrEqual(0);
    expect(sample(t, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(t, 'bhyt_kiosk_info', { facility: '12001' })).toBe(1);

    k.clock.advance(90_000);
    const later = await k.request('GET', '/metrics');
    expect(sample(later.text, 'bhyt_kiosk_outbox_oldest_pending_age_seconds', { destination: 'store' })).toBe(90);
    k.clock.advance(-90_000);
  });

  it('one log line per request with the route template, no query string, and no personal data', async () => {
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.code === 'HTTP_REQUEST');
    expect(requests.find((l) => l.route === '/api/visits/recent')).toMatchObject({ method: 'GET', status: 200, level: 'info' });
    expect(requests.filter((l) => l.route === '/api/check-ins')).toHaveLength(6);
    expect(requests.filter((l) => l.route === '/api/verify')).toHaveLength(2);
    expect(requests.find((l) => l.route === '/api/health')).toMatchObject({ level: 'debug' });
    for (const l of requests) expect(Object.keys(l).sort()).toEqual(['code', 'level', 'method', 'ms', 'msg', 'route', 'status', 't']);
    const all = lines.join('\n');
    expect(all).not.toContain('?limit');
    expect(all).not.toContain('Nguyễn Đức Thiện');
    for (const n of [1, 2, 3, 9]) expect(all).not.toContain(cardNumber(n));
    for (const qr of qrs) expect(all).not.toContain(qr.slice(0, 40));
    for (const a of Object.values(ACCOUNTS)) {
      expect(all).not.toContain(a.displayName);
      expect(all).not.toContain(a.cccd);
    }
    expect(all).not.toContain('correct horse');
  });

  it('GET /api/ready is 503 TRUST_STALE once the revocation lists are older than allowed', async () => {
    k.clock.advance(8 * 86_400_000);
    try {
      const r = await k.request('GET', '/api/ready');
      expect(r.status).toBe(503);
      expect(r.json).toEqual({ status: 'not_ready', checks: { database: 'ok', trust: 'TRUST_STALE' } });
      expect((await k.request('GET', '/api/health')).status).toBe(200);
    } finally {
      k.clock.advance(-8 * 86_400_000);
    }
  });
});

describe('GET /metrics access', () => {
  it('with KIOSK_METRICS_TOKEN: the bearer token is required, from loopback too', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const k = await startLogKiosk({ flags: ['--metrics-token', token], accounts: false });
    try {
      const none = await k.request('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.json.code).toBe('AUTH_REQUIRED');
      const wrong = await k.request('GET', '/metrics', { headers: { authorization: 'Bearer nope-nope-nope-nope' } });
      expect(wrong.json.code).toBe('AUTH_INVALID');
      expect(wrong.text).not.toContain(token);
      const ok = await k.request('GET', '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('bhyt_kiosk_check_ins_total');
    } finally {
      await k.close();
    }
  });

  it('without a token only loopback peers are answered', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('192.168.1.20')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopback('fe80::1')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});
