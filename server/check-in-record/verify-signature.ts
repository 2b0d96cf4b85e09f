/** STUB: interface fixed; implementation in progress. */

export type SignatureFailure = 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_UNSUPPORTED' | 'CERTIFICATE_MISMATCH';

/**
 * Verifies the CHUKYDONVI signature against a certificate the verifier already trusts (never a
 * key from the document). On success `signedXml` is the content the signature covers.
 */
export declare function verifyCheckInSignature(
  xml: string,
  trustedCertPem: string,
): { ok: true; signedXml: string } | { ok: false; code: SignatureFailure; detail: string };
