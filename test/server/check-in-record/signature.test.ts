import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFacilityKey, type FacilityKey } from '../../../server/check-in-record/facility-key.js';
import type { CheckInRecord } from '../../../server/check-in-record/fields.js';
import { certBase64, signCheckInXml, XMLDSIG_PROFILE } from '../../../server/check-in-record/sign.js';
import { verifyCheckInSignature } from '../../../server/check-in-record/verify-signature.js';
import { checkInXml } from '../../../server/check-in-record/xml.js';
import { checkInXsdPath, validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import { makeDemoFacilityCert } from '../../../server/issuer/facility-cert.js';
import { checkInTestRecord } from '../../helpers/check-in-record.js';
import { xmllintSchema, xmlsecVerify } from '../../helpers/xml-tools.js';

const NOW = Date.parse('2026-11-25T02:30:00Z');

const RECORD: CheckInRecord = checkInTestRecord('019ac0de-0000-7000-8000-000000000001', {
  MA_THE_BHYT: 'HC4121201234567',
  MA_DKBD: '12001',
  NGAY_VAO: '202611250930',
  NGAY_YL: '202611250930',
});
const OTHER_RECORD: CheckInRecord = { ...RECORD, MA_LK: '019ac0de-0000-7000-8000-000000000099', HO_TEN: 'Kẻ Mạo Danh' };

let dir: string;
let facility: FacilityKey;
let other: FacilityKey;
let signed: string;

async function keyPair(name: string, facilityCode: string): Promise<FacilityKey> {
  const { keyPem, certPem } = makeDemoFacilityCert({ facility: facilityCode, days: 30, now: NOW });
  await writeFile(join(dir, `${name}-key.pem`), keyPem, { mode: 0o600 });
  await writeFile(join(dir, `${name}-cert.pem`), certPem, { mode: 0o600 });
  return loadFacilityKey(join(dir, `${name}-key.pem`), join(dir, `${name}-cert.pem`), NOW);
}

/** A signature made with xml-crypto directly, for profiles sign.ts never makes. */
function signWith(
  xml: string,
  key: FacilityKey,
  o: { signature?: string; digest?: string; c14n?: string; transforms?: string[]; uri?: string },
) {
  const cert = certBase64(key.certPem);
  const sig = new SignedXml({
    privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    signatureAlgorithm: o.signature ?? XMLDSIG_PROFILE.signature,
    canonicalizationAlgorithm: o.c14n ?? XMLDSIG_PROFILE.canonicalization,
    getKeyInfoContent: () => `<X509Data><X509Certificate>${cert}</X509Certificate></X509Data>`,
  });
  sig.addReference({
    xpath: '/*',
    uri: o.uri ?? '',
    isEmptyUri: (o.uri ?? '') === '',
    transforms: o.transforms ?? [...XMLDSIG_PROFILE.transforms],
    digestAlgorithm: o.digest ?? XMLDSIG_PROFILE.digest,
  });
  sig.computeSignature(xml, { location: { reference: "/*/*[local-name(.)='CHUKYDONVI']", action: 'append' } });
  return sig.getSignedXml();
}

function signatureOf(xml: string): string {
  return /<Signature[\s\S]*<\/Signature>/.exec(xml)![0];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkin-sig-'));
  facility = await keyPair('facility', '12001');
  other = await keyPair('other', '12002');
  signed = signCheckInXml(checkInXml([RECORD]), facility);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signCheckInXml', () => {
  it('puts one enveloped signature in CHUKYDONVI with the pinned profile and the certificate in KeyInfo', () => {
    const sig = signatureOf(signed);
    expect(signed).toMatch(
      /<CHUKYDONVI><Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*<\/Signature><\/CHUKYDONVI>\n<\/CHI_TIEU_TRANG_THAI_KCB>/,
    );
    expect(sig).toContain('<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>');
    expect(sig).toContain('<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>');
    expect(sig).toContain(
      '<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
    );
    expect(sig).toContain(`<X509Certificate>${certBase64(facility.certPem)}</X509Certificate>`);
  });

  it('the signed file still validates against the XSD (library and xmllint CLI)', async () => {
    expect(await validateCheckInXml(signed)).toStrictEqual({ valid: true, errors: [] });
    const cli = await xmllintSchema(checkInXsdPath(), signed);
    expect(cli.code, cli.stderr).toBe(0);
  });

  it('refuses a file that is already signed', () => {
    expect(() => signCheckInXml(signed, facility)).toThrow(/already signed/);
  });

  it('refuses a non-RSA key', () => {
    const ec = createPrivateKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
      },
      format: 'jwk',
    });
    expect(() => signCheckInXml(checkInXml([RECORD]), { ...facility, privateKey: ec })).toThrow(/only RSA/);
  });
});

