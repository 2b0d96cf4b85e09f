/**
 * A tiny camera simulator for the scanning benchmark: paints a QR module matrix as a camera would
 * see it — placed through a homography (scale, rotation, perspective tilt), sampled with
 * super-sampling, then optical blur, contrast, glare, a photographed screen's pixel grid and
 * interference (moiré) and sensor noise. Pure and deterministic (seeded), no ffmpeg, no canvas:
 * the frames are plain grey-scale arrays the browser lab and the fake camera both take.
 */
import QRCode, { type QRCodeSegment } from 'qrcode';

export interface GreyFrame {
  width: number;
  height: number;
  /** One byte per pixel, 0 = black, 255 = white. */
  pixels: Uint8Array;
}

export interface QrModules {
  size: number;
  version: number;
  dark: Uint8Array;
}

/** The card's QR matrix: a byte-mode `shc:/` segment then the digits in numeric mode (spec). */
export function qrModules(text: string, ecc: 'L' | 'M' = 'M'): QrModules {
  const m = /^shc:\/(\d+)$/.exec(text);
  const segments: QRCodeSegment[] = m
    ? [
        { data: Buffer.from('shc:/', 'utf8'), mode: 'byte' },
        { data: m[1]!, mode: 'numeric' },
      ]
    : [{ data: Buffer.from(text, 'utf8'), mode: 'byte' }];
  const qr = QRCode.create(segments, { errorCorrectionLevel: ecc });
  return { size: qr.modules.size, version: qr.version, dark: Uint8Array.from(qr.modules.data) };
}

export interface Scene {
  /** Size of one module at the code's centre, in frame pixels. */
  modulePx: number;
  rotationDeg?: number;
  /** Perspective: the code plane turned about its horizontal / vertical axis (degrees). */
  tiltXDeg?: number;
  tiltYDeg?: number;
  /** Camera distance in code widths (smaller = stronger perspective). */
  distance?: number;
  /** Offset of the code's centre from the frame's centre (pixels). */
  offsetX?: number;
  offsetY?: number;
  /** Gaussian blur (defocus), sigma in pixels. */
  blurSigma?: number;
  /** Grey levels of a dark and a light module (default 20 and 235). */
  black?: number;
  white?: number;
  /** A bright elliptical highlight added on top (reflection on glass), `strength` in grey levels. */
  glare?: { cx: number; cy: number; rx: number; ry: number; strength: number };
  /**
   * A photographed screen: its pixel grid (`screenPxPerModule` screen pixels per module, lit
   * `fill` fraction of each, gaps at `gapLevel` of the brightness) and a low-frequency
   * interference wave (`amplitude` 0..1, `periodPx`, `angleDeg`).
   */
  screen?: { screenPxPerModule: number; fill: number; gapLevel: number; amplitude: number; periodPx: number; angleDeg: number };
  /** Sensor noise, sigma in grey levels. */
  noiseSigma?: number;
  /** Background outside the white card margin (a desk, a phone bezel). */
  background?: number;
  seed?: number;
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/**
 * Plane (x, y in pixels around the code's centre, z = 0) → frame: rotate in-plane, tilt the plane
 * in 3-D, put it `D` in front of a pinhole camera with focal length `D` (so the centre keeps
 * `modulePx`), project. H = K · [r1 r2 t].
 */
function homography(scene: Scene, codePx: number, width: number, height: number): Mat3 {
  const rad = Math.PI / 180;
  const th = (scene.rotationDeg ?? 0) * rad;
  const ax = (scene.tiltXDeg ?? 0) * rad;
  const ay = (scene.tiltYDeg ?? 0) * rad;
  const D = (scene.distance ?? 2.5) * codePx;
  // R = Ry · Rx · Rz
  const rz = [Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(ax), -Math.sin(ax), 0, Math.sin(ax), Math.cos(ax)];
  const ry = [Math.cos(ay), 0, Math.sin(ay), 0, 1, 0, -Math.sin(ay), 0, Math.cos(ay)];
  const mul = (p: number[], q: number[]) => {
    const r = new Array<number>(9).fill(0);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j]! += p[i * 3 + k]! * q[k * 3 + j]!;
    return r;
  };
  const R = mul(ry, mul(rx, rz));
  const cx = width / 2 + (scene.offsetX ?? 0);
  const cy = height / 2 + (scene.offsetY ?? 0);
  // Columns r1, r2, t = (0, 0, D); K = [[D,0,cx],[0,D,cy],[0,0,1]].
  const P = [R[0]!, R[1]!, 0, R[3]!, R[4]!, 0, R[6]!, R[7]!, D];
  const K = [D, 0, cx, 0, D, cy, 0, 0, 1];
  return mul(K, P) as Mat3;
}

