import { describe, expect, it } from 'vitest';
import { MAX_JWS_CHARS, parseJws, parseProtectedHeader, splitCompactJws } from '../../../server/card/jws.js';
import { vector } from '../../helpers/shc-vectors.js';

const h = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const ok = { alg: 'ES256', kid: 'abc', zip: 'DEF' };

describe('splitCompactJws', () => {
  it('splits three base64url parts and keeps the signing input as sent', () => {
    const r = splitCompactJws('aaaa.bbbb.cccc');
    expect(r).toEqual({ ok: true, parts: { header: 'aaaa', payload: 'bbbb', signature: 'cccc', signingInput: 'aaaa.bbbb' } });
  });

  it.each([
    'aaaa.bbbb',
    'aaaa.bbbb.cccc.dddd',
    'aaaa..cccc',
    '.bbbb.cccc',
    'aa=a.bbbb.cccc',
    'aaaa.bb+b.cccc',
    'aaaa.bbbb.c',
    'a.bbbb.cccc',
  ])('refuses %s', (s) => {
    expect(splitCompactJws(s)).toEqual({ ok: false, code: 'JWS_MALFORMED' });
  });
});

describe('parseProtectedHeader', () => {
  it('accepts exactly alg/kid/zip in any order', () => {
    expect(parseProtectedHeader(h(ok))).toEqual({ ok: true, header: ok });
    expect(parseProtectedHeader(h({ zip: 'DEF', kid: 'k', alg: 'ES256' })).ok).toBe(true);
  });

  it.each([
    ['alg missing', { kid: 'k', zip: 'DEF' }],
    ['alg none', { alg: 'none', kid: 'k', zip: 'DEF' }],
    ['alg RS256', { alg: 'RS256', kid: 'k', zip: 'DEF' }],
    ['alg lower case', { alg: 'es256', kid: 'k', zip: 'DEF' }],
    ['zip missing', { alg: 'ES256', kid: 'k' }],
    ['zip GZIP', { alg: 'ES256', kid: 'k', zip: 'GZIP' }],
    ['kid missing', { alg: 'ES256', zip: 'DEF' }],
    ['kid empty', { alg: 'ES256', kid: '', zip: 'DEF' }],
    ['kid number', { alg: 'ES256', kid: 7, zip: 'DEF' }],
    ['jku', { ...ok, jku: 'https://evil.example/jwks' }],
    ['jwk', { ...ok, jwk: { kty: 'EC' } }],
    ['x5u', { ...ok, x5u: 'https://evil.example/cert' }],
    ['x5c', { ...ok, x5c: ['MII'] }],
    ['crit', { ...ok, crit: ['b64'] }],
    ['b64', { ...ok, b64: false }],
    ['typ', { ...ok, typ: 'JWT' }],
    ['cty', { ...ok, cty: 'x' }],
  ])('HEADER_INVALID: %s', (_name, header) => {
    expect(parseProtectedHeader(h(header))).toMatchObject({ ok: false, code: 'HEADER_INVALID' });
  });

  it.each([
    ['not JSON', h('not json')],
    ['an array', h([1, 2])],
    ['null', h('null')],
    ['a string', h('"x"')],
    ['too long', h({ ...ok, kid: 'k'.repeat(600) })],
  ])('JWS_MALFORMED: %s', (_name, b64) => {
    expect(parseProtectedHeader(b64)).toMatchObject({ ok: false, code: 'JWS_MALFORMED' });
  });
});

describe('parseJws', () => {
  it('enforces the 1195-character limit after the header rules', () => {
    const long = `${h(ok)}.${'A'.repeat(MAX_JWS_CHARS)}.${'B'.repeat(86)}`;
    expect(parseJws(long)).toMatchObject({ ok: false, code: 'JWS_MALFORMED' });
    const longBadHeader = `${h({ alg: 'ES256', kid: 'k' })}.${'A'.repeat(MAX_JWS_CHARS)}.${'B'.repeat(86)}`;
    expect(parseJws(longBadHeader)).toMatchObject({ ok: false, code: 'HEADER_INVALID' });
  });

  it('accepts exactly the limit and refuses one more', () => {
    const head = h({ alg: 'ES256', kid: 'abcde', zip: 'DEF' }); // 55 chars: the payload part is 1052, a valid base64url length
    const sig = 'B'.repeat(86);
    const pay = 'A'.repeat(MAX_JWS_CHARS - head.length - sig.length - 2);
    const jws = `${head}.${pay}.${sig}`;
    expect(jws.length).toBe(MAX_JWS_CHARS);
    expect(parseJws(jws).ok).toBe(true);
    expect(parseJws(`${head}.${pay}AAAA.${sig}`)).toMatchObject({ ok: false, code: 'JWS_MALFORMED' });
  });

  it('reads the spec vectors', () => {
    expect(parseJws(vector('shc-spec/example-00-d-jws.txt').trim())).toMatchObject({ ok: true, header: { alg: 'ES256', zip: 'DEF' } });
    expect(parseJws(vector('shc-spec/example-02-d-jws.txt').trim())).toMatchObject({ ok: false, code: 'JWS_MALFORMED' });
    expect(parseJws(vector('shc-negative/test-example-00-d-jws-no_deflate.txt').trim())).toMatchObject({
      ok: false,
      code: 'HEADER_INVALID',
    });
  });
});
