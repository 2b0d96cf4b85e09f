import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
import { DEMO_KEY_WARNING, generateIssuerKey, privateKeyFromJwk } from '../../../server/issuer/keys.js';
import { ecThumbprint } from '../../../server/trust/thumbprint.js';

describe('generateIssuerKey', () => {
  it('makes a P-256 key whose kid is the RFC 7638 thumbprint (jose and ecThumbprint agree)', async () => {
    const { kid, publicJwk, privateJwk } = await generateIssuerKey({ nbf: 1_735_689_600, exp: 1_924_992_000 });
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kid).toBe(ecThumbprint(publicJwk));
    expect(kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y }, 'sha256'));
    expect(publicJwk).toStrictEqual({
      kty: 'EC',
      crv: 'P-256',
      x: publicJwk.x,
      y: publicJwk.y,
      kid,
      use: 'sig',
      alg: 'ES256',
      nbf: 1_735_689_600,
      exp: 1_924_992_000,
    });
    expect('d' in publicJwk).toBe(false);
    expect(privateJwk._warning).toBe(DEMO_KEY_WARNING);
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(privateKeyFromJwk(privateJwk, 'test').kid).toBe(kid);
  });

  it('refuses an empty window', async () => {
    await expect(generateIssuerKey({ nbf: 10, exp: 10 })).rejects.toMatchObject({ code: 'ISSUER_KEY_INVALID' });
  });

  it('privateKeyFromJwk refuses a file whose kid is not its thumbprint', async () => {
    const { privateJwk } = await generateIssuerKey();
    expect(() => privateKeyFromJwk({ ...privateJwk, kid: 'x'.repeat(43) }, 'f')).toThrow(AppError);
    expect(() => privateKeyFromJwk({ ...privateJwk, crv: 'P-384' }, 'f')).toThrow(AppError);
  });
});
