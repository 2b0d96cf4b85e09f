import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiKeys } from '../../../server/history-store/api-keys.js';
import { ConfigError } from '../../../server/errors.js';

describe('ApiKeys', () => {
  const keys = ApiKeys.fromJson({ 'aaaaaaaaaaaaaaaa-12001': '12001', 'bbbbbbbbbbbbbbbb-79002': '79002', 'cccccccccccccccc-agency': '*' });

  it('maps a key to its facility, the agency key to a reader, anything else to nothing', () => {
    const slot = (k: string) => createHash('sha256').update(k).digest('hex').slice(0, 32);
    expect(keys.lookup('aaaaaaaaaaaaaaaa-12001')).toEqual({ kind: 'facility', facility: '12001', slot: slot('aaaaaaaaaaaaaaaa-12001') });
    expect(keys.lookup('bbbbbbbbbbbbbbbb-79002')).toEqual({ kind: 'facility', facility: '79002', slot: slot('bbbbbbbbbbbbbbbb-79002') });
    expect(keys.lookup('cccccccccccccccc-agency')).toEqual({ kind: 'agency' });
    expect(keys.lookup('aaaaaaaaaaaaaaaa-1200')).toBeUndefined();
    expect(keys.lookup('')).toBeUndefined();
  });

  it('takes a kiosk key registered beside the API key (its thumbprint), and refuses a malformed one', () => {
    const tp = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const ring = ApiKeys.fromJson({
      'ffffffffffffffff-12001': { facility: '12001', kioskKey: tp },
      'gggggggggggggggg-12001': { facility: '12001' },
    });
    expect(ring.lookup('ffffffffffffffff-12001')).toMatchObject({ kind: 'facility', facility: '12001', kioskKey: tp });
    expect(ring.lookup('gggggggggggggggg-12001')).not.toHaveProperty('kioskKey');
    for (const bad of [
      { facility: '12001', kioskKey: 'short' },
      { facility: 'X', kioskKey: tp },
      { facility: '12001', extra: 1 },
    ]) {
      expect(() => ApiKeys.fromJson({ 'hhhhhhhhhhhhhhhh-12001': bad })).toThrow(ConfigError);
    }
  });

  it('refuses a bad keys file listing every problem, never echoing a key', () => {
    let err: unknown;
    try {
      ApiKeys.fromJson({ short: '12001', 'dddddddddddddddd-ok': 'BAD', 'eeeeeeeeeeeeeeee-ok': 12001 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).not.toMatch(/short|dddd|eeee/);
    expect(() => ApiKeys.fromJson({})).toThrow(ConfigError);
    expect(() => ApiKeys.fromJson([])).toThrow(ConfigError);
    expect(() => ApiKeys.loadFile('/nonexistent/keys.json')).toThrow(ConfigError);
  });
});