/** Renders the scene to a `width`×`height` grey frame. */
export function renderQr(mod: QrModules, scene: Scene, width = 640, height = 480): GreyFrame {
  const n = mod.size;
  const s = scene.modulePx;
  const codePx = n * s;
  const inv = invert3(homography(scene, codePx, width, height));
  const black = scene.black ?? 20;
  const white = scene.white ?? 235;
  const background = scene.background ?? 70;
  const margin = 5; // modules of white around the code (4 quiet zone + the card/screen edge)
  const screen = scene.screen;
  const SS = 3; // 3×3 samples per pixel: anti-aliasing, and the grid's aliasing (moiré) as a sensor shows it
  const lin = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const fx = x + (sx + 0.5) / SS;
          const fy = y + (sy + 0.5) / SS;
          const w = inv[6] * fx + inv[7] * fy + inv[8];
          const px = (inv[0] * fx + inv[1] * fy + inv[2]) / w;
          const py = (inv[3] * fx + inv[4] * fy + inv[5]) / w;
          // Plane pixels → module coordinates (0..n over the code).
          const u = px / s + n / 2;
          const v = py / s + n / 2;
          let level: number;
          if (w <= 0 || u < -margin || v < -margin || u >= n + margin || v >= n + margin) {
            level = background;
          } else {
            const mu = Math.floor(u);
            const mv = Math.floor(v);
            const dark = mu >= 0 && mv >= 0 && mu < n && mv < n && mod.dark[mv * n + mu] === 1;
            level = dark ? black : white;
            if (screen) {
              const k = screen.screenPxPerModule;
              const gu = u * k - Math.floor(u * k);
              const gv = v * k - Math.floor(v * k);
              if (gu > screen.fill || gv > screen.fill) level *= screen.gapLevel;
            }
          }
          acc += level;
        }
      }
      lin[y * width + x] = acc / (SS * SS);
    }
  }
  let img: Float32Array = lin;
  if (scene.blurSigma && scene.blurSigma > 0) img = gaussianBlur(img, width, height, scene.blurSigma);
  const rnd = mulberry32(scene.seed ?? 1);
  const out = new Uint8Array(width * height);
  const g = scene.glare;
  const sc = screen && screen.amplitude > 0 ? screen : undefined;
  const wave = sc
    ? {
        kx: (Math.cos((sc.angleDeg * Math.PI) / 180) * 2 * Math.PI) / sc.periodPx,
        ky: (Math.sin((sc.angleDeg * Math.PI) / 180) * 2 * Math.PI) / sc.periodPx,
      }
    : undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = img[y * width + x]!;
      if (sc && wave) v *= 1 - sc.amplitude * (0.5 + 0.5 * Math.sin(wave.kx * x + wave.ky * y));
      if (g) {
        const dx = (x - g.cx) / g.rx;
        const dy = (y - g.cy) / g.ry;
        v += g.strength * Math.exp(-(dx * dx + dy * dy));
      }
      if (scene.noiseSigma) v += scene.noiseSigma * gaussian(rnd);
      out[y * width + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return { width, height, pixels: out };
}

function gaussian(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** Separable Gaussian blur with clamped edges. */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(sigma * 3));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r]! * src[y * width + Math.min(width - 1, Math.max(0, x + i))]!;
      tmp[y * width + x] = a;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) a += k[i + r]! * tmp[Math.min(height - 1, Math.max(0, y + i)) * width + x]!;
      out[y * width + x] = a;
    }
  }
  return out;
}
