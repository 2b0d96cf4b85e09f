/**
 * The check-in endpoint of the reference portal as a real child process (`npm run portal`'s entry
 * point) with --keep-check-ins: the kiosk's portal client sends a signed file, the portal is
 * SIGKILLed and started again on the same folder, and the resend is "201" with the original
 * receipt (the client's token, unknown to the new process, is renewed once on the way).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, systemRandom } from '../../../server/clock.js';
import { silentLogger } from '../../../server/logger.js';
import { PortalClient } from '../../../server/portal/client.js';
import { CHECKIN_LISTING_PATH } from '../../../server/reference-portal/check-in-routes.js';
import { addFacilityCert, writeDataset } from '../../../server/reference-portal/dataset.js';
import { checkInTestKey, checkInTestRecord, signedCheckInFile } from '../../helpers/check-in-record.js';
import { spawnTsx, type SpawnedTsx } from '../../helpers/spawn-tsx.js';
import { dataset, PASSWORD, USERNAME } from './fixtures.js';

const children: SpawnedTsx[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
});

/** Starts the portal and resolves with its URL when it writes its "listening" line (woken by its output, no polling). */
function start(dir: string, port = 0): Promise<{ child: SpawnedTsx; url: string }> {
  const child = spawnTsx('server/reference-portal/main.ts', ['--port', String(port), '--data-dir', dir, '--keep-check-ins']);
  children.push(child);
  return new Promise((resolve, reject) => {
    const look = () => {
      const line = child
        .output()
        .split('\n')
        .find((l) => l.includes('"reference portal listening"'));
      if (line) {
        child.proc.stdout?.off('data', look);
        child.proc.stderr?.off('data', look);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    };
    // The log goes to either stream; spawnTsx's own listeners run first, so output() already has the chunk.
    child.proc.stdout?.on('data', look);
    child.proc.stderr?.on('data', look);
    void child.exited.then(() => reject(new Error(`portal exited:\n${child.output()}`)));
  });
}

describe('guiHoSoCheckin in a portal process (--keep-check-ins)', () => {
  it('a record received before a SIGKILL is still held after the restart: the resend is 201 with the original receipt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-checkin-proc-'));
    writeDataset(dir, dataset([]));
    const key = checkInTestKey(join(dir, 'keys'), '12001', Date.now());
    addFacilityCert(dir, '12001', key.certPem);
    const xml = signedCheckInFile([checkInTestRecord('019ac0de-2222-7000-8000-000000000001')], key);
    const never = new AbortController().signal;

    const first = await start(dir);
    const client = new PortalClient(
      { url: first.url, user: USERNAME, password: PASSWORD, timeoutMs: 20_000 },
      { clock: systemClock, random: systemRandom, logger: silentLogger },
    );
    const a = await client.submitCheckInRecord(xml, never);
    expect(a).toMatchObject({ kind: 'received', code: '200' });
    first.child.proc.kill('SIGKILL');
    expect(await first.child.exited).toBe('SIGKILL');

    // Back on the same port: the client's token died with the process (401, one renewal).
    const second = await start(dir, Number(new URL(first.url).port));
    expect(second.url).toBe(first.url);
    const b = await client.submitCheckInRecord(xml, never);
    expect(b).toEqual({ ...a, code: '201' });
    const listing = (await (await fetch(`${second.url}${CHECKIN_LISTING_PATH}?maCSKCB=12001`)).json()) as {
      count: number;
      records: { submissions: number }[];
    };
    expect(listing).toMatchObject({ count: 1, records: [{ submissions: 2 }] });

    second.child.proc.kill('SIGTERM');
    expect(await second.child.exited).toBe(0);
    const out = first.child.output() + second.child.output();
    expect(out).toContain('"check-in submission"');
    expect(second.child.output().match(/"msg":"token"/g)).toHaveLength(1);
    for (const secret of ['Nguyễn Đức Thiện', '1201234567', PASSWORD]) expect(out).not.toContain(secret);
  }, 120_000);
});
