/**
 * The facility's signature on a check-in file: an enveloped XMLDSig inside CHUKYDONVI, made by
 * xml-crypto (a maintained implementation of XMLDSig and exclusive canonicalisation; none of it is
 * written here). One Reference with URI="" (the whole document) and exactly the enveloped-signature
 * and exclusive-c14n transforms, RSA-SHA256 over SHA-256 digests, the facility certificate in
 * KeyInfo/X509Data so the agency can see which certificate signed. verify-signature.ts accepts
 * exactly this profile and nothing else.
 */
import { SignedXml } from 'xml-crypto';
import type { FacilityKey } from './facility-key.js';
import { CHECKIN_SIGNATURE_ELEMENT } from './xml.js';

/** The pinned algorithms (the only ones the verifier accepts). */
export const XMLDSIG_PROFILE = {
  canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
} as const;

export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** The certificate's base64 DER (PEM without armour and line breaks), as X509Certificate carries it. */
export function certBase64(certPem: string): string {
  return certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/**
 * Puts an enveloped XMLDSig (exclusive c14n, RSA-SHA256) into CHUKYDONVI; returns the signed
 * file. Takes the unsigned file (xml.ts); a file that is already signed is refused rather than
 * given a second signature the verifier would refuse.
 */
export function signCheckInXml(xml: string, key: FacilityKey): string {
  if (xml.includes(XMLDSIG_NS)) throw new TypeError('the check-in file is already signed');
  if (key.privateKey.asymmetricKeyType !== 'rsa')
    // facility-key.ts refuses other keys already; this guards a FacilityKey built by hand.
    throw new TypeError(`only RSA facility keys can sign check-in records (got ${key.privateKey.asymmetricKeyType ?? 'unknown'})`);
  const cert = certBase64(key.certPem);
  const sig = new SignedXml({
    privateKey: key.privateKey,
    signatureAlgorithm: XMLDSIG_PROFILE.signature,
    canonicalizationAlgorithm: XMLDSIG_PROFILE.canonicalization,
    getKeyInfoContent: ({ prefix } = {}) => {
      const p = prefix ? `${prefix}:` : '';
      return `<${p}X509Data><${p}X509Certificate>${cert}</${p}X509Certificate></${p}X509Data>`;
    },
  });
  sig.addReference({
    xpath: '/*',
    uri: '',
    isEmptyUri: true,
    transforms: [...XMLDSIG_PROFILE.transforms],
    digestAlgorithm: XMLDSIG_PROFILE.digest,
  });
  sig.computeSignature(xml, {
    location: { reference: `/*/*[local-name(.)='${CHECKIN_SIGNATURE_ELEMENT}']`, action: 'append' },
  });
  return sig.getSignedXml();
}
