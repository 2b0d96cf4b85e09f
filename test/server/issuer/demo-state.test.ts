/**
 * Issue #13 items 4 and 5: the demo issuer's state lives in the data folder. A kiosk started on
 * the default trust file (keys/trust.json, weeks old) trusts a copy renewed at start (not
 * TRUST_STALE); `issuer demo-card` / `issuer revoke` without --dir work on the data folder's copy,
 * so the tracked keys/ stay as committed (`git status` clean); and the README's walkthrough holds:
 * revoke while the kiosk runs, scan again, REVOKED.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIssuerCli } from '../../../server/cli/issuer.js';
import type { CliContext } from '../../../server/cli/issuer/shared.js';
import { fixedClock } from '../../../server/clock.js';
import { DEFAULT_DEMO_TRUST_FILE, demoTrustFile, resolveTrustFile } from '../../../server/issuer/demo-state.js';
import { projectRoot } from '../../../server/project-root.js';
import { startTestKiosk } from '../../helpers/kiosk-service.js';

const ROOT = projectRoot();
const TRACKED = join(ROOT, DEFAULT_DEMO_TRUST_FILE);
/** Well past the committed trust file's date plus the 7-day maximum age. */
const LATER = Date.parse(JSON.parse(readFileSync(TRACKED, 'utf8')).updatedAt as string) + 30 * 86_400_000;

const gitStatusKeys = () => execFileSync('git', ['status', '--porcelain', '--', 'keys'], { cwd: ROOT, encoding: 'utf8' });

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    cwd,
    root: ROOT,
    now: () => LATER,
    random: { bytes: (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff)) },
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  };
  return { code: await runIssuerCli(args, ctx), out, err };
}

describe('demo issuer state in the data folder', () => {
  it('the default trust file is used through a copy in the data folder, renewed at start; other trust files as they are', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'demo-state-'));
    const data = join(tmp, 'data');
    const before = readFileSync(TRACKED, 'utf8');
    const file = await resolveTrustFile({ trustFile: TRACKED, dataDir: data, root: ROOT, now: LATER });
    expect(file).toBe(demoTrustFile(data));
    expect(JSON.parse(readFileSync(file, 'utf8')).updatedAt).toBe(new Date(LATER).toISOString());
    expect(readFileSync(TRACKED, 'utf8')).toBe(before);
    const other = join(tmp, 'other.json');
    expect(await resolveTrustFile({ trustFile: other, dataDir: data, root: ROOT, now: LATER })).toBe(other);
  });

  it('demo-card and revoke without --dir leave keys/ untouched; the running kiosk sees the revocation', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'demo-state-'));
    const data = join(tmp, 'data');
    const statusBefore = gitStatusKeys();
    const kiosk = await startTestKiosk({ trustFile: TRACKED, clock: fixedClock(LATER), flags: ['--data-dir', data] });
    try {
      const status = (await (await fetch(`${kiosk.url}/api/status`)).json()) as { warnings: string[] };
      expect(status.warnings).toContain('DEMO_KEYS');
      expect(status.warnings).not.toContain('TRUST_STALE');

      const issued = await cli(['demo-card', '--data-dir', data, '--no-portal-data'], tmp);
      expect(issued.code).toBe(0);
      const qr = issued.out.at(-1)!;
      const rid = /rid (\S+?),/.exec(issued.err.join('\n'))?.[1];
      expect(rid).toBeDefined();
      const verify = async () =>
        (await (
          await fetch(`${kiosk.url}/api/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ qr }),
          })
        ).json()) as {
          verdict: string;
          code: string;
        };
      expect(await verify()).toMatchObject({ verdict: 'accepted' });

      const revoked = await cli(['revoke', '--rid', rid!, '--data-dir', data], tmp);
      expect(revoked.code).toBe(0);
      expect(revoked.err.join('\n')).toContain(demoTrustFile(data));
      let v = await verify();
      for (let i = 0; i < 100 && v.verdict !== 'rejected'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        v = await verify();
      }
      expect(v).toMatchObject({ verdict: 'rejected', code: 'REVOKED' });
    } finally {
      await kiosk.close();
    }
    expect(gitStatusKeys()).toBe(statusBefore);
    expect(statusBefore).toBe('');
  });
});
