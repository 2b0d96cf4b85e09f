/**
 * Issue #13 item 6: a 2D scanner in USB serial (CDC/ACM) mode, read by the service from
 * KIOSK_SCANNER_DEVICE through the serialport package and pushed to the signed-in receptionist's
 * screen as server-sent events, bytes intact (a chip ID card's Vietnamese name survives, unlike a
 * keyboard wedge). Tested with a pair of linked pseudo-terminals from socat: the test writes the
 * scan on one end, the service reads the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-serial-'));
const A = join(dir, 'ttyScanner');
const B = join(dir, 'ttyTest');
let socat: ChildProcess;
let k: LogKiosk;

const ID_CARD = '001190012345|123456789|Nguyễn Đức Thiện|20031990|Nam|Số 10 Ngõ 132 Trần Hưng Đạo, Hà Nội|15122021';

async function waitFor(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Reads the SSE stream's `scan` events into `into`; returns a stop function. */
function listen(cookie: string, into: string[]): { stop: () => void; opened: Promise<number> } {
  const ac = new AbortController();
  const opened = fetch(`${k.url}/api/scanner/events`, { headers: { cookie }, signal: ac.signal }).then(async (res) => {
    if (res.status !== 200 || !res.body) return res.status;
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (ev.startsWith('event: scan\n')) into.push((JSON.parse(ev.split('\ndata: ')[1]!) as { text: string }).text);
          }
        }
      } catch {
        // aborted
      }
    })();
    return res.status;
  });
  return { stop: () => ac.abort(), opened };
}

beforeAll(async () => {
  socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${A}`, `pty,raw,echo=0,link=${B}`], { stdio: 'ignore' });
  await waitFor(() => existsSync(A) && existsSync(B));
  k = await startLogKiosk({ flags: ['--scanner-device', A] });
});

afterAll(async () => {
  await k?.close();
  socat?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('serial scanner', () => {
  it("pushes each scanned line to the receptionist's screen, UTF-8 intact, CR / LF / CR LF", async () => {
    const got: string[] = [];
    const l = listen(k.cookies.receptionist, got);
    expect(await l.opened).toBe(200);
    const card = await k.card(1);
    // Give the service a moment to have the port open: retry the first write until it arrives.
    await waitFor(() => {
      if (got.length === 0) writeFileSync(B, `${ID_CARD}\r\n`);
      return got.length > 0;
    }, 15_000);
    writeFileSync(B, `${card}\r`);
    writeFileSync(B, `second-line-1234\n`);
    await waitFor(() => got.length >= 3);
    expect(got[0]).toBe(ID_CARD);
    expect(got).toContain(card);
    expect(got).toContain('second-line-1234');
    // The card it pushed verifies as the camera's would.
    const v = await k.request('POST', '/api/verify', { body: { qr: got.find((t) => t === card) } });
    expect((v.json as { verdict: string }).verdict).toBe('accepted');
    l.stop();
  });

  it('only a signed-in receptionist gets the stream', async () => {
    expect(await listen('', []).opened).toBe(401);
    const auditor = listen(k.cookies.auditor, []);
    expect(await auditor.opened).toBe(403);
    const admin = listen(k.cookies.admin, []);
    expect(await admin.opened).toBe(403);
  });
});
