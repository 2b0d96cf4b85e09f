import { describe, expect, it } from 'vitest';
import { keyChar, WedgeDetector, type WedgeAction, type WedgeKey } from '../../../kiosk-ui/scan/wedge-detector.js';

/** Keys as a keyboard-wedge scanner or a person would send them, `gapMs` apart from `start`. */
function keys(text: string, gapMs: number, start = 1000): WedgeKey[] {
  return [...text].map((ch, i) => ({ key: ch, timeStamp: start + i * gapMs, shiftKey: /[A-Z:|$#]/.test(ch) }));
}

function feed(d: WedgeDetector, evs: WedgeKey[]): WedgeAction[] {
  return evs.map((e) => d.handleKey(e));
}

const SHC =
  'shc:/5676295953265460346029254077280433602870286471674522280928613331456437653141590640220306450459085643550341424541364037063665417137241236380304375622046737407532323925433443326057360106452931611232742528435076317456735';
const LEGACY =
  'HC4121201234567|4e677579e1bb856e20c490e1bba96320546869e1bb876e|20/03/1990|1|-|12 - 001|01/01/2026|31/12/2026|15/12/2025|12011201234567|-|4|01/01/2028|0a1b2c3d4e5f6071-6202|$';

describe('WedgeDetector', () => {
  it('reports a fast burst ending with Enter as a scan', () => {
    const d = new WedgeDetector();
    const evs = keys(SHC, 8);
    const actions = feed(d, evs);
    expect(actions.slice(0, 2).every((a) => a.action === 'none')).toBe(true);
    expect(actions.slice(3).every((a) => a.action === 'burst')).toBe(true);
    const end = d.handleKey({ key: 'Enter', timeStamp: evs.at(-1)!.timeStamp + 8 });
    expect(end).toEqual({ action: 'scan', text: SHC });
  });

  it('reads the legacy paper-card characters (| $ # - / space, letters, hex)', () => {
    const d = new WedgeDetector();
    const evs = keys(LEGACY, 5);
    feed(d, evs);
    expect(d.handleKey({ key: 'Enter', timeStamp: evs.at(-1)!.timeStamp + 5 })).toEqual({ action: 'scan', text: LEGACY });
  });

  it('ignores a person typing (slow keys) followed by Enter', () => {
    const d = new WedgeDetector();
    const evs = keys('shc:/567629595326', 140);
    expect(feed(d, evs).every((a) => a.action === 'none')).toBe(true);
    expect(d.handleKey({ key: 'Enter', timeStamp: evs.at(-1)!.timeStamp + 150 })).toEqual({ action: 'none' });
  });

  it('ignores fast but short bursts (a quick "ok" + Enter) and uneven human typing', () => {
    const d = new WedgeDetector();
    const short = keys('1234', 10);
    feed(d, short);
    expect(d.handleKey({ key: 'Enter', timeStamp: short.at(-1)!.timeStamp + 10 }).action).toBe('none');
    // A fast typist: 60–90 ms per key averages well above the 35 ms limit.
    const gaps = [60, 90, 70, 80, 65, 85, 75, 90, 60, 70];
    let t = 5000;
    for (const [i, g] of gaps.entries()) d.handleKey({ key: String(i % 10), timeStamp: (t += g) });
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 70 }).action).toBe('none');
  });

  it('starts afresh after a pause: slow keys before a burst do not spoil it', () => {
    const d = new WedgeDetector();
    feed(d, keys('abc', 200, 0));
    const burst = keys('shc:/0123456789', 6, 2000);
    feed(d, burst);
    expect(d.handleKey({ key: 'Enter', timeStamp: burst.at(-1)!.timeStamp + 6 })).toEqual({ action: 'scan', text: 'shc:/0123456789' });
  });

  it('tolerates one stall inside an established burst (busy page), not around slow typing', () => {
    const d = new WedgeDetector();
    const a = keys('shc:/01234567', 5, 0);
    const b = keys('89012345678901234567', 5, a.at(-1)!.timeStamp + 600);
    feed(d, [...a, ...b]);
    expect(d.handleKey({ key: 'Enter', timeStamp: b.at(-1)!.timeStamp + 5 })).toEqual({
      action: 'scan',
      text: 'shc:/0123456789012345678901234567',
    });
    // Three slow keys, then a 600 ms pause: not a burst, so the scan that follows starts clean.
    const slow = keys('xyz', 200, 10_000);
    const burst = keys('0123456789', 5, slow.at(-1)!.timeStamp + 600);
    feed(d, [...slow, ...burst]);
    expect(d.handleKey({ key: 'Enter', timeStamp: burst.at(-1)!.timeStamp + 5 })).toEqual({ action: 'scan', text: '0123456789' });
  });

  it('drops a burst whose Enter comes long after the last key', () => {
    const d = new WedgeDetector();
    const burst = keys('0123456789', 5);
    feed(d, burst);
    expect(d.handleKey({ key: 'Enter', timeStamp: burst.at(-1)!.timeStamp + 2000 }).action).toBe('none');
  });

  it('swallows the trailing CR/LF (second Enter) right after a scan, not a later Enter', () => {
    const d = new WedgeDetector();
    const burst = keys('0123456789', 5);
    feed(d, burst);
    const t = burst.at(-1)!.timeStamp;
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 5 }).action).toBe('scan');
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 10 }).action).toBe('tail');
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 5000 }).action).toBe('none');
  });

  it('treats a CR sent as a key like Enter, and swallows the LF/Enter that follows', () => {
    const d = new WedgeDetector();
    const burst = keys('0123456789', 5);
    feed(d, burst);
    const t = burst.at(-1)!.timeStamp;
    expect(d.handleKey({ key: '\r', timeStamp: t + 5 })).toEqual({ action: 'scan', text: '0123456789' });
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 9 }).action).toBe('tail');
  });

  it('survives a Vietnamese IME: Process keys recovered from the physical key, Unidentified and composition skipped', () => {
    const d = new WedgeDetector();
    const digits = '5676295953265460';
    const evs: WedgeKey[] = [];
    let t = 100;
    // "shc:/" arrives as Process keys with their codes (IME active), Shift for ':' in between.
    for (const [code, shift] of [
      ['KeyS', false],
      ['KeyH', false],
      ['KeyC', false],
      ['Semicolon', true],
      ['Slash', false],
    ] as const) {
      evs.push({ key: 'Process', code, shiftKey: shift, isComposing: true, timeStamp: (t += 6) });
    }
    for (const ch of digits) {
      evs.push({ key: 'Process', code: `Digit${ch}`, isComposing: true, timeStamp: (t += 4) });
      evs.push({ key: 'Unidentified', timeStamp: (t += 1) });
    }
    evs.push({ key: 'Shift', timeStamp: (t += 2) });
    evs.push({ key: 'ă', isComposing: true, timeStamp: (t += 2) }); // a composed character: skipped
    feed(d, evs);
    expect(d.handleKey({ key: 'Enter', timeStamp: t + 5 })).toEqual({ action: 'scan', text: `shc:/${digits}` });
  });

  it('uses event.key, so a scanner on a non-US layout still gives the right characters', () => {
    expect(keyChar({ key: '7', code: 'Digit7', timeStamp: 0 })).toBe('7');
    expect(keyChar({ key: '|', code: 'Backslash', timeStamp: 0 })).toBe('|');
    expect(keyChar({ key: 'ơ', timeStamp: 0 })).toBeUndefined();
    expect(keyChar({ key: 'ArrowLeft', timeStamp: 0 })).toBeUndefined();
    expect(keyChar({ key: 'Process', code: 'Numpad3', timeStamp: 0 })).toBe('3');
    expect(keyChar({ key: 'Process', code: 'KeyQ', timeStamp: 0 })).toBeUndefined();
  });

  it('resets on shortcuts (Ctrl/Alt/Meta) so Ctrl+R during a burst is not part of a scan', () => {
    const d = new WedgeDetector();
    const burst = keys('0123456789', 5);
    feed(d, burst);
    d.handleKey({ key: 'r', ctrlKey: true, timeStamp: burst.at(-1)!.timeStamp + 5 });
    expect(d.handleKey({ key: 'Enter', timeStamp: burst.at(-1)!.timeStamp + 10 }).action).toBe('none');
  });

  it('drops input longer than the limit', () => {
    const d = new WedgeDetector({ maxLength: 20 });
    const burst = keys('0'.repeat(30), 2);
    feed(d, burst);
    const r = d.handleKey({ key: 'Enter', timeStamp: burst.at(-1)!.timeStamp + 2 });
    expect(r.action === 'scan' ? r.text.length : 0).toBeLessThanOrEqual(20);
  });
});
