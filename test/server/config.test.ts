import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
      // A network address without TLS is refused unless plain HTTP is allowed explicitly (tls-lan tests).
      KIOSK_ALLOW_PLAIN_LAN: 'true',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      allowPlainLan: true,
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

describe('config: the online card check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string, mode: number) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    return p;
  };
  const SECRET = 'mật khẩu cơ sở 2026';

  it('is off by default: no URL, user or password; 60 s budget, unsigned, 10 min window', () => {
    const c = load([]);
    expect(c.portalUrl).toBeUndefined();
    expect(c.portalUser).toBeUndefined();
    expect(c.portalPassword).toBeUndefined();
    expect(c.portalTimeoutSec).toBe(60);
    expect(c.portalCheck).toBe('unsigned');
    expect(c.cardCheckWindowSec).toBe(600);
  });

  it('reads the password from a 0600 file (one trailing newline dropped) and keeps it out of JSON', () => {
    const pw = file('pw', SECRET + '\n', 0o600);
    const c = load(['--portal-url', 'https://portal.example/', '--portal-user', '12001_bv', '--portal-password-file', pw], {
      KIOSK_PORTAL_TIMEOUT: '90s',
      KIOSK_PORTAL_CHECK: 'all',
      KIOSK_CARD_CHECK_WINDOW: '5m',
    });
    expect(c).toMatchObject({ portalUrl: 'https://portal.example', portalUser: '12001_bv', portalTimeoutSec: 90, portalCheck: 'all' });
    expect(c.cardCheckWindowSec).toBe(300);
    expect(c.portalPassword).toBe(SECRET);
    expect(JSON.stringify(c)).not.toContain(SECRET);
  });

  it('takes KIOSK_PORTAL_PASSWORD from the environment when no file is given', () => {
    const c = load([], { KIOSK_PORTAL_URL: 'http://127.0.0.1:8091', KIOSK_PORTAL_USER: 'u', KIOSK_PORTAL_PASSWORD: SECRET });
    expect(c.portalPassword).toBe(SECRET);
  });

  it('refuses a password file others can read, a missing or empty one, without echoing its content', () => {
    const base = { KIOSK_PORTAL_URL: 'http://127.0.0.1:8091', KIOSK_PORTAL_USER: 'u' };
    const open = file('open', SECRET, 0o644);
    const p = problems([], { ...base, KIOSK_PORTAL_PASSWORD_FILE: open });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/readable by others: chmod 600/);
    expect(p.join('\n')).not.toContain(SECRET);
    expect(problems([], { ...base, KIOSK_PORTAL_PASSWORD_FILE: join(dir, 'missing') })[0]).toMatch(/cannot be read/);
    expect(problems([], { ...base, KIOSK_PORTAL_PASSWORD_FILE: file('empty', '\n', 0o600) })[0]).toMatch(/is empty/);
  });

  it('needs URL, user and a password together; one password source; a known check mode; sane durations', () => {
    expect(problems([], { KIOSK_PORTAL_URL: 'http://127.0.0.1:8091' })[0]).toMatch(/go together/);
    expect(problems([], { KIOSK_PORTAL_USER: 'u', KIOSK_PORTAL_PASSWORD: SECRET })[0]).toMatch(/KIOSK_PORTAL_URL.*go together/);
    const both = problems([], {
      KIOSK_PORTAL_URL: 'http://127.0.0.1:8091',
      KIOSK_PORTAL_USER: 'u',
      KIOSK_PORTAL_PASSWORD: SECRET,
      KIOSK_PORTAL_PASSWORD_FILE: file('pw2', SECRET, 0o600),
    });
    expect(both[0]).toMatch(/both set/);
    expect(both.join('\n')).not.toContain(SECRET);
    expect(problems([], { KIOSK_PORTAL_URL: 'ftp://portal.example' })[0]).toMatch(/KIOSK_PORTAL_URL: must be an http\(s\) URL/);
    expect(problems(['--portal-check', 'some'])[0]).toMatch(/KIOSK_PORTAL_CHECK.*unsigned, all/);
    expect(problems([], { KIOSK_PORTAL_TIMEOUT: '0' })[0]).toMatch(/KIOSK_PORTAL_TIMEOUT/);
    expect(problems([], { KIOSK_CARD_CHECK_WINDOW: '1' })[0]).toMatch(/KIOSK_CARD_CHECK_WINDOW/);
  });

  it('lists the portal flags in --help, and the password variable as environment only', () => {
    expect(usage()).toMatch(/--portal-url <url>\s+KIOSK_PORTAL_URL/);
    expect(usage()).toMatch(/--portal-password-file <path>\s+KIOSK_PORTAL_PASSWORD_FILE/);
    expect(usage()).toMatch(/Environment only: KIOSK_PORTAL_PASSWORD/);
    expect(usage()).not.toMatch(/--portal-password </);
  });
  it('check-in report: on by default, off by KIOSK_CHECKIN_REPORT; key and certificate together; a known patient-id source', () => {
    const c = load([]);
    expect(c.checkInReport).toBe('on');
    expect(c.patientIdSource).toBe('ma-so-bhxh');
    expect(c.checkInMaxBackoffSec).toBe(300);
    expect(c.facilityKeyFile).toBeUndefined();
    const set = load([], {
      KIOSK_CHECKIN_REPORT: 'off',
      KIOSK_FACILITY_KEY_FILE: 'keys/facility-key.pem',
      KIOSK_FACILITY_CERT_FILE: '/etc/kiosk/facility-cert.pem',
      KIOSK_PATIENT_ID_SOURCE: 'card-number',
      KIOSK_CHECKIN_MAX_BACKOFF: '10m',
    });
    expect(set).toMatchObject({
      checkInReport: 'off',
      facilityKeyFile: '/srv/kiosk/keys/facility-key.pem',
      facilityCertFile: '/etc/kiosk/facility-cert.pem',
      patientIdSource: 'card-number',
      checkInMaxBackoffSec: 600,
    });
    expect(problems(['--checkin-report', 'maybe'])[0]).toMatch(/KIOSK_CHECKIN_REPORT .*on or off/);
    expect(problems([], { KIOSK_FACILITY_KEY_FILE: 'k.pem' })[0]).toMatch(
      /KIOSK_FACILITY_KEY_FILE .*KIOSK_FACILITY_CERT_FILE .*go together/,
    );
    expect(problems(['--patient-id-source', 'name'])[0]).toMatch(/KIOSK_PATIENT_ID_SOURCE .*ma-so-bhxh, card-number, cccd/);
    expect(usage()).toMatch(/--facility-key-file <path>\s+KIOSK_FACILITY_KEY_FILE/);
  });
});
