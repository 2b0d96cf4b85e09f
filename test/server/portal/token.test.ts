import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { Limiter } from '../../../server/portal/limiter.js';
import { TokenHolder, type PortalToken } from '../../../server/portal/token.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const signal = () => new AbortController().signal;

describe('TokenHolder', () => {
  it('one renewal in flight, shared; a 401 on a replaced token takes the new one without renewing', async () => {
    const clock = fixedClock(0);
    const takes: ReturnType<typeof deferred<PortalToken>>[] = [];
    const holder = new TokenHolder(() => {
      const d = deferred<PortalToken>();
      takes.push(d);
      return d.promise;
    }, clock);
    const waiting = Array.from({ length: 20 }, () => holder.get(signal()));
    expect(takes).toHaveLength(1);
    const t1: PortalToken = { accessToken: 'a1', idToken: 'i1', username: 'u', expiresAt: 1000 };
    takes[0]!.resolve(t1);
    expect(new Set(await Promise.all(waiting))).toEqual(new Set([t1]));

    const r1 = holder.renew(t1, signal());
    const r2 = holder.renew(t1, signal());
    expect(takes).toHaveLength(2);
    const t2: PortalToken = { ...t1, accessToken: 'a2', expiresAt: 2000 };
    takes[1]!.resolve(t2);
    expect(await r1).toBe(t2);
    expect(await r2).toBe(t2);
    expect(await holder.renew(t1, signal())).toBe(t2); // stale: already replaced
    expect(takes).toHaveLength(2);

    clock.set(2000); // expired by our own clock → a new take
    const g = holder.get(signal());
    expect(takes).toHaveLength(3);
    takes[2]!.reject(new Error('down'));
    await expect(g).rejects.toThrow('down');
    expect(holder.valid).toBe(false);
  });

  it("a caller's abort leaves the shared renewal running for the others", async () => {
    const d = deferred<PortalToken>();
    const holder = new TokenHolder(() => d.promise, fixedClock(0));
    const stop = new AbortController();
    const a = holder.get(stop.signal);
    const b = holder.get(signal());
    stop.abort(new Error('gave up'));
    await expect(a).rejects.toThrow('gave up');
    d.resolve({ accessToken: 'a', idToken: 'i', username: 'u', expiresAt: 10 });
    expect((await b).accessToken).toBe('a');
  });
});

describe('Limiter', () => {
  it('caps concurrency, queues in order, and lets an aborted waiter leave', async () => {
    const l = new Limiter(2);
    const r1 = await l.acquire(signal());
    const r2 = await l.acquire(signal());
    const order: number[] = [];
    const stop = new AbortController();
    const w3 = l.acquire(signal()).then((r) => (order.push(3), r));
    const w4 = l.acquire(stop.signal);
    const w5 = l.acquire(signal()).then((r) => (order.push(5), r));
    expect([l.inFlight, l.queued]).toEqual([2, 3]);
    stop.abort(new Error('budget'));
    await expect(w4).rejects.toThrow('budget');
    expect(l.queued).toBe(2);
    r1();
    r1(); // releasing twice frees one slot only
    const r3 = await w3;
    expect([l.inFlight, l.queued]).toEqual([2, 1]);
    r2();
    const r5 = await w5;
    expect(order).toEqual([3, 5]);
    r3();
    r5();
    expect([l.inFlight, l.queued]).toEqual([0, 0]);
  });
});
