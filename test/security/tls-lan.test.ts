/**
 * Issue #14 item 4: safe on a LAN. HTTPS from KIOSK_TLS_CERT_FILE / KIOSK_TLS_KEY_FILE with
 * Secure cookies and HSTS; a network listen address without TLS refuses to start (exit 2) unless
 * KIOSK_ALLOW_PLAIN_LAN=true, which is then warned at start and in /api/status (PLAIN_LAN); an
 * anonymous /api/verify on a network listener is limited per address (429 VERIFY_RATE_LIMITED,
 * Retry-After) while a signed-in session is not, and loopback is unchanged.
 */
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.js';
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import type { Logger } from '../../server/logger.js';
import { hashPassword } from '../../server/users/password.js';
import { UserRepository } from '../../server/users/user-repo.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { startTestKiosk } from '../helpers/kiosk-service.js';
import { makeTlsCert, writeTlsCertFiles, type TlsCertFiles } from '../helpers/tls-cert.js';
import { NOW, PASSWORD, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import { send } from './http-client.js';

let dir: string;
let issuer: TestIssuer;
let tls: TlsCertFiles;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tls-lan-'));
  issuer = await makeTestIssuer({ now: NOW });
  tls = writeTlsCertFiles(dir);
});
afterAll(async () => {
  await issuer?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The service's entry point as an operator runs it, to completion (it must refuse to start). */
function refusedStart(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, KIOSK_PORT: '', KIOSK_HOST: '', KIOSK_ALLOW_PLAIN_LAN: '', ...env },
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
}

async function addUser(dataDir: string, username: string): Promise<void> {
  const { db } = await openKioskDatabase(dataDir, NOW);
  const users = new UserRepository(db, fixedClock(NOW));
  const rnd = { bytes: (n: number) => Buffer.alloc(n, 7) };
  await users.create({
    username,
    displayName: 'Nguyễn Thị Thu',
    cccd: '001190012345',
    role: 'receptionist',
    passwordHash: await hashPassword(PASSWORD, rnd),
  });
  await db.close();
}

/** The certificate the server presents right now (a fresh connection). */
function servedCertificate(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const pem = s.getPeerX509Certificate()?.fingerprint256 ?? '';
      s.end();
      resolve(pem);
    });
    s.on('error', reject);
  });
}

