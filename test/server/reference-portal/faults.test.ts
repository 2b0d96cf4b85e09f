/**
 * Latency and failure injection (injected random and sleep: no real delays), the run-time
 * control, and a portal that goes down and comes back on the same port.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../server/errors.js';
import { addPerson } from '../../../server/reference-portal/dataset.js';
import { parseFailRate, parseFaultUpdate, parseLatency, PortalFaults } from '../../../server/reference-portal/faults.js';
import { PORTAL_PATHS } from '../../../server/wire/portal.js';
import { checkUrl, person, post, request, startTestPortal, takeToken, type TestPortal } from './fixtures.js';

const p = person(0);
let portal: TestPortal | undefined;
afterEach(async () => {
  await portal?.close();
  portal = undefined;
});

/** A random source that plays back `values` (then repeats the last). */
function playback(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

describe('fault settings', () => {
  it('parses latency as MS or MIN-MAX, and refuses nonsense', () => {
    expect(parseLatency('3000')).toEqual({ minMs: 3000, maxMs: 3000 });
    expect(parseLatency('500-5000')).toEqual({ minMs: 500, maxMs: 5000 });
    for (const bad of ['', '-1', '5000-500', 'abc', '1-700000']) expect(() => parseLatency(bad)).toThrow();
  });

  it('parses the fail rate as a fraction 0–1', () => {
    expect(parseFailRate('0.2')).toBe(0.2);
    expect(parseFailRate('1')).toBe(1);
    for (const bad of ['1.5', '-0.1', 'x', '']) expect(() => parseFailRate(bad)).toThrow();
  });

  it('lists every problem of a control update', () => {
    try {
      parseFaultUpdate({ failRate: 2, failModes: ['boom'], answerCode: '000', next: ['later'], colour: 'red' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(5);
    }
  });

  it('draws latency uniformly, then fail-or-not, then the mode, from the injected random', () => {
    const f = new PortalFaults({ latency: { minMs: 500, maxMs: 5000 }, failRate: 0.2 }, playback([0.5, 0.1, 0.7, 0, 0.3]), () =>
      Promise.resolve(),
    );
    // 500 + floor(0.5 × 4501); 0.1 < 0.2 fails; floor(0.7 × 3) = 2 → drop.
    expect(f.plan()).toEqual({ delayMs: 2750, failure: 'drop', code: undefined });
    // 0 → 500 ms; 0.3 ≥ 0.2: no failure.
    expect(f.plan()).toEqual({ delayMs: 500, failure: undefined, code: undefined });
  });
});

describe('injected latency', () => {
  it('waits a fixed latency through the injected sleep before answering', async () => {
    portal = await startTestPortal([p], { config: { latency: { minMs: 3000, maxMs: 3000 } } });
    const auth = await takeToken(portal.url);
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
    expect(portal.sleeps).toEqual([3000, 3000]);
  });

  it('a range draws from the injected random', async () => {
    portal = await startTestPortal([p], { config: { latency: { minMs: 500, maxMs: 5000 } }, randomFraction: playback([0, 0.999999, 0.5]) });
    const auth = await takeToken(portal.url);
    await post(checkUrl(portal.url, auth), request(p));
    await post(checkUrl(portal.url, auth), request(p));
    expect(portal.sleeps).toEqual([500, 5000, 2750]);
  });

  it('the answer really waits for the sleep to finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = 0;
    portal = await startTestPortal([p], {
      sleep: () => {
        asked++;
        return gate;
      },
    });
    const auth = await takeToken(portal.url);
    portal.control.setFaults({ latency: '60000' });
    let done = false;
    const pending = post(checkUrl(portal.url, auth), request(p)).then((r) => {
      done = true;
      return r;
    });
    // Poll for the request to reach the sleep; it must not have been answered.
    while (asked === 0) await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    release();
    expect((await pending).body.maKetQua).toBe('000');
  });
});

describe('injected failures', () => {
  it('http500: HTTP 500 with a JSON body', async () => {
    portal = await startTestPortal([p], { config: { failRate: 1, failModes: ['http500'] } });
    const r = await post(portal.url + PORTAL_PATHS.token, {});
    expect(r.status).toBe(500);
    expect(r.body.maKetQua).toBe('500');
  });

  it('drop: the connection closes without an answer', async () => {
    portal = await startTestPortal([p], { config: { failRate: 1, failModes: ['drop'] } });
    await expect(post(portal.url + PORTAL_PATHS.token, {})).rejects.toThrow(TypeError);
  });

  it('hang: no answer before the client gives up', async () => {
    portal = await startTestPortal([p], { config: { failRate: 1, failModes: ['hang'] } });
    await expect(post(portal.url + PORTAL_PATHS.token, {}, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
  });

  it('the fail rate and the mode come from the injected random', async () => {
    // Per call (no latency range, so no latency draw): the fail draw, then the mode draw when it fails.
    portal = await startTestPortal([p], { config: { failRate: 0.2 }, randomFraction: playback([0.19, 0, 0.2]) });
    expect((await post(portal.url + PORTAL_PATHS.token, {})).status).toBe(500); // 0.19 < 0.2, mode 0 = http500
    expect((await post(portal.url + PORTAL_PATHS.token, {})).body.maKetQua).toBe('205'); // 0.2: no failure
  });

  it('maKetQua 100 / 101 / 500 are injectable for card checks that pass authentication', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    for (const code of ['100', '101', '500'] as const) {
      portal.control.setFaults({ answerCode: code });
      const r = await post(checkUrl(portal.url, auth), request(p));
      expect(r.status).toBe(200);
      expect(r.body.maKetQua).toBe(code);
      expect(r.body.hoTen).toBeNull();
    }
    portal.control.setFaults({ answerCode: null });
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
  });

  it('a script of outcomes plays one per call, then normal answers resume', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    portal.control.setFaults({ next: ['500', 'http500', 'drop', 'ok', '101'] });
    const url = checkUrl(portal.url, auth);
    expect((await post(url, request(p))).body.maKetQua).toBe('500');
    expect((await post(url, request(p))).status).toBe(500);
    await expect(post(url, request(p))).rejects.toThrow(TypeError);
    expect((await post(url, request(p))).body.maKetQua).toBe('000');
    expect((await post(url, request(p))).body.maKetQua).toBe('101');
    expect((await post(url, request(p))).body.maKetQua).toBe('000');
    expect(portal.control.state().faults.next).toEqual([]);
  });
});

describe('down and up', () => {
  it('stops accepting connections, then answers again on the same port with the same tokens', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    await portal.control.setAccepting(false);
    expect(portal.control.state().accepting).toBe(false);
    await expect(post(checkUrl(portal.url, auth), request(p))).rejects.toThrow(TypeError);
    await portal.control.setAccepting(true);
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
  });

  it('a clock offset moves token expiry and card validity', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    portal.control.setClockOffset(3000 * 1000);
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('401');
    portal.control.setClockOffset(40 * 86_400_000);
    expect((await post(checkUrl(portal.url, await takeToken(portal.url)), request(p))).body.maKetQua).toBe('010');
  });
});

describe('data file', () => {
  it('a person added to the file while the portal runs is found on the next call', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    const added = person(50, { hoTen: 'Trần Thị Mai', gioiTinh: 'Nữ' });
    expect((await post(checkUrl(portal.url, auth), request(added))).body.maKetQua).toBe('050');
    addPerson(portal.dataDir, added);
    const r = await post(checkUrl(portal.url, auth), request(added));
    expect(r.body).toMatchObject({ maKetQua: '000', hoTen: 'Trần Thị Mai', gioiTinh: 'Nữ' });
  });

  it('a file that turns invalid is ignored: the last good data keeps answering', async () => {
    portal = await startTestPortal([p]);
    const auth = await takeToken(portal.url);
    writeFileSync(join(portal.dataDir, 'portal.json'), '{ "version": 1, "persons": [ {');
    expect((await post(checkUrl(portal.url, auth), request(p))).body.maKetQua).toBe('000');
  });
});
