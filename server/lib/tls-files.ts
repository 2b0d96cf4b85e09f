/**
 * The kiosk's own HTTPS certificate and key (KIOSK_TLS_CERT_FILE, KIOSK_TLS_KEY_FILE): read and
 * checked together, at start (a mistake is a configuration error, exit 2) and again whenever a
 * file changes (a renewed certificate is taken without a restart; a broken one is not taken).
 * Problem texts name the variable and the file, never the key's content.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const TLS_CERT_ENV = 'KIOSK_TLS_CERT_FILE (--tls-cert-file)';
export const TLS_KEY_ENV = 'KIOSK_TLS_KEY_FILE (--tls-key-file)';

export type TlsFiles = { ok: true; cert: string; key: string; notAfter: number } | { ok: false; problems: string[] };

function read(file: string, source: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${source}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

export function readTlsFiles(certFile: string, keyFile: string): TlsFiles {
  const problems: string[] = [];
  const certPem = read(certFile, TLS_CERT_ENV, problems);
  const keyPem = read(keyFile, TLS_KEY_ENV, problems);
  let cert: X509Certificate | undefined;
  let key: ReturnType<typeof createPrivateKey> | undefined;
  if (certPem !== undefined) {
    try {
      cert = new X509Certificate(certPem);
    } catch {
      problems.push(`${TLS_CERT_ENV}: ${certFile} is not a PEM certificate`);
    }
  }
  if (keyPem !== undefined) {
    try {
      key = createPrivateKey(keyPem);
    } catch {
      problems.push(`${TLS_KEY_ENV}: ${keyFile} is not a PEM private key (unencrypted)`);
    }
  }
  if (cert && key && !cert.checkPrivateKey(key))
    problems.push(`${TLS_KEY_ENV}: the key in ${keyFile} does not match the certificate in ${certFile}`);
  if (problems.length > 0 || !cert) return { ok: false, problems };
  return { ok: true, cert: certPem!, key: keyPem!, notAfter: Date.parse(cert.validTo) };
}
