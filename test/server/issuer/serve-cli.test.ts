/** `npm run issuer -- serve` and `-- rotate` through the CLI (in-process and as a real process). */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIssuerCli } from '../../../server/cli/issuer.js';
import { EXIT, type CliContext } from '../../../server/cli/issuer/shared.js';
import { loadTrustFile } from '../../../server/trust/load-file.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
let root: string;

async function run(args: string[], opts: { now?: number; signal?: AbortSignal; onOut?: (l: string) => void } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    cwd: root,
    root,
    now: () => opts.now ?? NOW,
    random: { bytes: (k) => Buffer.alloc(k, 7) },
    out: (l) => {
      out.push(l);
      opts.onOut?.(l);
    },
    err: (l) => err.push(l),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  return { code: await runIssuerCli(args, ctx), out, err };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'issuer-serve-cli-'));
  expect((await run(['keygen', '--dir', 'keys/demo-issuer', '--not-before', '2026-01-01T00:00:00Z'])).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('issuer CLI: rotate and serve', () => {
  it('rotate prints the new kid, retires the old key and keeps the trust file in step', async () => {
    const before = await loadTrustFile(join(root, 'keys', 'trust.json'));
    const [oldKid] = [...before.keysByKid.keys()];
    const r = await run(['rotate', '--dir', 'keys/demo-issuer']);
    expect(r.code).toBe(EXIT.ok);
    const newKid = r.out[0]!;
    expect(newKid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const after = await loadTrustFile(join(root, 'keys', 'trust.json'));
    expect(after.keysByKid.get(oldKid!)!.exp).toBe(NOW / 1000);
    expect(after.keysByKid.get(newKid)!.nbf).toBe(NOW / 1000);
  });

  it('rotate refuses a --not-after in the past (usage error)', async () => {
    const r = await run(['rotate', '--dir', 'keys/demo-issuer', '--not-after', '2020-01-01T00:00:00Z']);
    expect(r.code).toBe(EXIT.usage);
  });

  it('serve publishes until stopped (in-process, port 0)', async () => {
    const stop = new AbortController();
    let url: string | undefined;
    const running = run(['serve', '--dir', 'keys/demo-issuer', '--port', '0'], { signal: stop.signal, onOut: (l) => (url = l) });
    for (let i = 0; i < 200 && url === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: unknown[] }).keys.length).toBe(2);
    stop.abort();
    expect((await running).code).toBe(EXIT.ok);
  });

  it('serve refuses a bad port', async () => {
    expect((await run(['serve', '--dir', 'keys/demo-issuer', '--port', 'eighty'])).code).toBe(EXIT.usage);
  });

  it('`npm run issuer -- serve --port 0` runs as a process and exits 0 on SIGTERM', async () => {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(process.cwd(), 'server/cli/issuer.ts'),
        'serve',
        '--dir',
        join(root, 'keys', 'demo-issuer'),
        '--port',
        '0',
      ],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const url = await new Promise<string>((res, rej) => {
      let buf = '';
      proc.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /http:\/\/\S+/.exec(buf);
        if (m) res(m[0]);
      });
      void exited.then((code) => rej(new Error(`serve exited early (${code})`)));
    });
    const res = await fetch(`${url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"/);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
