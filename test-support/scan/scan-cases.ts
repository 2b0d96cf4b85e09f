/**
 * The scanning benchmark's hard cases: signed cards of realistic and maximal density, each put
 * in front of a simulated camera with one kind of trouble at increasing strength. Deterministic:
 * the same signer and seed give the same frames, so rates are comparable between runs.
 */
import { issueCard, signCardPayload, type CardSigner } from '../../server/card/issue.js';
import { benchCardInput } from '../bench-card-input.js';
import { mulberry32, qrModules, renderQr, type GreyFrame, type QrModules, type Scene } from './scan-render.js';

export type Distortion = 'clean' | 'dense' | 'rotation' | 'perspective' | 'blur' | 'lowContrast' | 'glare' | 'moire' | 'noise' | 'small';

export const DISTORTIONS: readonly Distortion[] = [
  'clean',
  'dense',
  'rotation',
  'perspective',
  'blur',
  'lowContrast',
  'glare',
  'moire',
  'noise',
  'small',
];

export interface ScanCard {
  text: string;
  jwsChars: number;
  ecc: 'L' | 'M';
  modules: QrModules;
}

export interface ScanCase {
  id: string;
  kind: Distortion;
  card: ScanCard;
  scene: Scene;
}

const SYLLABLES =
  'Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Thị Văn Minh Khai Thiện Hương Lan Tuấn Dũng Quỳnh Phượng Xuân Thu Đông Nhật Ánh Bảo Châu Diệp Giang Hiếu Khánh Lộc Phúc Thảo Uyên Vy Yến'.split(
    ' ',
  );
const PAD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function words(rnd: () => number, max: number): string {
  let s = '';
  for (;;) {
    const w = SYLLABLES[Math.floor(rnd() * SYLLABLES.length)]!;
    if (s.length + w.length + 1 > max) return s;
    s = s ? `${s} ${w}` : w;
  }
}

/** A normal card: realistic name and payor, a distinct card number (~940-character JWS). */
async function normalCard(signer: CardSigner, now: number, i: number, rnd: () => number): Promise<ScanCard> {
  const issued = await issueCard(
    { ...benchCardInput(now), fullName: words(rnd, 28), cardNumber: `DN412${String(1_300_000_000 + i)}` },
    signer,
    { now: now - 60_000, rid: `scanRid${String(i).padStart(3, '0')}` },
  );
  return cardFor(issued.qrText, issued.jws.length);
}

/** A card's symbol: error correction M when it stays within version 22 (the spec's limit), else L. */
export function cardFor(text: string, jwsChars: number): ScanCard {
  const m = qrModules(text, 'M');
  const ecc = m.version <= 22 ? 'M' : 'L';
  return { text, jwsChars, ecc, modules: ecc === 'M' ? m : qrModules(text, 'L') };
}

/**
 * A maximal card: long name and payor plus an incompressible padding claim, signed so its JWS
 * lands on `target` characters (±5), then drawn at error correction L — version 21/22, the
 * densest symbol the spec allows.
 */
async function denseCard(signer: CardSigner, now: number, i: number, target: number, rnd: () => number): Promise<ScanCard> {
  const issued = await issueCard(
    { ...benchCardInput(now), fullName: words(rnd, 95), issuedBy: words(rnd, 95), cardNumber: `DN412${String(1_400_000_000 + i)}` },
    signer,
    { now: now - 60_000 },
  );
  let padLen = Math.max(0, target - issued.jws.length);
  const pad = Array.from({ length: 400 }, () => PAD_ALPHABET[Math.floor(rnd() * 64)]).join('');
  let best: { jws: string; qrText: string } | undefined;
  for (let attempt = 0; attempt < 16; attempt++) {
    const payload = padLen > 0 ? { ...issued.payload, pad: pad.slice(0, padLen) } : issued.payload;
    let signed: { jws: string; qrText: string };
    try {
      signed = await signCardPayload(payload, signer);
    } catch {
      padLen = Math.max(0, padLen - 6); // over the spec's limit: back off
      continue;
    }
    if (!best || Math.abs(signed.jws.length - target) < Math.abs(best.jws.length - target)) best = signed;
    if (Math.abs(signed.jws.length - target) <= 5) break;
    padLen = Math.max(0, padLen + Math.round((target - signed.jws.length) * 0.7));
  }
  if (best) return { text: best.qrText, jwsChars: best.jws.length, ecc: 'L', modules: qrModules(best.qrText, 'L') };
  throw new Error('unreachable');
}

