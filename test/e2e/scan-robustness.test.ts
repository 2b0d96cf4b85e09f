/**
 * The kiosk's decoding stack (html5-qrcode driving the kiosk's ZXing-wasm BarcodeDetector, with
 * the kiosk's own configuration — test-support/scan/scan-lab-page.ts) in real Chromium, on a small fixed set
 * of generated hard frames: each must read to exactly its text within 8 camera ticks (~1 s of a
 * code held still). The shared corrupted QR image must read to nothing, without a page error.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeShcNumeric } from '../../server/card/qr-text.js';
import { cardFor, sceneFor, type Distortion } from '../../test-support/scan/scan-cases.js';
import { runDecodeLab, type LabItem } from '../../test-support/scan/scan-lab.js';
import { mulberry32, renderQr } from '../../test-support/scan/scan-render.js';
import { fitRgba } from '../helpers/qr-matrix.js';

const VECTORS = resolve(process.cwd(), '../shared/vectors');

/** A deterministic card-sized text (a fake 1,150-character JWS: version 22, error correction L). */
function fixedText(chars: number, seed: number): string {
  const rnd = mulberry32(seed);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let jws = '';
  for (let i = 0; i < chars; i++) jws += i === 40 || i === 900 ? '.' : alphabet[Math.floor(rnd() * 64)];
  return encodeShcNumeric(jws);
}

/** Hard, but within what the kiosk's stack reads (see docs/scanning.md for the full set). */
const HARD: readonly [Distortion, number][] = [
  ['dense', 7],
  ['rotation', 6],
  ['perspective', 4],
  ['blur', 5],
  ['lowContrast', 6],
  ['glare', 3],
  ['moire', 5],
  ['noise', 5],
];

describe('scanning robustness: the kiosk decoder stack in Chromium', () => {
  it('reads each fixed hard case, and reads nothing from the corrupted vector image', { timeout: 60_000 }, async () => {
    const card = cardFor(fixedText(1150, 7), 1150);
    expect(card.modules.version).toBeGreaterThanOrEqual(21);
    const items: LabItem[] = HARD.map(([kind, level], n) => ({
      id: `${kind}-${level}`,
      kind,
      expected: card.text,
      render: () => renderQr(card.modules, { seed: 100 + n, ...sceneFor(kind, level, card.modules) }),
    }));
    const png = PNG.sync.read(readFileSync(join(VECTORS, 'shc-negative/test-example-00-g-qr-code-0-corrupted.png')));
    items.push({ id: 'corrupted', kind: 'corrupted', expected: undefined, render: () => fitRgba(png) });

    const { outcomes, pageErrors } = await runDecodeLab(items, { decoders: ['kiosk'], ticks: 8 });

    expect(pageErrors).toEqual([]);
    const read = Object.fromEntries(outcomes.map((o) => [o.id, o.ok ? 'read' : o.text === undefined ? 'nothing' : 'misread']));
    expect(read).toEqual({ ...Object.fromEntries(HARD.map(([k, l]) => [`${k}-${l}`, 'read'])), corrupted: 'nothing' });
  });
});
