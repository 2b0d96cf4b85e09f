/**
 * The reference portal as an operator starts it (`npm run portal` runs this same entry point):
 * a real child process on 127.0.0.1, port 0, its test control on another port, SIGTERM drain.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDataset } from '../../../server/reference-portal/dataset.js';
import { spawnTsx, type SpawnedTsx } from '../../helpers/spawn-tsx.js';
import { checkUrl, dataset, person, post, request, takeToken } from './fixtures.js';

const ENTRY = 'server/reference-portal/main.ts';

type Child = SpawnedTsx;

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
});

function run(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawnTsx(ENTRY, args, env);
  children.push(child);
  return child;
}

/** Resolves with the portal's and the control's URLs once the "listening" line is written (polls the output). */
async function listening(child: Child): Promise<{ url: string; controlUrl: string }> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = child
      .output()
      .split('\n')
      .find((l) => l.includes('"reference portal listening"'));
    if (line) return JSON.parse(line) as { url: string; controlUrl: string };
    if (exited || Date.now() > deadline) throw new Error(`portal did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const control = (controlUrl: string, body: unknown) => post(`${controlUrl}/control`, body);

describe('npm run portal (process)', () => {
  it('--help prints the flags and exits 0; a bad flag is refused with exit 2 and every problem', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('(also --data)');
    const bad = run(['--port', 'x', '--fail-rate', '7']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--port: must be a port number 0–65535 (got "x")');
    expect(bad.output()).toContain('--fail-rate: must be a fraction 0–1');
  });

  it('serves the card check from DIR, goes down and up through its control, drains on SIGTERM, logs no personal data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-proc-'));
    const p = person(0, { hoTen: 'Hoàng Thị Riêng', cccd: '012090007777' });
    writeDataset(dir, dataset([p]));
    const child = run(['--port', '0', '--data', dir], { PORTAL_CONTROL_PORT: '0', PORTAL_TOKEN_TTL: '120' });
    const { url, controlUrl } = await listening(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const auth = await takeToken(url);
    const first = await post(checkUrl(url, auth), request(p));
    expect(first.body).toMatchObject({ maKetQua: '000', hoTen: 'Hoàng Thị Riêng' });
    expect((await post(checkUrl(url, auth), request(p, { maThe: '012090007777' }))).body.maKetQua).toBe('000');

    // Down: connections are refused; the control still answers. Up: same port, same token.
    expect((await control(controlUrl, { accepting: false })).body.accepting).toBe(false);
    await expect(post(checkUrl(url, auth), request(p))).rejects.toThrow(TypeError);
    expect((await control(controlUrl, { accepting: true, answerCode: '500' })).body).toMatchObject({ accepting: true });
    expect((await post(checkUrl(url, auth), request(p))).body.maKetQua).toBe('500');
    await control(controlUrl, { answerCode: null, clockOffsetMs: 121_000 });
    expect((await post(checkUrl(url, auth), request(p))).body.maKetQua).toBe('401');
    const bad = await control(controlUrl, { failRate: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['failRate: must be a fraction 0–1']);

    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const out = child.output();
    expect(out).toContain('"card check"');
    expect(out).toContain('CONTROL_ENABLED');
    for (const secret of ['Hoàng', 'Riêng', p.maThe!, p.maSoBhxh, '012090007777', '20/03/1990', 'Lê Thị Tân', '001090000001'])
      expect(out).not.toContain(secret);
  });
});
