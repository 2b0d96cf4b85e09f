import { SAMPLE_CARD } from '../../helpers/spec-trust.js';
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../server/errors.js';
import { problemStatus } from '../../../server/wire/problem-codes.js';
import type { IssueCardInput } from '../../../server/card/fhir-build.js';
import { DEFAULT_LIFETIME_SEC, MAX_JWS_CHARS, issueCard, signCardPayload, type CardSigner } from '../../../server/card/issue.js';
import { decodeShcNumeric } from '../../../server/card/qr-text.js';
import { ecThumbprint } from '../../../server/trust/thumbprint.js';

const NOW = Date.parse('2026-11-25T02:00:00.750Z'); // fractional second on purpose
const ISS = 'https://demo-issuer.bhyt-kiosk.invalid';

const INPUT: IssueCardInput = SAMPLE_CARD;

let signer: CardSigner;
let publicKey: KeyObject;

beforeAll(() => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  signer = { iss: ISS, kid: ecThumbprint({ crv: 'P-256', x: jwk.x, y: jwk.y }), privateKey: pair.privateKey };
  publicKey = pair.publicKey;
});

function parts(jws: string) {
  const [h, p, s] = jws.split('.') as [string, string, string];
  return {
    h,
    p,
    s,
    header: Buffer.from(h, 'base64url').toString('utf8'),
    payloadBytes: Buffer.from(p, 'base64url'),
    sig: Buffer.from(s, 'base64url'),
  };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

/** The example payload in docs/card-format.md, minified: the issuer ↔ verifier contract. */
function docExample(): { iss: string; nbf: number; exp: number; vc: { rid: string } } {
  const md = readFileSync(resolve(process.cwd(), 'docs/card-format.md'), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(md);
  return JSON.parse(block![1]!);
}

describe('issueCard framing (spec §1)', () => {
  it('protected header is exactly {alg, zip, kid}', async () => {
    const card = await issueCard(INPUT, signer, { now: NOW, rid: 'Xc9k2pQ' });
    const { header } = parts(card.jws);
    expect(JSON.parse(header)).toStrictEqual({ alg: 'ES256', zip: 'DEF', kid: signer.kid });
    expect(header).toBe(JSON.stringify({ alg: 'ES256', zip: 'DEF', kid: signer.kid }));
  });

  it('payload is raw DEFLATE (no zlib wrapper) of minified JSON equal to result.payload', async () => {
    const card = await issueCard(INPUT, signer, { now: NOW, rid: 'Xc9k2pQ' });
    const { payloadBytes } = parts(card.jws);
    expect(() => inflateSync(payloadBytes)).toThrow();
    const json = inflateRawSync(payloadBytes).toString('utf8');
    expect(json).toBe(JSON.stringify(card.payload));
    expect(JSON.stringify(JSON.parse(json))).toBe(json); // minified: re-serialising changes nothing
    expect(json).not.toMatch(/"(meta|id|text)":\{|"div"/); // no meta, no id, no narrative
  });

  it('payload matches the docs/card-format.md example byte for byte', async () => {
    const example = docExample();
    const card = await issueCard(INPUT, signer, { now: example.nbf * 1000, lifetimeSec: example.exp - example.nbf, rid: example.vc.rid });
    expect(JSON.stringify(card.payload)).toBe(JSON.stringify({ ...example, iss: ISS }));
    expect(inflateRawSync(parts(card.jws).payloadBytes).toString('utf8')).toBe(JSON.stringify({ ...example, iss: ISS }));
  });

  it('signature is raw r‖s (64 bytes) over header.payload and verifies', async () => {
    const card = await issueCard(INPUT, signer, { now: NOW });
    const { h, p, sig } = parts(card.jws);
    expect(sig.length).toBe(64);
    expect(verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
  });

  it('nbf = floor(now/1000), exp = nbf + lifetime (default 30 days), rid at vc.rid', async () => {
    const a = await issueCard(INPUT, signer, { now: NOW });
    expect(a.payload.nbf).toBe(Math.floor(NOW / 1000));
    expect(a.payload.exp).toBe(a.payload.nbf + DEFAULT_LIFETIME_SEC);
    expect(a.payload.vc.rid).toBeUndefined();
    const b = await issueCard(INPUT, signer, { now: NOW, lifetimeSec: 3600, rid: 'abc_-9' });
    expect(b.payload.exp).toBe(b.payload.nbf + 3600);
    expect(b.payload.vc.rid).toBe('abc_-9');
    expect(b.payload.iss).toBe(ISS);
  });

  it('qrText is shc:/ plus two digits per JWS character and decodes back', async () => {
    const card = await issueCard(INPUT, signer, { now: NOW });
    expect(card.qrText).toMatch(/^shc:\/\d+$/);
    expect(card.qrText.length).toBe(5 + 2 * card.jws.length);
    expect(decodeShcNumeric(card.qrText.slice(5))).toBe(card.jws);
    expect(card.jws.length).toBeLessThanOrEqual(MAX_JWS_CHARS);
  });

  it('the same card and time give the same signed bytes (only the ECDSA signature varies)', async () => {
    const a = parts((await issueCard(INPUT, signer, { now: NOW, rid: 'r1' })).jws);
    const b = parts((await issueCard(INPUT, signer, { now: NOW, rid: 'r1' })).jws);
    expect(`${a.h}.${a.p}`).toBe(`${b.h}.${b.p}`);
  });
});

describe('FHIR content (spec §2)', () => {
  it('derives mã số BHXH, object code and benefit level from a 15-character number', async () => {
    const { payload } = await issueCard({ ...INPUT, fiveYearDate: undefined, areaCode: undefined, validTo: undefined }, signer, {
      now: NOW,
    });
    const [{ resource: patient }, { resource: coverage }] = payload.vc.credentialSubject.fhirBundle.entry;
    expect(patient.identifier).toStrictEqual([{ system: 'urn:vn:bhxh:ma-so', value: '1201234567' }]);
    expect(coverage.class).toStrictEqual([
      { type: { coding: [{ system: 'urn:vn:bhyt:class', code: 'doi-tuong' }] }, value: 'DN' },
      { type: { coding: [{ system: 'urn:vn:bhyt:class', code: 'muc-huong' }] }, value: '4' },
    ]);
    expect(coverage.extension).toBeUndefined(); // no empty arrays
    expect(coverage.period).toStrictEqual({ start: '2026-01-01' }); // no end date printed
  });

  it('a 10-digit card number takes object code and benefit from the input', async () => {
    const { payload } = await issueCard(
      { ...INPUT, cardNumber: '1201234568', objectCode: 'hs', benefitLevel: 4, birthDate: '2001', gender: 'female' },
      signer,
      { now: NOW },
    );
    const [{ resource: patient }, { resource: coverage }] = payload.vc.credentialSubject.fhirBundle.entry;
    expect(patient).toMatchObject({ birthDate: '2001', gender: 'female', identifier: [{ value: '1201234568' }] });
    expect(coverage).toMatchObject({ subscriberId: '1201234568', class: [{ value: 'HS' }, { value: '4' }] });
  });

  it('normalises the name (NFC, single spaces) and defaults the payor', async () => {
    const decomposed = 'Nguye\u0302\u0303n  Đức Thiện '.normalize('NFD');
    const { payload } = await issueCard({ ...INPUT, fullName: decomposed, issuedBy: undefined }, signer, { now: NOW });
    const [{ resource: patient }, { resource: coverage }] = payload.vc.credentialSubject.fhirBundle.entry;
    expect(patient.name[0].text).toBe('Nguyễn Đức Thiện');
    expect(coverage.payor[0].display).toBe('Bảo hiểm xã hội Việt Nam');
  });
});

describe('input validation (ISSUE_INPUT_INVALID)', () => {
  const cases: [string, Partial<Record<keyof IssueCardInput, unknown>>, string][] = [
    ['card number shape', { cardNumber: 'DN412120123456' }, 'cardNumber'],
    ['benefit digit 0 in card number', { cardNumber: 'DN0121201234567' }, 'cardNumber'],
    ['province not in table', { cardNumber: 'DN4031201234567' }, 'cardNumber'],
    ['mã số BHXH differs from card', { maSoBhxh: '1201234560' }, 'maSoBhxh'],
    ['mã số BHXH shape', { maSoBhxh: '12012345' }, 'maSoBhxh'],
    ['object code differs from card', { objectCode: 'HC' }, 'objectCode'],
    ['benefit differs from card', { benefitLevel: 3 }, 'benefitLevel'],
    ['benefit out of range', { cardNumber: '1201234567', objectCode: 'DN', benefitLevel: 6 }, 'benefitLevel'],
    ['10-digit card without object code', { cardNumber: '1201234567', benefitLevel: 4 }, 'objectCode'],
    ['10-digit card without benefit', { cardNumber: '1201234567', objectCode: 'DN' }, 'benefitLevel'],
    ['empty name', { fullName: '   ' }, 'fullName'],
    ['name with control characters', { fullName: 'A\u0000B' }, 'fullName'],
    ['name too long', { fullName: 'a'.repeat(101) }, 'fullName'],
    ['birth date not a date', { birthDate: '1990-02-30' }, 'birthDate'],
    ['gender', { gender: 'unknown' }, 'gender'],
    ['facility shape', { registeredFacility: '1200' }, 'registeredFacility'],
    ['facility province', { registeredFacility: '03001' }, 'registeredFacility'],
    ['validFrom missing', { validFrom: undefined }, 'validFrom'],
    ['validTo before validFrom', { validTo: '2025-12-31' }, 'validTo'],
    ['five-year date', { fiveYearDate: '2028-13-01' }, 'fiveYearDate'],
    ['area code', { areaCode: 'K4' }, 'areaCode'],
  ];
  for (const [what, patch, field] of cases) {
    it(`rejects: ${what}`, async () => {
      const err = await expectCode(issueCard({ ...INPUT, ...patch } as IssueCardInput, signer, { now: NOW }), 'ISSUE_INPUT_INVALID');
      expect(problemStatus(err.code)).toBe(400);
      const problems = err.extra?.problems as string[];
      expect(problems.some((p) => p.startsWith(field))).toBe(true);
    });
  }

  it('lists every problem, not just the first, and never echoes values', async () => {
    const err = await expectCode(
      issueCard({ ...INPUT, fullName: '', cardNumber: 'XX', gender: 'x' as never, validFrom: 'soon' }, signer, { now: NOW }),
      'ISSUE_INPUT_INVALID',
    );
    expect((err.extra?.problems as string[]).length).toBeGreaterThanOrEqual(4);
    expect(err.detail).not.toContain('soon');
  });

  it('rejects bad claims: rid shape, lifetime, iss', async () => {
    await expectCode(issueCard(INPUT, signer, { now: NOW, rid: 'has space' }), 'ISSUE_INPUT_INVALID');
    await expectCode(issueCard(INPUT, signer, { now: NOW, rid: 'a'.repeat(25) }), 'ISSUE_INPUT_INVALID');
    await expectCode(issueCard(INPUT, signer, { now: NOW, lifetimeSec: 0 }), 'ISSUE_INPUT_INVALID');
    await expectCode(issueCard(INPUT, signer, { now: NOW, lifetimeSec: 1.5 }), 'ISSUE_INPUT_INVALID');
    await expectCode(issueCard(INPUT, { ...signer, iss: 'http://insecure.example' }, { now: NOW }), 'ISSUE_INPUT_INVALID');
    await expectCode(issueCard(INPUT, { ...signer, iss: 'https://x.example/' }, { now: NOW }), 'ISSUE_INPUT_INVALID');
  });
});

describe('signer and size checks', () => {
  it('refuses a kid that is not the key thumbprint', async () => {
    await expectCode(issueCard(INPUT, { ...signer, kid: 'A'.repeat(43) }, { now: NOW }), 'ISSUE_SIGNER_INVALID');
  });

  it('refuses a key that is not P-256', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = createPublicKey(p384.privateKey).export({ format: 'jwk' }) as { x: string; y: string };
    const kid = ecThumbprint({ crv: 'P-384', x: jwk.x, y: jwk.y });
    await expectCode(issueCard(INPUT, { iss: ISS, kid, privateKey: p384.privateKey }, { now: NOW }), 'ISSUE_SIGNER_INVALID');
  });

  it('refuses a card whose JWS would exceed 1195 characters', async () => {
    // Incompressible (pseudo-random) text at the field limits: too big for one QR code.
    let seed = 7;
    const letters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ';
    const noise = (n: number) =>
      Array.from({ length: n }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return letters[seed % letters.length];
      }).join('');
    const err = await expectCode(
      issueCard({ ...INPUT, fullName: noise(100), issuedBy: noise(100) }, signer, { now: NOW }),
      'ISSUE_CARD_TOO_LARGE',
    );
    expect(err.extra?.maxChars).toBe(1195);
    await expectCode(signCardPayload({ blob: noise(2000) }, signer), 'ISSUE_CARD_TOO_LARGE');
  });
});
