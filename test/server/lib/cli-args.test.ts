import { describe, expect, it } from 'vitest';
import { convertValue, flagUsage, parseFlags, parseSeconds, resolveFlags, type FlagSpec } from '../../../server/lib/cli-args.js';

const SPECS: readonly FlagSpec[] = [
  { flag: 'data-dir', aliases: ['data'], kind: 'path', env: 'X_DATA_DIR', default: 'data', arg: 'DIR', help: 'data folder' },
  { flag: 'clock-tolerance', aliases: ['tolerance'], kind: 'seconds', help: 'tolerance' },
  { flag: 'json', kind: 'bool', help: 'JSON output' },
  { flag: 'demo', kind: 'bool', default: 'true', help: 'demo accounts' },
  { flag: 'no-trust', kind: 'bool', help: 'leave the trust file alone' },
  { flag: 'name', kind: 'text', help: 'a name' },
];

describe('parseFlags', () => {
  it('reads --flag value, --flag=value, aliases, bare and negated booleans', () => {
    const p = parseFlags(['--data', 'd', '--tolerance=5m', '--json', '--no-demo', '--no-trust', '--name', '--odd'], SPECS);
    expect(p.problems).toEqual([]);
    expect(Object.fromEntries(p.values)).toEqual({
      'data-dir': 'd',
      'clock-tolerance': '5m',
      json: 'true',
      demo: 'false',
      'no-trust': 'true',
      name: '--odd',
    });
  });

  it('lets a boolean take an explicit true/false but never a positional argument', () => {
    const p = parseFlags(['--demo', 'false', '--json', 'list'], SPECS, { positional: true });
    expect(p.values.get('demo')).toBe('false');
    expect(p.values.get('json')).toBe('true');
    expect(p.positional).toEqual(['list']);
  });

  it('collects every problem: unknown flags (with their value), missing values, stray arguments', () => {
    const p = parseFlags(['--bogus', 'x', 'stray', '--name'], SPECS);
    expect(p.problems).toEqual(['unknown flag --bogus', 'unexpected argument "stray"', '--name needs a value']);
  });

  it('keeps positionals (and everything after --) when the program takes them', () => {
    const p = parseFlags(['verify', '-', '--json', '--', '--not-a-flag'], SPECS, { positional: true });
    expect(p.positional).toEqual(['verify', '-', '--not-a-flag']);
    expect(parseFlags(['-h'], SPECS).help).toBe(true);
  });
});

describe('resolveFlags', () => {
  it('takes flag over environment over default, converting by kind and naming the source of a bad value', () => {
    const problems: string[] = [];
    expect(resolveFlags(SPECS, parseFlags([], SPECS), { X_DATA_DIR: '/var/x' }, '/srv', problems)['data-dir']).toBe('/var/x');
    expect(resolveFlags(SPECS, parseFlags([], SPECS), { X_DATA_DIR: '' }, '/srv', problems)['data-dir']).toBe('/srv/data');
    const v = resolveFlags(
      SPECS,
      parseFlags(['--data-dir', 'd', '--tolerance', 'soon'], SPECS),
      { X_DATA_DIR: '/var/x' },
      '/srv',
      problems,
    );
    expect(v['data-dir']).toBe('/srv/d');
    expect(v.demo).toBe(true);
    expect(v.json).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^--clock-tolerance: must be a duration/);
  });

  it('converts ports, facility codes, instants, URLs and secrets', () => {
    const p: string[] = [];
    const c = (kind: FlagSpec['kind'], raw: string) => convertValue({ flag: 'f', kind, help: '' }, raw, '--f', '/srv', p);
    expect(c('port', '0')).toBe(0);
    expect(c('facility', '48abc')).toBe('48ABC');
    expect(c('instant', '2026-11-25T09:00:00+07:00')).toBe(Date.parse('2026-11-25T02:00:00Z'));
    expect(c('url', 'http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
    expect(p).toEqual([]);
    expect(c('port', '70000')).toBeUndefined();
    expect(c('facility', 'X')).toBeUndefined();
    expect(c('instant', 'yesterday')).toBeUndefined();
    expect(c('secret', 'short secret')).toBeUndefined();
    expect(p).toHaveLength(4);
    expect(p.join('\n')).not.toContain('short secret');
  });

  it('parses durations with units', () => {
    expect(parseSeconds('300')).toBe(300);
    expect(parseSeconds('5m')).toBe(300);
    expect(parseSeconds('7d')).toBe(604800);
    expect(parseSeconds('1h')).toBe(3600);
    expect(parseSeconds('-1')).toBeUndefined();
    expect(parseSeconds('5 minutes')).toBeUndefined();
  });
});

describe('flagUsage', () => {
  it('lists each flag with its placeholder, variable, default and old spellings', () => {
    const lines = flagUsage(SPECS);
    expect(lines[0]).toMatch(/^ {2}--data-dir <DIR>\s+X_DATA_DIR\s+data folder \(default data\) \(also --data\)$/);
    expect(lines[1]).toMatch(/--clock-tolerance <seconds>.*\(also --tolerance\)/);
    expect(lines[3]).toMatch(/^ {2}--\[no-\]demo\s/);
    expect(lines[4]).toMatch(/^ {2}--no-trust\s/);
  });
});
