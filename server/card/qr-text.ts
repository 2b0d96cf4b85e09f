/**
 * Classifies scanned QR text (spec §3 step 1) into the kind of card it carries. Only framing
 * happens here: nothing is parsed beyond what is needed to tell the kinds apart, because the
 * text is unauthenticated.
 */

export type QrErrorCode = 'QR_MALFORMED' | 'CHUNKED_QR';

export type ClassifiedQr =
  | { kind: 'jws'; jws: string; via: 'shc' | 'bare' | 'file' }
  | { kind: 'legacy'; text: string }
  | { kind: 'id-card'; text: string }
  | { kind: 'error'; code: QrErrorCode };

const SHC_PREFIX = 'shc:/';
/** `<index>/<count>/…` after `shc:/`: the deprecated multi-chunk form (tested only when a `/` is present). */
const CHUNKED = /^\d+\/\d+\//;
/** Loose shape check for a bare compact JWS; jws.ts does the strict one. */
const BARE_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
/** CCCD QR: a 12-digit ID number then six more `|` fields. */
const ID_CARD = /^\d{12}\|/;
/** Legacy paper-card QRs have at least 14 fields before the terminator. */
const LEGACY_MIN_FIELDS = 14;

/** A JSON `.smart-health-card` file is small; anything bigger is not one. */
const MAX_FILE_CHARS = 4096;

const MALFORMED: ClassifiedQr = Object.freeze({ kind: 'error', code: 'QR_MALFORMED' });
const CHUNKED_ERR: ClassifiedQr = Object.freeze({ kind: 'error', code: 'CHUNKED_QR' });

/**
 * Decodes the numeric body of `shc:/<digits>` to the JWS, or undefined when malformed (odd
 * count, a non-digit, or a pair above 77). Builds bytes then one latin1 string: no per-char
 * string concatenation on the hot path.
 */
export function decodeShcNumeric(digits: string): string | undefined {
  const n = digits.length;
  if (n === 0 || n % 2 !== 0) return undefined;
  const out = Buffer.allocUnsafe(n / 2);
  for (let i = 0, j = 0; i < n; i += 2, j++) {
    const a = digits.charCodeAt(i) - 48;
    const b = digits.charCodeAt(i + 1) - 48;
    if (a < 0 || a > 9 || b < 0 || b > 9) return undefined;
    const v = a * 10 + b;
    if (v > 77) return undefined;
    out[j] = v + 45;
  }
  return out.toString('latin1');
}

/** The inverse of decodeShcNumeric, with the `shc:/` prefix: what the issuing side puts in the QR. */
export function encodeShcNumeric(jws: string): string {
  let s = SHC_PREFIX;
  for (let i = 0; i < jws.length; i++) {
    const v = jws.charCodeAt(i) - 45;
    if (v < 0 || v > 77) throw new RangeError(`character at ${i} cannot be encoded in an shc:/ QR`);
    s += v < 10 ? `0${v}` : String(v);
  }
  return s;
}

/** Trims surrounding whitespace, including the CR/LF that keyboard-wedge scanners append. */
export function trimScan(text: string): string {
  return text.trim();
}

function fromFile(text: string): ClassifiedQr {
  if (text.length > MAX_FILE_CHARS) return MALFORMED;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return MALFORMED;
  }
  if (typeof parsed !== 'object' || parsed === null) return MALFORMED;
  const vcs = (parsed as { verifiableCredential?: unknown }).verifiableCredential;
  if (!Array.isArray(vcs) || typeof vcs[0] !== 'string') return MALFORMED;
  return { kind: 'jws', jws: vcs[0], via: 'file' };
}

/**
 * Classifies scanned text. `maxChars` (policy.maxQrChars) is enforced before any other work,
 * on the raw text, so a huge paste costs nothing.
 */
export function classifyQr(raw: string, maxChars: number): ClassifiedQr {
  if (typeof raw !== 'string' || raw.length > maxChars) return MALFORMED;
  const text = trimScan(raw);
  if (text.length === 0) return MALFORMED;

  if (text.startsWith(SHC_PREFIX)) {
    const body = text.slice(SHC_PREFIX.length);
    if (body.includes('/')) return CHUNKED.test(body) ? CHUNKED_ERR : MALFORMED;
    const jws = decodeShcNumeric(body);
    return jws === undefined ? MALFORMED : { kind: 'jws', jws, via: 'shc' };
  }
  const c = text.charCodeAt(0);
  if (c === 0x7b /* { */) return fromFile(text);
  // A JWS always starts with `eyJ` (base64url of `{"`); anything shaped like one goes to jws.ts,
  // which reports JWS_MALFORMED with the precise reason (e.g. too long).
  if (text.startsWith('eyJ') || BARE_JWS.test(text)) return { kind: 'jws', jws: text, via: 'bare' };
  if (ID_CARD.test(text)) {
    return text.split('|').length === 7 ? { kind: 'id-card', text } : MALFORMED;
  }
  if (text.includes('|') && text.split('|').length >= LEGACY_MIN_FIELDS) return { kind: 'legacy', text };
  return MALFORMED;
}
