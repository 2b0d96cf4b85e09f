import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacilityKeyError, isDemoFacilityCertificate, loadFacilityKey } from '../../../server/check-in-record/facility-key.js';
import { makeDemoFacilityCert } from '../../../server/issuer/facility-cert.js';

const NOW = Date.parse('2026-11-25T02:30:00Z');
const DAY = 86_400_000;

let dir: string;
let n = 0;
let pair: { keyPem: string; certPem: string };
let otherPair: { keyPem: string; certPem: string };

async function files(keyPem: string, certPem: string, modes: { key?: number; cert?: number } = {}) {
  const id = ++n;
  const keyFile = join(dir, `k${id}.pem`);
  const certFile = join(dir, `c${id}.pem`);
  await writeFile(keyFile, keyPem, { mode: 0o600 });
  await writeFile(certFile, certPem, { mode: 0o600 });
  if (modes.key !== undefined) await chmod(keyFile, modes.key);
  if (modes.cert !== undefined) await chmod(certFile, modes.cert);
  return { keyFile, certFile };
}

function refusal(keyFile: string, certFile: string, now = NOW): FacilityKeyError {
  try {
    loadFacilityKey(keyFile, certFile, now);
  } catch (err) {
    if (err instanceof FacilityKeyError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'facility-key-'));
  pair = makeDemoFacilityCert({ facility: '12001', days: 30, now: NOW });
  otherPair = makeDemoFacilityCert({ facility: '12002', days: 30, now: NOW });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadFacilityKey', () => {
  it('a good pair: key, certificate, subject on one line, notAfter ISO, DEMO flag, SHA-256 fingerprint of the DER', async () => {
    const { keyFile, certFile } = await files(pair.keyPem, pair.certPem);
    const k = loadFacilityKey(keyFile, certFile, NOW);
    expect(k.privateKey.asymmetricKeyType).toBe('rsa');
    expect(k.certificate.checkPrivateKey(k.privateKey)).toBe(true);
    expect(k.subject).toBe('CN=DEMO facility 12001 (bhyt-kiosk), O=DEMO - not a real facility, C=VN');
    expect(k.notAfter).toBe(new Date(NOW + 30 * DAY).toISOString());
    expect(k.demo).toBe(true);
    expect(k.fingerprint).toBe(createHash('sha256').update(new X509Certificate(pair.certPem).raw).digest('hex'));
    expect(k.certPem).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('a key or certificate readable by group or others → FACILITY_KEY_PERMISSIONS, naming the variable', async () => {
    const key = await files(pair.keyPem, pair.certPem, { key: 0o644 });
    const e1 = refusal(key.keyFile, key.certFile);
    expect(e1.code).toBe('FACILITY_KEY_PERMISSIONS');
    expect(e1.message).toBe(`KIOSK_FACILITY_KEY_FILE ${key.keyFile} is readable by others: chmod 600 it`);
    const cert = await files(pair.keyPem, pair.certPem, { cert: 0o640 });
    const e2 = refusal(cert.keyFile, cert.certFile);
    expect(e2.code).toBe('FACILITY_KEY_PERMISSIONS');
    expect(e2.message).toContain('KIOSK_FACILITY_CERT_FILE');
  });

  it('the key of another certificate → FACILITY_KEY_MISMATCH', async () => {
    const { keyFile, certFile } = await files(otherPair.keyPem, pair.certPem);
    const e = refusal(keyFile, certFile);
    expect(e.code).toBe('FACILITY_KEY_MISMATCH');
    expect(e.message).toContain('KIOSK_FACILITY_KEY_FILE');
    expect(e.message).toContain('KIOSK_FACILITY_CERT_FILE');
  });

  it('expired → FACILITY_CERT_EXPIRED; not yet valid → FACILITY_CERT_NOT_YET_VALID', async () => {
    const { keyFile, certFile } = await files(pair.keyPem, pair.certPem);
    expect(refusal(keyFile, certFile, NOW + 31 * DAY).code).toBe('FACILITY_CERT_EXPIRED');
    expect(refusal(keyFile, certFile, NOW - 2 * 60_000).code).toBe('FACILITY_CERT_NOT_YET_VALID');
    // One minute's backdating absorbs a small clock difference.
    expect(loadFacilityKey(keyFile, certFile, NOW - 30_000).demo).toBe(true);
  });

  it('missing file → FACILITY_KEY_UNREADABLE / FACILITY_CERT_UNREADABLE; not PEM → FACILITY_KEY_INVALID / FACILITY_CERT_INVALID', async () => {
    const { keyFile, certFile } = await files(pair.keyPem, pair.certPem);
    expect(refusal(join(dir, 'absent.pem'), certFile).code).toBe('FACILITY_KEY_UNREADABLE');
    const junkKey = await files('not a key', pair.certPem);
    expect(refusal(junkKey.keyFile, junkKey.certFile).code).toBe('FACILITY_KEY_INVALID');
    const junkCert = await files(pair.keyPem, 'not a cert');
    expect(refusal(junkCert.keyFile, junkCert.certFile).code).toBe('FACILITY_CERT_INVALID');
    expect(refusal(keyFile, join(dir, 'absent.pem')).code).toBe('FACILITY_CERT_UNREADABLE');
  });

  it('an EC key or a short RSA key → FACILITY_KEY_UNSUPPORTED', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ecFiles = await files(ec, pair.certPem);
    expect(refusal(ecFiles.keyFile, ecFiles.certFile).code).toBe('FACILITY_KEY_UNSUPPORTED');
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const shortFiles = await files(short, pair.certPem);
    const e = refusal(shortFiles.keyFile, shortFiles.certFile);
    expect(e.code).toBe('FACILITY_KEY_UNSUPPORTED');
    expect(e.message).toContain('RSA-1024');
  });
});

describe('isDemoFacilityCertificate', () => {
  it('true for the demo certificate', () => {
    expect(isDemoFacilityCertificate(new X509Certificate(pair.certPem))).toBe(true);
  });

  it('false for a certificate that does not say DEMO in its organisation; loadFacilityKey then says demo: false', async () => {
    const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(NOW - DAY);
    cert.validity.notAfter = new Date(NOW + DAY);
    // UTF8String, as a Vietnamese CA writes a facility's name (@types/node-forge calls the tag a class).
    const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
    const subject = [
      { name: 'commonName', value: forge.util.encodeUtf8('Bệnh viện Đa khoa 12001'), valueTagClass: UTF8 },
      { name: 'organizationName', value: forge.util.encodeUtf8('Bệnh viện Đa khoa tỉnh Lai Châu'), valueTagClass: UTF8 },
    ];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    expect(isDemoFacilityCertificate(new X509Certificate(certPem))).toBe(false);
    const { keyFile, certFile } = await files(forge.pki.privateKeyToPem(keys.privateKey), certPem);
    expect(loadFacilityKey(keyFile, certFile, NOW).demo).toBe(false);
  });
});
