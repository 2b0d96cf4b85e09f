/**
 * Test helper: a self-signed HTTPS certificate for the kiosk's own TLS (KIOSK_TLS_CERT_FILE /
 * KIOSK_TLS_KEY_FILE) naming localhost, 127.0.0.1 and ::1, written as PEM files (key mode 0600).
 * Trust the certificate itself as the CA on the client side.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsCertFiles {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

export function makeTlsCert(opts: { commonName?: string; now?: number; days?: number } = {}): { certPem: string; keyPem: string } {
  const now = opts.now ?? Date.now();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + (opts.days ?? 30) * 86_400_000);
  const subject = [{ name: 'commonName', value: opts.commonName ?? 'bhyt-kiosk test' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}

export function writeTlsCertFiles(dir: string, opts: { commonName?: string; now?: number; days?: number } = {}): TlsCertFiles {
  const { certPem, keyPem } = makeTlsCert(opts);
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  writeFileSync(certFile, certPem, { mode: 0o644 });
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return { certFile, keyFile, certPem, keyPem };
}
