/**
 * The operating side's small parts: its configuration (LOG_LEVEL, KIOSK_METRICS_TOKEN), the
 * portal timing (labels from the URL path only: the portal's query string carries its token and
 * password hash), route templates, the logger's error reduction.
 */
import { describe, expect, it } from 'vitest';
import { portalOperation, timedPortalFetch } from '../../../server/app/metrics.js';
import { loadConfig } from '../../../server/config.js';
import { ConfigError } from '../../../server/errors.js';
import { createLogger } from '../../../server/logger.js';
import { KioskMetrics } from '../../../server/metrics/kiosk-metrics.js';

const base = ['--trust-file', 'keys/trust.json'];

describe('configuration', () => {
  it('LOG_LEVEL defaults to info and takes debug, info, warn, error', () => {
    const d = loadConfig(base, {});
    expect(!d.help && d.config.logLevel).toBe('info');
    expect(!d.help && d.config.metricsToken).toBeUndefined();
    const w = loadConfig(base, { LOG_LEVEL: 'warn' });
    expect(!w.help && w.config.logLevel).toBe('warn');
  });

  it('a wrong LOG_LEVEL and a short KIOSK_METRICS_TOKEN are listed together, the token never echoed', () => {
    let err: unknown;
    try {
      loadConfig(base, { LOG_LEVEL: 'loud', KIOSK_METRICS_TOKEN: 'short secret' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).message;
    expect(text).toMatch(/LOG_LEVEL \(--log-level\) must be one of debug, info, warn, error/);
    expect(text).toMatch(/KIOSK_METRICS_TOKEN/);
    expect(text).not.toContain('short secret');
  });
});

describe('portal timing', () => {
  it("labels a call by its path's last segment, never its query", () => {
    expect(portalOperation('https://egw.example.vn/api/egw/KQNhanLichSuKCB2024?token=abc&password=5f4dcc3b')).toBe('KQNhanLichSuKCB2024');
    expect(portalOperation(new URL('https://egw.example.vn/api/token/take'))).toBe('take');
    expect(portalOperation('not a url')).toBe('other');
    expect(portalOperation('https://egw.example.vn/')).toBe('other');
  });

  it('observes each call with its HTTP status, or error, and rethrows', async () => {
    const m = new KioskMetrics({ version: '0', facility: '12001', deskId: 'd', defaultMetrics: false });
    let t = 0;
    const ok = timedPortalFetch(
      m,
      async () => ((t += 250), new Response('{}', { status: 200 })),
      () => t,
    );
    await ok('https://egw.example.vn/api/egw/check?token=SECRET');
    const bad = timedPortalFetch(
      m,
      async () => Promise.reject(new TypeError('fetch failed')),
      () => t,
    );
    await expect(bad('https://egw.example.vn/api/egw/check?token=SECRET')).rejects.toThrow('fetch failed');
    const text = await m.render();
    expect(text).toMatch(/bhyt_kiosk_portal_request_duration_seconds_count\{operation="check",outcome="200"\} 1/);
    expect(text).toMatch(/bhyt_kiosk_portal_request_duration_seconds_sum\{operation="check",outcome="200"\} 0\.25/);
    expect(text).toMatch(/bhyt_kiosk_portal_request_duration_seconds_count\{operation="check",outcome="error"\} 1/);
    expect(text).not.toContain('SECRET');
  });
});

describe('logger', () => {
  it('writes pino JSON lines with level names and reduces errors to their kind', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), now: () => Date.parse('2026-11-25T02:00:00Z'), level: 'info' });
    log.debug('hidden');
    log.error('failed', { code: 'X', error: new Error('card DN4121200000001 of Nguyễn Văn A') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'error',
      t: '2026-11-25T02:00:00.000Z',
      code: 'X',
      error: { type: 'Error' },
      msg: 'failed',
    });
  });
});
