/**
 * The facility's signing key and certificate (KIOSK_FACILITY_KEY_FILE, KIOSK_FACILITY_CERT_FILE).
 * STUB: interface fixed; implementation in progress.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';

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

export declare function loadFacilityKey(keyFile: string, certFile: string, now: number): FacilityKey;
