import { describe, expect, it } from 'vitest';
import { loadConfig, usage } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';

function load(argv: string[], env: Record<string, string> = {}) {
  const r = loadConfig(argv, env, '/srv/kiosk');
  if (r.help) throw new Error('unexpected help');
  return r.config;
}

function problems(argv: string[], env: Record<string, string> = {}): string[] {
  try {
    load(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has embedded defaults: loopback, data folder, demo trust store', () => {
    const c = load([]);
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('/srv/kiosk/data');
    expect(c.trustFile).toBe('/srv/kiosk/keys/trust.json');
    expect(c.facility).toBe('12001');
    expect(c.maxTrustAgeSec).toBe(7 * 86400);
    expect(c.duplicateWindowSec).toBe(600);
    expect(c.syncUrl).toBeUndefined();
  });

  it('reads each setting from its environment variable', () => {
    const c = load([], {
      KIOSK_PORT: '9000',
      KIOSK_HOST: '0.0.0.0',
      KIOSK_DATA_DIR: '/var/lib/kiosk',
      KIOSK_TRUST_FILE: 'conf/trust.json',
      KIOSK_FACILITY: '42abc',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/kiosk',
      trustFile: '/srv/kiosk/conf/trust.json',
      facility: '42ABC',
    });
  });

  it('lets flags win over the environment, in both --flag value and --flag=value forms', () => {
    const c = load(['--port', '9100', '--facility=48001', '--data-dir', 'd2', '--no-demo-accounts'], {
      KIOSK_PORT: '9000',
      KIOSK_FACILITY: '12001',
    });
    expect(c).toMatchObject({ port: 9100, facility: '48001', dataDir: '/srv/kiosk/d2', demoAccounts: false });
  });

  it('reports every mistake at once, naming the flag or variable', () => {
    const p = problems(['--port', '70000', '--bogus', 'x'], { KIOSK_FACILITY: '1200', KIOSK_DUPLICATE_WINDOW: 'soon' });
    expect(p).toHaveLength(4);
    expect(p.join('\n')).toMatch(/--port/);
    expect(p.join('\n')).toMatch(/--bogus/);
    expect(p.join('\n')).toMatch(/KIOSK_FACILITY/);
    expect(p.join('\n')).toMatch(/KIOSK_DUPLICATE_WINDOW/);
  });

  it('needs the sync URL and key together', () => {
    expect(problems([], { KIOSK_SYNC_URL: 'http://127.0.0.1:9999' })[0]).toMatch(/KIOSK_SYNC_KEY/);
    const c = load([], { KIOSK_SYNC_URL: 'http://127.0.0.1:9999/', KIOSK_SYNC_KEY: 'k'.repeat(32) });
    expect(c.syncUrl).toBe('http://127.0.0.1:9999');
  });

  it('rejects a flag with no value and a stray argument', () => {
    expect(problems(['--port'])[0]).toMatch(/needs a value/);
    expect(problems(['8080'])[0]).toMatch(/unexpected argument/);
  });

  it('returns help for --help', () => {
    expect(loadConfig(['--help'], {}).help).toBe(true);
  });

  it('lists every flag with its variable in --help', () => {
    expect(usage()).toMatch(/--data-dir <path>\s+KIOSK_DATA_DIR/);
    expect(usage()).toMatch(/--\[no-\]demo-accounts/);
  });
});
