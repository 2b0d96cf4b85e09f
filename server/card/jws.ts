/**
 * Compact JWS framing and the pinned header rules (spec §1). Nothing here trusts the content:
 * only the header is decoded, and it must be exactly {alg: ES256, kid, zip: DEF}.
 */

/** The SMART Health Cards limit for a single-chunk QR (spec §1). */
export const MAX_JWS_CHARS = 1195;
/** A valid header is ~90 characters; anything far bigger is not ours and is not decoded. */
const MAX_HEADER_CHARS = 512;

const COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export interface JwsParts {
  /** base64url header, as sent */
  header: string;
  /** base64url payload, as sent (compressed) */
  payload: string;
  /** base64url signature */
  signature: string;
  /** The ASCII text the signature covers: `header.payload`. */
  signingInput: string;
}

export interface JwsHeader {
  alg: 'ES256';
  kid: string;
  zip: 'DEF';
}

export type SplitResult = { ok: true; parts: JwsParts } | { ok: false; code: 'JWS_MALFORMED' };
export type HeaderResult = { ok: true; header: JwsHeader } | { ok: false; code: 'JWS_MALFORMED' | 'HEADER_INVALID'; detail: string };

/** base64url text whose length is 1 mod 4 cannot come from any byte string. */
function isB64urlLength(s: string): boolean {
  return s.length % 4 !== 1;
}

/**
 * Splits a compact JWS into three non-empty base64url parts. The length limit is applied by
 * parseJws after the header rules, so that an over-long JWS with a forbidden header (e.g. an
 * uncompressed payload without `zip`) reports the header problem.
 */
export function splitCompactJws(jws: string): SplitResult {
  const m = COMPACT.exec(jws);
  if (!m) return { ok: false, code: 'JWS_MALFORMED' };
  const header = m[1]!;
  const payload = m[2]!;
  const signature = m[3]!;
  if (!isB64urlLength(header) || !isB64urlLength(payload) || !isB64urlLength(signature)) {
    return { ok: false, code: 'JWS_MALFORMED' };
  }
  return {
    ok: true,
    parts: { header, payload, signature, signingInput: jws.slice(0, header.length + 1 + payload.length) },
  };
}

/**
 * Decodes the protected header and enforces the pinned rules. Undecodable → JWS_MALFORMED;
 * decodable but not exactly {alg: ES256, kid: non-empty string, zip: DEF} → HEADER_INVALID.
 * Any extra member (jku, jwk, x5u, x5c, crit, b64, typ…) is refused: each one is a way for a
 * card to steer its own verification.
 */
export function parseProtectedHeader(b64: string): HeaderResult {
  if (b64.length > MAX_HEADER_CHARS) return { ok: false, code: 'JWS_MALFORMED', detail: 'header too long' };
  let h: unknown;
  try {
    h = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, code: 'JWS_MALFORMED', detail: 'header is not JSON' };
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h)) {
    return { ok: false, code: 'JWS_MALFORMED', detail: 'header is not a JSON object' };
  }
  const o = h as Record<string, unknown>;
  let members = 0;
  for (const k in o) {
    if (k !== 'alg' && k !== 'kid' && k !== 'zip') return { ok: false, code: 'HEADER_INVALID', detail: `forbidden member ${k}` };
    members++;
  }
  if (o.alg !== 'ES256') return { ok: false, code: 'HEADER_INVALID', detail: 'alg must be ES256' };
  if (o.zip !== 'DEF') return { ok: false, code: 'HEADER_INVALID', detail: 'zip must be DEF' };
  if (typeof o.kid !== 'string' || o.kid.length === 0) return { ok: false, code: 'HEADER_INVALID', detail: 'kid missing' };
  if (members !== 3) return { ok: false, code: 'HEADER_INVALID', detail: 'unexpected members' };
  return { ok: true, header: o as unknown as JwsHeader };
}

export type ParseJwsResult =
  { ok: true; parts: JwsParts; header: JwsHeader } | { ok: false; code: 'JWS_MALFORMED' | 'HEADER_INVALID'; detail: string };

/**
 * Framing in order: three base64url parts → header decodes → header rules → total length
 * ≤ MAX_JWS_CHARS. The caller has already bounded the text (policy.maxQrChars).
 */
export function parseJws(jws: string): ParseJwsResult {
  const split = splitCompactJws(jws);
  if (!split.ok) return { ok: false, code: 'JWS_MALFORMED', detail: 'not three base64url parts' };
  const header = parseProtectedHeader(split.parts.header);
  if (!header.ok) return header;
  if (jws.length > MAX_JWS_CHARS) return { ok: false, code: 'JWS_MALFORMED', detail: `longer than ${MAX_JWS_CHARS} characters` };
  return { ok: true, parts: split.parts, header: header.header };
}