/** Module size that makes the code (with a 4-module quiet zone) fill `fill` of the frame height. */
const fit = (m: QrModules, fill = 0.92, height = 480) => (height * fill) / (m.size + 8);

/**
 * ~90 cases: 16 clean codes (different cards, whole-pixel modules, as a static screen shows them:
 * the "JS decoder misses ~1 in 6" check) and 8 of each distortion at increasing strength.
 */
export async function makeScanCases(signer: CardSigner, now: number, seed = 2026): Promise<ScanCase[]> {
  const rnd = mulberry32(seed);
  const normal: ScanCard[] = [];
  for (let i = 0; i < 16; i++) normal.push(await normalCard(signer, now, i, rnd));
  const dense: ScanCard[] = [];
  for (let i = 0; i < 8; i++) dense.push(await denseCard(signer, now, i, 1100 + Math.round((i * 88) / 7), rnd));
  // Distortions alternate normal and dense cards: every case is a version-19+ symbol.
  const pick = (i: number) => (i % 2 === 0 ? normal[(i * 3) % normal.length]! : dense[i % dense.length]!);
  const cases: ScanCase[] = [];
  const add = (kind: Distortion, i: number, card: ScanCard, scene: Scene) =>
    cases.push({ id: `${kind}-${i}`, kind, card, scene: { seed: seed + cases.length, ...scene } });

  normal.forEach((card, i) => add('clean', i, card, sceneFor('clean', i, card.modules)));
  dense.forEach((card, i) => add('dense', i, card, sceneFor('dense', i, card.modules)));
  for (let i = 0; i < 8; i++) {
    const card = pick(i);
    for (const kind of DISTORTIONS.slice(2)) add(kind, i, card, sceneFor(kind, i, card.modules));
  }
  return cases;
}

const lerp = (a: number, b: number, i: number) => a + ((b - a) * i) / 7;

/** The scene for distortion `kind` at strength `i` (0 = mild … 7 = severe) for symbol `m`. */
export function sceneFor(kind: Distortion, i: number, m: QrModules): Scene {
  const base = { modulePx: fit(m) * 0.9, blurSigma: 0.6 };
  switch (kind) {
    case 'clean':
      return { modulePx: Math.floor(fit(m, 1)), background: 255, black: 0, white: 255 };
    case 'dense':
      return { modulePx: lerp(4.2, 3.4, i), blurSigma: 0.5 };
    case 'rotation':
      return { ...base, modulePx: fit(m) * 0.78, rotationDeg: lerp(5, 30, i) * (i % 2 ? -1 : 1) };
    case 'perspective':
      return { ...base, modulePx: fit(m) * 0.85, tiltXDeg: lerp(15, 50, i), tiltYDeg: lerp(10, 40, i) * (i % 2 ? -1 : 1), distance: 1.6 };
    case 'blur':
      return { ...base, modulePx: fit(m), blurSigma: lerp(0.9, 2.2, i) };
    case 'lowContrast':
      return { ...base, black: lerp(100, 124, i), white: lerp(140, 132, i), blurSigma: 0.7, noiseSigma: 2 };
    case 'glare':
      return {
        ...base,
        glare: {
          cx: 320 + lerp(-60, 60, i),
          cy: 240 + lerp(40, -40, i),
          rx: lerp(90, 170, i),
          ry: lerp(60, 110, i),
          strength: lerp(170, 320, i),
        },
      };
    case 'moire':
      return {
        ...base,
        modulePx: fit(m) * 0.95,
        rotationDeg: lerp(1, 4, i),
        black: 35,
        white: 215,
        screen: {
          screenPxPerModule: lerp(5.3, 3.1, i),
          fill: lerp(0.85, 0.65, i),
          gapLevel: lerp(0.8, 0.4, i),
          amplitude: lerp(0.08, 0.4, i),
          periodPx: lerp(23, 9, i),
          angleDeg: lerp(20, 65, i),
        },
      };
    case 'noise':
      return { ...base, noiseSigma: lerp(18, 60, i) };
    case 'small':
      return { ...base, modulePx: lerp(1.9, 1.2, i), blurSigma: 0.45 };
  }
}

export function renderCase(c: ScanCase, width = 640, height = 480): GreyFrame {
  return renderQr(c.card.modules, c.scene, width, height);
}

/** A clean, static frame of a card (whole-pixel modules, as large as fits): the latency benchmark's camera. */
export function cleanFrame(card: ScanCard, width = 640, height = 480): GreyFrame {
  return renderQr(
    card.modules,
    { modulePx: Math.floor(fit(card.modules, 1, height)), background: 255, black: 0, white: 255 },
    width,
    height,
  );
}
