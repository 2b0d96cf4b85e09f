/**
 * The facility's signing key and certificate (KIOSK_FACILITY_KEY_FILE, KIOSK_FACILITY_CERT_FILE):
 * PEM files readable by their owner only (0600, like the portal password file), the key matching
 * the certificate, RSA of 2048 bits or more, the certificate valid now. Every refusal is a
 * FacilityKeyError with a stable code and a one-line message naming the variable and the file
 * (never its content).
 *
 * RSA only: the XML-signature library (xml-crypto) has no ECDSA, and a hand-rolled one would be
 * the kind of signing code the issue asks us not to write; an EC key is refused by name.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export interface FacilityKey {
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** The certificate as PEM (for the reference portal's registry and KeyInfo). */
  certPem: string;
  subject: string;
  notAfter: string;
  /** Made by `issuer facility-cert`: never acceptable at a real facility. */
  demo: boolean;
  /** SHA-256 of the certificate's DER, hex. */
  fingerprint: string;
}

export const FACILITY_KEY_ENV = 'KIOSK_FACILITY_KEY_FILE';
export const FACILITY_CERT_ENV = 'KIOSK_FACILITY_CERT_FILE';

export type FacilityKeyErrorCode =
  | 'FACILITY_KEY_UNREADABLE'
  | 'FACILITY_KEY_PERMISSIONS'
  | 'FACILITY_KEY_INVALID'
  | 'FACILITY_KEY_UNSUPPORTED'
  | 'FACILITY_KEY_MISMATCH'
  | 'FACILITY_CERT_UNREADABLE'
  | 'FACILITY_CERT_INVALID'
  | 'FACILITY_CERT_NOT_YET_VALID'
  | 'FACILITY_CERT_EXPIRED';

/** The facility key or certificate cannot be used; `message` is one line for the operator's console. */
export class FacilityKeyError extends Error {
  readonly code: FacilityKeyErrorCode;
  constructor(code: FacilityKeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FacilityKeyError';
    this.code = code;
  }
}

/** The smallest RSA modulus accepted (bits). */
export const MIN_RSA_BITS = 2048;

/**
 * What `issuer facility-cert` writes in the subject (server/issuer/facility-cert.ts). The
 * organisation is the marker: a real facility's certificate, issued by a real CA, never says it.
 */
export const DEMO_FACILITY_ORGANISATION = 'DEMO - not a real facility';

/** Whether the certificate is a demo one made by `issuer facility-cert`. */
export function isDemoFacilityCertificate(cert: X509Certificate): boolean {
  return cert.subject.split('\n').includes(`O=${DEMO_FACILITY_ORGANISATION}`);
}

/** The subject on one line: `CN=…, O=…`. */
function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}

/** Reads a secret-bearing file the way the portal password file is read: owner-only, or refused. */
function readOwnerOnly(path: string, env: string, what: 'KEY' | 'CERT'): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FacilityKeyError(what === 'KEY' ? 'FACILITY_KEY_UNREADABLE' : 'FACILITY_CERT_UNREADABLE', `${env} ${path} cannot be read`, {
      cause: err,
    });
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new FacilityKeyError('FACILITY_KEY_PERMISSIONS', `${env} ${path} is readable by others: chmod 600 it`);
  return text;
}

/**
 * Loads and checks the pair at instant `now` (ms). Throws FacilityKeyError; the caller decides
 * whether that stops the service or only the reporting (records wait, nothing is lost).
 */
export function loadFacilityKey(keyFile: string, certFile: string, now: number): FacilityKey {
  const keyText = readOwnerOnly(keyFile, FACILITY_KEY_ENV, 'KEY');
  const certPem = readOwnerOnly(certFile, FACILITY_CERT_ENV, 'CERT');

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyText, format: 'pem' });
  } catch (err) {
    throw new FacilityKeyError('FACILITY_KEY_INVALID', `${FACILITY_KEY_ENV} ${keyFile} is not an unencrypted PEM private key`, {
      cause: err,
    });
  }
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new FacilityKeyError(
      'FACILITY_KEY_UNSUPPORTED',
      `${FACILITY_KEY_ENV} ${keyFile} is a ${privateKey.asymmetricKeyType ?? 'unknown'} key: only RSA (${MIN_RSA_BITS} bits or more) is supported`,
    );
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new FacilityKeyError(
      'FACILITY_KEY_UNSUPPORTED',
      `${FACILITY_KEY_ENV} ${keyFile} is RSA-${bits}: at least ${MIN_RSA_BITS} bits are needed`,
    );

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (err) {
    throw new FacilityKeyError('FACILITY_CERT_INVALID', `${FACILITY_CERT_ENV} ${certFile} is not a PEM X.509 certificate`, { cause: err });
  }
  if (!certificate.checkPrivateKey(privateKey))
    throw new FacilityKeyError(
      'FACILITY_KEY_MISMATCH',
      `${FACILITY_KEY_ENV} ${keyFile} is not the key of the certificate in ${FACILITY_CERT_ENV} ${certFile}`,
    );

  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter))
    throw new FacilityKeyError('FACILITY_CERT_INVALID', `${FACILITY_CERT_ENV} ${certFile} has an unreadable validity period`);
  if (now < notBefore)
    throw new FacilityKeyError(
      'FACILITY_CERT_NOT_YET_VALID',
      `${FACILITY_CERT_ENV} ${certFile} is not valid before ${new Date(notBefore).toISOString()}`,
    );
  if (now > notAfter)
    throw new FacilityKeyError('FACILITY_CERT_EXPIRED', `${FACILITY_CERT_ENV} ${certFile} expired on ${new Date(notAfter).toISOString()}`);

  return {
    privateKey,
    certificate,
    certPem: certificate.toString(),
    subject: oneLine(certificate.subject),
    notAfter: new Date(notAfter).toISOString(),
    demo: isDemoFacilityCertificate(certificate),
    fingerprint: createHash('sha256').update(certificate.raw).digest('hex'),
  };
}