describe('verifyCheckInSignature', () => {
  it('a signed file verifies; signedXml is the whole document without the signature', () => {
    const r = verifyCheckInSignature(signed, facility.certPem);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.signedXml.startsWith('<CHI_TIEU_TRANG_THAI_KCB>')).toBe(true);
    expect(r.signedXml).toContain('<HO_TEN>Nguyễn Đức Thiện</HO_TEN>');
    expect(r.signedXml).toContain('<CHUKYDONVI></CHUKYDONVI>');
    expect(r.signedXml).not.toContain('Signature');
  });

  it('xmlsec1 (independent) verifies it with the facility certificate, and not with another one', async () => {
    const good = await xmlsecVerify(signed, facility.certPem);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toContain('OK');
    const bad = await xmlsecVerify(signed, other.certPem);
    expect(bad.code).not.toBe(0);
  });

  it('several records, signed: both verifiers agree', async () => {
    const file = signCheckInXml(checkInXml([RECORD, OTHER_RECORD]), facility);
    expect(verifyCheckInSignature(file, facility.certPem).ok).toBe(true);
    expect((await xmlsecVerify(file, facility.certPem)).code).toBe(0);
  });

  it('tampered text → SIGNATURE_INVALID (and xmlsec1 refuses it too)', async () => {
    const tampered = signed.replace('<GIOI_TINH>1</GIOI_TINH>', '<GIOI_TINH>2</GIOI_TINH>');
    expect(verifyCheckInSignature(tampered, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect((await xmlsecVerify(tampered, facility.certPem)).code).not.toBe(0);
  });

  it('a tampered SignatureValue → SIGNATURE_INVALID, and the detail does not quote it', () => {
    const value = /<SignatureValue>([^<]+)</.exec(signed)![1]!;
    const flipped = (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
    const r = verifyCheckInSignature(signed.replace(value, flipped), facility.certPem);
    expect(r).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    if (!r.ok) expect(r.detail).not.toContain(flipped.slice(0, 20));
  });

  it('checked against another certificate → CERTIFICATE_MISMATCH (KeyInfo names the real signer)', () => {
    expect(verifyCheckInSignature(signed, other.certPem)).toMatchObject({ ok: false, code: 'CERTIFICATE_MISMATCH' });
  });

  it('signed by another key that put its own certificate in KeyInfo → CERTIFICATE_MISMATCH; without KeyInfo → SIGNATURE_INVALID', () => {
    const forged = signCheckInXml(checkInXml([RECORD]), other);
    expect(verifyCheckInSignature(forged, facility.certPem)).toMatchObject({ ok: false, code: 'CERTIFICATE_MISMATCH' });
    const noKeyInfo = forged.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, '');
    expect(verifyCheckInSignature(noKeyInfo, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('the key comes from the trusted certificate only: without KeyInfo a genuine signature still verifies (xmlsec1 too)', async () => {
    const bare = signed.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, '');
    expect(bare).not.toContain('KeyInfo');
    expect(verifyCheckInSignature(bare, facility.certPem).ok).toBe(true);
    expect(verifyCheckInSignature(bare, other.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect((await xmlsecVerify(bare, facility.certPem)).code).toBe(0);
    expect((await xmlsecVerify(bare, other.certPem)).code).not.toBe(0);
  });

  it('signature removed → SIGNATURE_MISSING', () => {
    expect(verifyCheckInSignature(checkInXml([RECORD]), facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
    expect(verifyCheckInSignature(signed.replace(signatureOf(signed), ''), facility.certPem)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISSING',
    });
  });

  describe('signature wrapping is refused', () => {
    it('an extra unsigned record injected into the list → SIGNATURE_INVALID', () => {
      const extra = checkInXml([OTHER_RECORD]).split('\n').slice(3, -4).join('\n');
      const injected = signed.replace('  </DSACH_TRANG_THAI_KCB>', `${extra}\n  </DSACH_TRANG_THAI_KCB>`);
      expect(injected).toContain('Kẻ Mạo Danh');
      expect(verifyCheckInSignature(injected, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('the signature moved out of CHUKYDONVI (into a record, or beside CHUKYDONVI) → SIGNATURE_INVALID', () => {
      const sig = signatureOf(signed);
      const without = signed.replace(sig, '');
      const inRecord = without.replace('</TRANG_THAI_KCB>', `${sig}</TRANG_THAI_KCB>`);
      const beside = without.replace('</CHI_TIEU_TRANG_THAI_KCB>', `${sig}</CHI_TIEU_TRANG_THAI_KCB>`);
      for (const file of [inRecord, beside])
        expect(verifyCheckInSignature(file, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('the signed document wrapped inside a new one with other records → SIGNATURE_INVALID', () => {
      const body = signed.replace('<?xml version="1.0" encoding="utf-8"?>\n', '');
      const evil = checkInXml([OTHER_RECORD]).replace(
        '<CHUKYDONVI></CHUKYDONVI>',
        `<CHUKYDONVI>${signatureOf(signed)}</CHUKYDONVI><X>${body}</X>`,
      );
      expect(verifyCheckInSignature(evil, facility.certPem)).toMatchObject({ ok: false });
      const evil2 = checkInXml([OTHER_RECORD]).replace('<CHUKYDONVI></CHUKYDONVI>', `<CHUKYDONVI>${signatureOf(signed)}</CHUKYDONVI>`);
      expect(verifyCheckInSignature(evil2, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('two signatures, or a reference to one element (URI="#…") → SIGNATURE_INVALID', () => {
      const sig = signatureOf(signed);
      const twice = signed.replace(sig, `${sig}${sig}`);
      expect(verifyCheckInSignature(twice, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
      const byId = signed.replace('<Reference URI="">', '<Reference URI="#r1">');
      expect(verifyCheckInSignature(byId, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
      const noUri = signed.replace('<Reference URI="">', '<Reference>');
      expect(verifyCheckInSignature(noUri, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('a DOCTYPE (entities) → SIGNATURE_INVALID before any check', () => {
      const withDoctype = signed.replace(
        '<CHI_TIEU_TRANG_THAI_KCB>',
        '<!DOCTYPE CHI_TIEU_TRANG_THAI_KCB [<!ENTITY e "x">]><CHI_TIEU_TRANG_THAI_KCB>',
      );
      expect(verifyCheckInSignature(withDoctype, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });
  });

  describe('only the pinned algorithms', () => {
    const unsigned = () => checkInXml([RECORD]);

    it.each([
      ['RSA-SHA1', { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }],
      ['RSA-SHA512', { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512' }],
      ['SHA-1 digest', { digest: 'http://www.w3.org/2000/09/xmldsig#sha1' }],
      ['inclusive c14n', { c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' }],
      ['c14n with comments', { c14n: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments' }],
      ['enveloped only (no c14n transform)', { transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature'] }],
      ['an extra transform', { transforms: [...XMLDSIG_PROFILE.transforms, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'] }],
    ])('%s, genuinely signed by the facility → SIGNATURE_UNSUPPORTED', (_name, profile) => {
      const file = signWith(unsigned(), facility, profile);
      expect(verifyCheckInSignature(file, facility.certPem)).toMatchObject({ ok: false, code: 'SIGNATURE_UNSUPPORTED' });
    });

    it('the same helper with the pinned profile verifies (the refusals above are about the algorithm alone)', () => {
      expect(verifyCheckInSignature(signWith(unsigned(), facility, {}), facility.certPem).ok).toBe(true);
    });
  });

  it('throws only for a trusted certificate that is not a certificate (the caller’s configuration)', () => {
    expect(() => verifyCheckInSignature(signed, 'not a cert')).toThrow();
    expect(new X509Certificate(facility.certPem).checkPrivateKey(facility.privateKey)).toBe(true);
  });
});
