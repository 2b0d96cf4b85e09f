/** The reference portal's flags and environment variables. */
import { describe, expect, it } from 'vitest';
import { type ConfigError } from '../../../server/errors.js';
import { loadPortalConfig, portalUsage } from '../../../server/reference-portal/config.js';

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = loadPortalConfig(argv, env, '/srv');
  if (r.help) throw new Error('help');
  return r.config;
};

function problems(argv: string[], env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(argv, env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('portal configuration', () => {
  it('has safe defaults', () => {
    expect(load([])).toEqual({
      port: 8070,
      host: '127.0.0.1',
      dataDir: '/srv/data/reference-portal',
      tokenTtlSeconds: 3000,
      latency: { minMs: 0, maxMs: 0 },
      failRate: 0,
      failModes: ['http500', 'hang', 'drop'],
      authFailureAs: 'body',
      controlPort: undefined,
    });
  });

  it('reads flags, the --data alias and environment variables; flags win', () => {
    const c = load(['--port', '0', '--data', 'd', '--latency=500-5000', '--fail-rate', '0.2', '--fail-modes', 'drop,hang'], {
      PORTAL_PORT: '9',
      PORTAL_TOKEN_TTL: '60',
      PORTAL_CONTROL_PORT: '0',
      PORTAL_HOST: '::1',
    });
    expect(c).toMatchObject({
      port: 0,
      host: '::1',
      dataDir: '/srv/d',
      tokenTtlSeconds: 60,
      latency: { minMs: 500, maxMs: 5000 },
      failRate: 0.2,
      failModes: ['drop', 'hang'],
      controlPort: 0,
    });
    expect(load([], { PORTAL_DATA_DIR: '/x', PORTAL_LATENCY: '3000' })).toMatchObject({
      dataDir: '/x',
      latency: { minMs: 3000, maxMs: 3000 },
    });
  });

  it('accepts the token lifetime as a duration', () => {
    expect(load(['--token-ttl', '50m']).tokenTtlSeconds).toBe(3000);
  });

  it('lists every mistake at once, naming where each value came from', () => {
    expect(
      problems(['--port', '70000', '--latency', '9-1', '--fail-rate', '2', '--bogus'], {
        PORTAL_TOKEN_TTL: '0.5',
        PORTAL_FAIL_MODES: 'explode',
        PORTAL_AUTH_FAILURE: 'teapot',
      }),
    ).toEqual([
      'unknown flag --bogus',
      '--port: must be a port number 0–65535 (got "70000")',
      'PORTAL_TOKEN_TTL: must be whole seconds, 1 to 31 days',
      '--latency: must be milliseconds MS or a range MIN-MAX (0–600000)',
      '--fail-rate: must be a fraction 0–1',
      'PORTAL_FAIL_MODES: must be a list of http500, hang, drop',
      'PORTAL_AUTH_FAILURE: must be body or http',
    ]);
  });

  it('prints help naming every flag, alias and variable', () => {
    expect(loadPortalConfig(['--help'], {})).toEqual({ help: true });
    const text = portalUsage();
    for (const s of [
      '--data-dir <DIR>',
      '(also --data)',
      'PORTAL_DATA_DIR',
      '--token-ttl',
      'PORTAL_FAIL_RATE',
      '--control-port',
      'TEST ONLY',
    ])
      expect(text).toContain(s);
  });
});
