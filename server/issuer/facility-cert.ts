/**
 * A demo facility key and self-signed certificate for signing check-in records (the kiosk's
 * KIOSK_FACILITY_KEY_FILE / KIOSK_FACILITY_CERT_FILE) when no real one is at hand: development,
 * tests and `npm run demo`. The subject says DEMO twice (CN and O); the kiosk flags such a
 * certificate (isDemoFacilityCertificate) like the demo issuer's keys. A real facility's
 * certificate comes from a licensed CA, never from here.
 *
 * The key is made by node:crypto; node-forge only builds and signs the X.509 structure (Node can
 * read certificates but not write them).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { DEMO_FACILITY_ORGANISATION } from '../check-in-record/facility-key.js';

export interface DemoFacilityCertInput {
  /** The facility's 5-character code (in the subject). */
  facility: string;
  /** Validity in days from `now`. */
  days: number;
  /** ms since the epoch. */
  now: number;
}

export interface DemoFacilityCert {
  /** PKCS#8 PEM, unencrypted. */
  keyPem: string;
  certPem: string;
}

/** Issuing a minute back absorbs small clock differences between the kiosk and the portal. */
const BACKDATE_MS = 60_000;
const DAY_MS = 86_400_000;

export function demoFacilitySubject(facility: string): forge.pki.CertificateField[] {
  return [
    { name: 'commonName', value: `DEMO facility ${facility} (bhyt-kiosk)` },
    { name: 'organizationName', value: DEMO_FACILITY_ORGANISATION },
    { name: 'countryName', value: 'VN' },
  ];
}

/** An RSA-2048 key and a self-signed certificate valid from `now` for `days` days. */
export function makeDemoFacilityCert({ facility, days, now }: DemoFacilityCertInput): DemoFacilityCert {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  // A positive serial (first bit clear) of 16 random bytes, as RFC 5280 asks.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
  const subject = demoFacilitySubject(facility);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}
