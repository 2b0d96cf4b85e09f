import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../server/errors.js';
import { loadHistoryStoreConfig } from '../../../server/history-store/config.js';
import { FaultInjector, parseFaultPlan } from '../../../server/history-store/faults.js';

describe('history store config', () => {
  it('reads flags over environment over defaults', () => {
    const r = loadHistoryStoreConfig(
      ['--port', '0', '--data=d', '--keys', 'k.json'],
      { HISTORY_STORE_PORT: '9', HISTORY_STORE_HOST: '0.0.0.0' },
      '/srv',
    );
    expect(r).toEqual({
      help: false,
      config: {
        port: 0,
        host: '0.0.0.0',
        dataDir: '/srv/d',
        databaseUrl: undefined,
        keysFile: '/srv/k.json',
        logLevel: 'info',
        metricsToken: undefined,
        faultPlan: undefined,
      },
    });
    const env = loadHistoryStoreConfig([], { HISTORY_STORE_KEYS: '/etc/k.json' }, '/srv');
    expect(env.help === false && env.config.port).toBe(8090);
    expect(loadHistoryStoreConfig(['--help'], {})).toEqual({ help: true });
  });

  it('LOG_LEVEL (default info) and HISTORY_STORE_METRICS_TOKEN, checked together, the token never echoed', () => {
    const r = loadHistoryStoreConfig(
      ['--keys', 'k.json'],
      { LOG_LEVEL: 'debug', HISTORY_STORE_METRICS_TOKEN: 'store-metrics-0123456789' },
      '/srv',
    );
    expect(r.help === false && r.config.logLevel).toBe('debug');
    expect(r.help === false && r.config.metricsToken).toBe('store-metrics-0123456789');
    const flag = loadHistoryStoreConfig(['--keys', 'k.json', '--log-level', 'warn'], { LOG_LEVEL: 'debug' }, '/srv');
    expect(flag.help === false && flag.config.logLevel).toBe('warn');
    try {
      loadHistoryStoreConfig(['--keys', 'k.json'], { LOG_LEVEL: 'loud', HISTORY_STORE_METRICS_TOKEN: 'short secret' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      expect(text).toMatch(/LOG_LEVEL \(--log-level\) must be one of debug, info, warn, error/);
      expect(text).toMatch(/HISTORY_STORE_METRICS_TOKEN: must be at least 16 characters/);
      expect(text).not.toContain('short secret');
    }
  });

  it('selects PostgreSQL with --db or HISTORY_STORE_DB, SQLite otherwise', () => {
    const url = 'postgres://store@db.example:5432/history';
    const flag = loadHistoryStoreConfig(['--db', url, '--keys', 'k.json'], {}, '/srv');
    expect(flag.help === false && flag.config.databaseUrl).toBe(url);
    const env = loadHistoryStoreConfig(['--keys', 'k.json'], { HISTORY_STORE_DB: 'postgresql://u@127.0.0.1/h' }, '/srv');
    expect(env.help === false && env.config.databaseUrl).toBe('postgresql://u@127.0.0.1/h');
    const none = loadHistoryStoreConfig(['--keys', 'k.json'], {}, '/srv');
    expect(none.help === false && none.config.databaseUrl).toBeUndefined();
  });

  it('refuses a database URL that is not postgres://HOST/DATABASE, without echoing it (it may hold a password)', () => {
    for (const bad of ['mysql://u@h/d', 'postgres://u:s3cr3t-pw@h', 'postgres://u:s3cr3t-pw@h/a/b', 'not a url s3cr3t-pw']) {
      try {
        loadHistoryStoreConfig(['--db', bad, '--keys', 'k.json'], {});
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        const p = (err as ConfigError).problems.join('\n');
        expect(p).toMatch(/--db \(HISTORY_STORE_DB\)/);
        expect(p).not.toMatch(/s3cr3t/);
      }
    }
  });

  it('reports every problem at once', () => {
    try {
      loadHistoryStoreConfig(['--port', '70000', '--bogus', 'x', '--fault-plan', '{"nope":1}'], {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const p = (err as ConfigError).problems.join('\n');
      expect(p).toMatch(/port/);
      expect(p).toMatch(/--bogus/);
      expect(p).toMatch(/required/);
      expect(p).toMatch(/fault plan/);
    }
  });
});

describe('fault plan (test only)', () => {
  it('schedules 500s every n batches and hangs on listed batches', () => {
    const f = new FaultInjector(parseFaultPlan('{"error500":{"every":3},"hang":{"on":[4],"afterCommit":true}}'));
    const seen = Array.from({ length: 7 }, () => f.nextBatch()?.kind ?? 'ok');
    expect(seen).toEqual(['ok', 'ok', 'error500', 'hang', 'ok', 'error500', 'ok']);
    expect(() => parseFaultPlan('{"error500":{"every":0}}')).toThrow(ConfigError);
    expect(() => parseFaultPlan('not json')).toThrow(ConfigError);
  });
});
