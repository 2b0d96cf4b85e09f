/**
 * Issue #14 item 5 (first bullet): everything the service writes into its data folder is
 * private to the service's user: files 0600, folders 0700 (README, "Data folder"). The service
 * is started on a data folder it creates, does a check-in and a trust refresh (the last good
 * refresh is cached there), and every file and folder under it is checked, SQLite's -wal and
 * -shm and the lock file included; then the same with the bundled demo trust file, whose
 * issuer state is copied into the data folder.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKioskService, type RunningService } from '../../server/app/service.js';
import { fixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { renewDemoTrust } from '../../server/issuer/demo-state.js';
import { serveIssuerDir, type RunningIssuerServer } from '../../server/issuer/serve.js';
import { silentLogger } from '../../server/logger.js';
import { projectRoot } from '../../server/project-root.js';
import { makeTestIssuer, type TestIssuer } from '../helpers/demo-issuer.js';
import { writeKioskTrustFile } from '../server/trust/refresh-fixture.js';

const T0 = Date.parse('2026-11-25T02:00:00Z');

/** Every file and folder under `root` (the root itself included) with its permission bits. */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    const st = statSync(p);
    out[relative(root, p) || '.'] = (st.mode & 0o777).toString(8).padStart(4, '0');
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(root);
  return out;
}

function expectPrivate(root: string): Record<string, string> {
  const all = modes(root);
  for (const [path, mode] of Object.entries(all)) {
    const isDir = statSync(join(root, path)).isDirectory();
    expect(`${path} ${mode}`).toBe(`${path} ${isDir ? '0700' : '0600'}`);
  }
  return all;
}

let dir: string;
let issuer: TestIssuer;
let issuerServer: RunningIssuerServer;
const running: RunningService[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'data-modes-'));
  issuer = await makeTestIssuer({ now: T0 });
  issuerServer = await serveIssuerDir(issuer.issuerDir, { port: 0 });
});
afterAll(async () => {
  for (const s of running) await s.close();
  await issuerServer?.close();
  await issuer?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string, trustFile: string, print: (t: string) => void): Promise<RunningService> {
  const loaded = loadConfig(
    ['--port', '0', '--data-dir', dataDir, '--trust-file', trustFile, '--trust-refresh', '0', '--demo-accounts'],
    {},
  );
  if (loaded.help) throw new Error('unexpected --help');
  const s = await startKioskService(loaded.config, { clock: fixedClock(T0), logger: silentLogger, print });
  running.push(s);
  return s;
}

async function post(url: string, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

async function signIn(url: string, printed: string, username: string): Promise<string> {
  const password = new RegExp(`${username}\\s+\\S+\\s+(\\S+)`).exec(printed)![1]!;
  const r = await post(url, '/api/session', { username, password });
  expect(r.status).toBe(200);
  return /kiosk_session=[^;]+/.exec(r.headers.get('set-cookie')!)![0];
}

describe('data folder modes (issue #14 item 5)', () => {
  it('after a check-in and a trust refresh every file is 0600 and every folder 0700', async () => {
    const trustFile = join(dir, 'trust.json');
    await writeKioskTrustFile(trustFile, issuer, issuerServer.url);
    const dataDir = join(dir, 'created-by-the-service', 'data');
    let printed = '';
    const s = await start(dataDir, trustFile, (t) => (printed += t));
    const receptionist = await signIn(s.url, printed, 'le-tan');
    const admin = await signIn(s.url, printed, 'quan-tri');
    const checkIn = await post(s.url, '/api/check-ins', { qr: (await issuer.issue({})).qrText }, receptionist);
    expect(checkIn.status).toBe(201);
    const refresh = await post(s.url, '/api/admin/trust/refresh', {}, admin);
    expect(refresh.status).toBe(200);
    const seen = expectPrivate(dataDir);
    expect(Object.keys(seen)).toEqual(
      expect.arrayContaining(['.', 'kiosk.sqlite', 'kiosk.sqlite-wal', 'kiosk.sqlite-shm', 'kiosk.lock', 'trust-cache.json']),
    );
  });

  it('a data folder from an older version (trust-cache.json 0644, the folder 0755) is tightened at start', async () => {
    const trustFile = join(dir, 'trust-old.json');
    await writeKioskTrustFile(trustFile, issuer, issuerServer.url);
    const dataDir = join(dir, 'older');
    let printed = '';
    const first = await start(dataDir, trustFile, (t) => (printed += t));
    const admin = await signIn(first.url, printed, 'quan-tri');
    expect((await post(first.url, '/api/admin/trust/refresh', {}, admin)).status).toBe(200);
    await first.close();
    chmodSync(join(dataDir, 'trust-cache.json'), 0o644);
    chmodSync(join(dataDir, 'kiosk.sqlite'), 0o644);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'notes.txt'), 'an operator file', { mode: 0o644 });
    await start(dataDir, trustFile, () => {});
    const after = modes(dataDir);
    expect(after['.']).toBe('0700');
    expect(after['trust-cache.json']).toBe('0600');
    expect(after['kiosk.sqlite']).toBe('0600');
  });

  it('the bundled demo trust file: the demo issuer state copied into the data folder is private too', async () => {
    const dataDir = join(dir, 'demo');
    await start(dataDir, join(projectRoot(), 'keys', 'trust.json'), () => {});
    // The running service renews the demo trust daily (server/trust/demo-trust-renewer.ts): the same writer.
    await renewDemoTrust(dataDir, T0 + 86_400_000);
    const seen = expectPrivate(dataDir);
    expect(Object.keys(seen)).toEqual(expect.arrayContaining(['demo-trust.json', 'demo-issuer']));
  });
});