describe('HTTPS (KIOSK_TLS_CERT_FILE, KIOSK_TLS_KEY_FILE)', () => {
  const reloads: Array<Record<string, unknown> | undefined> = [];
  const logger: Logger = {
    debug() {},
    info: (_m, f) => void (f?.code === 'TLS_RELOADED' && reloads.push(f)),
    warn: (_m, f) => void (f?.code === 'TLS_RELOAD_FAILED' && reloads.push(f)),
    error() {},
  };
  let svc: Awaited<ReturnType<typeof startTestKiosk>> | undefined;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  it('serves HTTPS: Secure session cookie, Strict-Transport-Security on pages and API; plain HTTP is not answered', async () => {
    svc = await startTestKiosk({
      trustFile: issuer.trustFile,
      flags: ['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile],
      service: { logger },
    });
    expect(svc.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await addUser(svc.dataDir, 'thu-ngan');
    const login = await send(svc.url, 'POST', '/api/session', { ca: tls.certPem, body: { username: 'thu-ngan', password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/kiosk_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000');
    const token = /kiosk_session=([^;]*)/.exec(cookie)![1]!;
    const me = await send(svc.url, 'GET', '/api/session', { ca: tls.certPem, headers: { cookie: `kiosk_session=${token}` } });
    expect([me.status, me.json.user.username]).toEqual([200, 'thu-ngan']);
    const logout = await send(svc.url, 'DELETE', '/api/session', { ca: tls.certPem, headers: { cookie: `kiosk_session=${token}` } });
    expect(String(logout.headers['set-cookie'])).toMatch(/Max-Age=0; Secure/);
    for (const path of ['/api/status', '/api/health', '/']) {
      const r = await send(svc.url, 'GET', path, { ca: tls.certPem });
      expect(r.headers['strict-transport-security'], path).toBe('max-age=31536000');
    }
    const verify = await send(svc.url, 'POST', '/api/verify', { ca: tls.certPem, body: { qr: (await issuer.issue({})).qrText } });
    expect(verify.status).toBe(200);
    expect(verify.headers['strict-transport-security']).toBe('max-age=31536000');
    // Not trusted → refused by the client; plain HTTP → no HTTP answer.
    await expect(send(svc.url, 'GET', '/api/health')).rejects.toThrow();
    await expect(send(svc.url.replace('https:', 'http:'), 'GET', '/api/health')).rejects.toThrow();
  });

  it('a renewed certificate is taken without a restart; a broken one is not', async () => {
    const files = writeTlsCertFiles(mkdtempSync(join(dir, 'renew-')), { commonName: 'first' });
    svc = await startTestKiosk({
      trustFile: issuer.trustFile,
      flags: ['--tls-cert-file', files.certFile, '--tls-key-file', files.keyFile],
      service: { logger, tlsReloadIntervalMs: 20 },
    });
    const port = Number(new URL(svc.url).port);
    const first = new X509Certificate(files.certPem).fingerprint256;
    expect(await servedCertificate(port, files.certPem)).toBe(first);
    // A key that does not match the certificate: refused, the first one stays.
    reloads.length = 0;
    const other = makeTlsCert({ commonName: 'other' });
    writeFileSync(files.keyFile, other.keyPem);
    await expect.poll(() => reloads.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(reloads[0]).toMatchObject({ code: 'TLS_RELOAD_FAILED' });
    expect(JSON.stringify(reloads[0])).not.toContain('PRIVATE KEY');
    expect(await servedCertificate(port, files.certPem)).toBe(first);
    // The matching certificate arrives: taken.
    reloads.length = 0;
    writeFileSync(files.certFile, other.certPem);
    await expect.poll(() => reloads.some((r) => r?.code === 'TLS_RELOADED'), { timeout: 10_000 }).toBe(true);
    expect(await servedCertificate(port, other.certPem)).toBe(new X509Certificate(other.certPem).fingerprint256);
  });

  it('refuses to start (exit 2, every mistake listed) on an unreadable file, a key of another certificate, one file without the other', () => {
    const other = makeTlsCert();
    const wrongKey = join(dir, 'wrong-key.pem');
    writeFileSync(wrongKey, other.keyPem, { mode: 0o600 });
    const notPem = join(dir, 'not-a-cert.pem');
    writeFileSync(notPem, 'hello');
    const base = ['--port', '0', '--data-dir', join(dir, 'refused-data'), '--trust-file', issuer.trustFile];
    const mismatch = refusedStart([...base, '--tls-cert-file', tls.certFile, '--tls-key-file', wrongKey]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/KIOSK_TLS_KEY_FILE \(--tls-key-file\): the key in .*wrong-key\.pem does not match the certificate/);
    expect(mismatch.stderr).not.toContain('PRIVATE KEY');
    const unreadable = refusedStart([...base, '--tls-cert-file', join(dir, 'missing.pem'), '--tls-key-file', tls.keyFile]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/KIOSK_TLS_CERT_FILE \(--tls-cert-file\): cannot read .*missing\.pem \(ENOENT\)/);
    const garbage = refusedStart([...base], { KIOSK_TLS_CERT_FILE: notPem, KIOSK_TLS_KEY_FILE: tls.keyFile });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/not-a-cert\.pem is not a PEM certificate/);
    const half = refusedStart([...base, '--tls-cert-file', tls.certFile]);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/go together: set both or neither/);
  });
});

describe('a network listen address', () => {
  it('without TLS refuses to start (exit 2) and says what to do', () => {
    const r = refusedStart(['--port', '0', '--host', '0.0.0.0', '--data-dir', join(dir, 'lan-data'), '--trust-file', issuer.trustFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KIOSK_HOST \(--host\) 0\.0\.0\.0 is reachable from the network/);
    expect(r.stderr).toMatch(/KIOSK_TLS_CERT_FILE/);
    expect(r.stderr).toMatch(/KIOSK_ALLOW_PLAIN_LAN=true/);
    const viaEnv = refusedStart(['--port', '0', '--data-dir', join(dir, 'lan-data'), '--trust-file', issuer.trustFile], {
      KIOSK_HOST: '::',
      KIOSK_PUBLIC_HOSTS: 'https://kiosk.vn',
    });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toMatch(/KIOSK_HOST \(--host\) :: is reachable/);
    expect(viaEnv.stderr).toMatch(/KIOSK_PUBLIC_HOSTS \(--public-hosts\): "https:\/\/kiosk.vn" is not a host name/);
  });

  it('with KIOSK_ALLOW_PLAIN_LAN=true starts, warns on the console and in /api/status (PLAIN_LAN)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/main.ts',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'plain-lan'),
        '--trust-file',
        issuer.trustFile,
        '--trust-refresh',
        '0',
        '--no-demo-accounts',
      ],
      {
        cwd: process.cwd(),
        env: { ...process.env, KIOSK_PORT: '', KIOSK_HOST: '0.0.0.0', KIOSK_ALLOW_PLAIN_LAN: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      let err = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
          const m = /"url":"(http:\/\/[^"]+)"/.exec(err);
          if (m && err.includes('PLAIN HTTP ON THE NETWORK:')) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(err).toMatch(/"code":"PLAIN_LAN"/);
      const status = await send(url, 'GET', '/api/status');
      expect(status.json.warnings).toContain('PLAIN_LAN');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('a loopback service has no PLAIN_LAN warning', async () => {
    const k = await startLogKiosk({ accounts: false });
    try {
      expect((await k.request('GET', '/api/status')).json.warnings).not.toContain('PLAIN_LAN');
    } finally {
      await k.close();
    }
  });
});

describe('anonymous /api/verify on a network listener', () => {
  let k: LogKiosk | undefined;
  afterEach(async () => {
    await k?.close();
    k = undefined;
  });

  it('is limited per address (30, then one every 2 s: 429 VERIFY_RATE_LIMITED with Retry-After); a signed-in desk is not', async () => {
    k = await startLogKiosk({ flags: ['--host', '0.0.0.0', '--allow-plain-lan'] });
    const qr = await k.card(1);
    for (let i = 0; i < 30; i++) expect((await k.request('POST', '/api/verify', { body: { qr } })).status).toBe(200);
    const limited = await k.request('POST', '/api/verify', { body: { qr } });
    expect([limited.status, limited.json.code]).toEqual([429, 'VERIFY_RATE_LIMITED']);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.json.retryAfterSec).toBe(2);
    expect(JSON.stringify(limited.json)).not.toMatch(/DN4121/); // nothing of the card
    // A bad or stale cookie is anonymous too.
    const forged = await k.request('POST', '/api/verify', { body: { qr }, cookie: `kiosk_session=${'A'.repeat(43)}` });
    expect(forged.status).toBe(429);
    // Signed in: not limited.
    for (let i = 0; i < 50; i++)
      expect((await k.request('POST', '/api/verify', { body: { qr }, cookie: k.cookies.receptionist })).status).toBe(200);
    // The frozen clock moves on: one more token.
    k.clock.advance(2000);
    expect((await k.request('POST', '/api/verify', { body: { qr } })).status).toBe(200);
    expect((await k.request('POST', '/api/verify', { body: { qr } })).status).toBe(429);
  });

  it('on loopback nothing is limited (the hot path)', async () => {
    k = await startLogKiosk({ accounts: false });
    const qr = await k.card(2);
    const replies = await Promise.all(Array.from({ length: 100 }, () => k!.request('POST', '/api/verify', { body: { qr } })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
  });
});
