/**
 * `npm run demo` as a person runs it (the npm script runs this same module, compiled): the demo
 * process starts the reference portal, the reference store and the kiosk service as its
 * children, on ports 0 (each picks a free one; the demo prints the URLs), in a temporary folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../../server/reference-portal/dataset.js';
import { PORTAL_PATHS } from '../../../server/wire/portal.js';

const ENTRY = 'server/demo/main.ts';

interface Demo {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | string>;
}

const running: Demo[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-test-'));
});
afterEach(() => {
  // A failed test must not leave services behind: the demo's children have their own process
  // group, so a SIGKILL of the demo alone would orphan them.
  for (const d of running.splice(0))
    if (d.proc.exitCode === null && d.proc.signalCode === null) {
      for (const pid of childPids(d.proc.pid!)) process.kill(pid, 'SIGKILL');
      d.proc.kill('SIGKILL');
    }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function demo(args: string[]): Demo {
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, KIOSK_PORT: '8080', KIOSK_PORTAL_PASSWORD: 'from the caller: the demo must not pass it on' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  proc.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const d = { proc, out: () => out, err: () => err, exited };
  running.push(d);
  return d;
}

/** Polls the demo's stdout for its "demo ready" line (bounded); fails with its output if it exits first. */
async function ready(d: Demo): Promise<string> {
  let exited = false;
  void d.exited.then(() => (exited = true));
  const deadline = Date.now() + 90_000;
  while (!/^demo ready: /m.test(d.out())) {
    if (exited || Date.now() > deadline) throw new Error(`demo did not get ready:\n${d.out()}\n${d.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return d.out();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tracked demo keys as git sees them (content hashes, and anything changed or new). */
const gitKeys = () =>
  execFileSync('git', ['ls-files', '-s', '-m', '-o', '--exclude-standard', '--', 'keys'], { encoding: 'utf8' }) +
  execFileSync('git', ['diff', '--stat', '--', 'keys'], { encoding: 'utf8' });
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KIOSK|DEMO)_/.test(k)));

const urlOf = (out: string, label: string) => new RegExp(`^ {2}${label} +(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out)![1]!;
/** The demo's children running one of the three services (tsx may have its own esbuild child too). */
const childPids = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /server\/(main|history-store\/main|reference-portal\/main)\.ts/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; res: Response }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json().catch(() => null), res };
}
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  json(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('npm run demo (process)', () => {
  it('starts portal, store and kiosk cross-configured, prints what to scan and the one-time passwords; SIGTERM stops all three', async () => {
    const d = demo(['--data-dir', join(dir, 'demo'), '--kiosk-port', '0', '--store-port', '0', '--portal-port', '0']);
    const out = await ready(d);
    const kiosk = /^demo ready: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(out)![1]!;
    const store = urlOf(out, 'reference store');
    const portal = urlOf(out, 'reference portal');
    const passwords = Object.fromEntries([...out.matchAll(/^ {2}(le-tan|kiem-toan|quan-tri) +\w+ +(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(passwords)).toStrictEqual(['le-tan', 'kiem-toan', 'quan-tri']);
    const legacy = /^ {5}(GD4121209876543\|.*\$)$/m.exec(out)![1]!;
    expect(out).toMatch(/^ {5}012185004321\|045678912\|Phạm Thị Thu Hằng\|/m);
    expect(out).toMatch(/^ {5}shc:\/\d+$/m);
    for (const png of ['paper-card.png', 'id-card.png', 'signed-card.png'])
      expect(
        readFileSync(join(dir, 'demo', 'qr', png))
          .subarray(1, 4)
          .toString('latin1'),
      ).toBe('PNG');
    // No secret in the services' logs.
    const portalPassword = readFileSync(join(dir, 'demo', 'portal-password'), 'utf8');
    const storeKey = Object.keys(JSON.parse(readFileSync(join(dir, 'demo', 'store-keys.json'), 'utf8')) as object)[0]!;

    // The kiosk: sync on, the online card check on.
    const status = (await json(`${kiosk}/api/status`)).body;
    expect(status).toMatchObject({ facility: '12001', sync: { enabled: true } });
    expect(status.warnings).not.toContain('TRUST_STALE');
    expect(status.portal).toMatchObject({ enabled: true, configProblem: null });
    // The store knows the kiosk's key; the portal its facility account.
    expect((await json(`${store}/v1/facilities/12001/visits`, { headers: { authorization: `Bearer ${storeKey}` } })).status).toBe(200);
    const token = await postJson(portal + PORTAL_PATHS.token, { username: '12001_demo', password: md5Hex(portalPassword) });
    expect(token.body.maKetQua).toBe('200');

    // The printed paper-card QR verifies as unsigned, and a check-in of it reaches the store.
    const verified = await postJson(`${kiosk}/api/verify`, { qr: legacy });
    expect(verified.body).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY', source: 'legacy-unsigned' });
    const login = await postJson(`${kiosk}/api/session`, { username: 'le-tan', password: passwords['le-tan'] });
    expect(login.status).toBe(200);
    const cookie = login.res.headers.get('set-cookie')!.split(';')[0]!;
    const checks = await postJson(`${kiosk}/api/card-checks?wait=30`, { qr: legacy }, { cookie });
    // The online check: the portal knows the person, and the receptionist as the account's staff (no 054/055).
    expect(checks.status).toBe(200);
    expect(checks.body.portal).toMatchObject({ state: 'done', code: '000' });
    const checkIn = await postJson(`${kiosk}/api/check-ins`, { qr: legacy, reviewNote: 'Đã tra cứu cổng giám định: 000' }, { cookie });
    expect(checkIn.status).toBe(201);
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    await until('the visit at the store', async () => {
      const book = await json(`${store}/v1/patients/1209876543/visits?year=${year}`, { headers: { authorization: `Bearer ${storeKey}` } });
      return book.status === 200 && JSON.stringify(book.body).includes(checkIn.body.visit.id) ? true : undefined;
    });
    // …and its signed check-in record reaches the portal (the demo's facility certificate is registered there).
    expect(status.checkInReport).toMatchObject({ enabled: true, facilityCert: { demo: true } });
    await until('the check-in record at the portal', async () => {
      const held = await json(`${portal}/api/test/checkin-records?maCSKCB=12001`);
      return JSON.stringify(held.body).includes(checkIn.body.visit.id) ? true : undefined;
    });

    // The README's revoke, as the demo prints it, reaches the running demo: the signed card is
    // accepted, revoked on the data folder's copy of the demo issuer, then refused (no restart),
    // and the tracked keys/ are untouched.
    const signed = /^ {5}(shc:\/\d+)$/m.exec(out)![1]!;
    expect((await postJson(`${kiosk}/api/verify`, { qr: signed })).body).toMatchObject({ verdict: 'accepted' });
    const revokeLine = /^ {5}npm run -s issuer -- revoke --rid (\S+) --data-dir (\S+)$/m.exec(out)!;
    expect(revokeLine[2]).toBe(join(dir, 'demo', 'kiosk'));
    const keysBefore = gitKeys();
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/issuer.ts', 'revoke', '--rid', revokeLine[1]!, '--data-dir', revokeLine[2]!],
      {
        cwd: process.cwd(),
        env: cleanEnv(),
        stdio: 'pipe',
      },
    );
    const revoked = await until('the revocation at the running kiosk', async () => {
      const v = (await postJson(`${kiosk}/api/verify`, { qr: signed })).body;
      return v.verdict === 'rejected' ? v : undefined;
    });
    expect(revoked).toMatchObject({ verdict: 'rejected', code: 'REVOKED' });
    expect(gitKeys()).toBe(keysBefore);
    expect(existsSync(join(dir, 'demo', 'kiosk', 'demo-issuer', 'issuer.json'))).toBe(true);

    // The walkthrough's anchor step, as the demo prints it: the log checked against the store's checkpoints.
    const auditLine = /^ {2}npm run -s audit -- verify --data-dir (\S+) --store (\S+) --store-key /m.exec(out)!;
    expect(auditLine[1]).toBe(join(dir, 'demo', 'kiosk'));
    await until('a checkpoint of the visit at the store', async () => {
      const st = (await json(`${kiosk}/api/status`)).body;
      return st.anchor?.lastAnchored?.visits?.seq >= 1 ? true : undefined;
    });
    const audited = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/audit.ts', 'verify', '--data-dir', auditLine[1]!, '--store', auditLine[2]!, '--store-key', storeKey],
      { cwd: process.cwd(), env: cleanEnv(), encoding: 'utf8' },
    );
    expect(audited).toMatch(/^intact: /);
    expect(audited).toMatch(/checkpoints: all \d+ present in the local logs \(\d+ from the store\)/);

    const pids = childPids(d.proc.pid!);
    expect(pids).toHaveLength(3);
    d.proc.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.err()).toContain('all three stopped');
    expect(pids.filter(alive)).toStrictEqual([]);
    for (const log of ['portal.log', 'store.log', 'kiosk.log']) {
      const text = readFileSync(join(dir, 'demo', 'logs', log), 'utf8');
      for (const secret of [portalPassword, storeKey, ...Object.values(passwords)]) expect(text, log).not.toContain(secret);
    }
  }, 180_000);

  it('re-run on the same folder reuses it (no new passwords, says where they were shown); a child that dies stops the others, exit 1', async () => {
    const d = demo(['--data-dir', join(dir, 'demo'), '--kiosk-port', '0', '--store-port', '0', '--portal-port', '0']);
    const out = await ready(d);
    expect(out).toMatch(
      /Demo accounts le-tan, kiem-toan, quan-tri already exist in this folder: their passwords were printed when it was made/,
    );
    expect(out).not.toMatch(/^ {2}le-tan +receptionist +\S+$/m);
    const pids = childPids(d.proc.pid!);
    expect(pids).toHaveLength(3);
    process.kill(pids[0]!, 'SIGKILL'); // the portal, started first
    expect(await d.exited).toBe(1);
    expect(d.err()).toMatch(/the reference portal stopped unexpectedly \(signal SIGKILL\)/);
    await until('the others to stop', () => Promise.resolve(pids.some(alive) ? undefined : true));
  }, 180_000);

  it('refuses a port in use, a non-demo folder and bad flags, before starting anything', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const d = demo(['--data-dir', join(dir, 'other'), '--kiosk-port', String(port), '--store-port', '0', '--portal-port', '0']);
      expect(await d.exited).toBe(1);
      expect(d.err()).toContain(
        `port ${port} on 127.0.0.1 (the kiosk service) is already in use: stop what listens there, or pass --kiosk-port P`,
      );
    } finally {
      busy.close();
    }
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'kiosk.sqlite'), 'a real visit log');
    const notDemo = demo(['--data-dir', foreign, '--kiosk-port', '0', '--store-port', '0', '--portal-port', '0', '--fresh']);
    expect(await notDemo.exited).toBe(2);
    expect(notDemo.err()).toContain('holds files the demo did not make; refusing to use it');
    expect(readFileSync(join(foreign, 'kiosk.sqlite'), 'utf8')).toBe('a real visit log');
    const bad = demo(['--kiosk-port', '9000', '--store-port', '9000', '--frob']);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toContain('unknown flag --frob');
    expect(bad.err()).toContain('--kiosk-port and --store-port are both 9000');
  }, 60_000);
});
