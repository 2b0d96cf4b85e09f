/**
 * Issuing side, step 2: sign a card payload as a SMART Health Card (spec §1): minified JSON →
 * raw DEFLATE → compact JWS (ES256, header exactly {alg, zip, kid}) → `shc:/` numeric QR text.
 *
 * This is the development stand-in for the insurance agency: the kiosk only verifies.
 */
import { KeyObject, createPublicKey } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CompactSign } from 'jose';
import { AppError } from '../errors.js';
import { ecThumbprint } from '../trust/thumbprint.js';
import { encodeShcNumeric } from './qr-text.js';
import { buildPayload, normaliseIssueInput, type CardPayload, type IssueCardInput } from './fhir-build.js';

export type { CardPayload, IssueCardInput } from './fhir-build.js';

export interface CardSigner {
  /** The issuer URL written into the payload's `iss`. */
  iss: string;
  /** RFC 7638 thumbprint of the signing key (checked against the key). */
  kid: string;
  /** P-256 private key. */
  privateKey: KeyObject | CryptoKey;
}

export interface IssueOptions {
  /** Issue time, ms since epoch (injected clock). */
  now: number;
  /** Credential lifetime, seconds (default 30 days). */
  lifetimeSec?: number;
  /** Revocation id (base64url, ≤ 24 characters). */
  rid?: string;
}

export interface IssuedCard {
  jws: string;
  /** `shc:/` + numeric digits. */
  qrText: string;
  payload: CardPayload;
}

export const DEFAULT_LIFETIME_SEC = 30 * 24 * 3600;
/** Largest JWS that still fits one version-22 QR symbol (spec §1). */
export const MAX_JWS_CHARS = 1195;

function toKeyObject(key: KeyObject | CryptoKey): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key);
}

/**
 * Refuses a signer whose key is not P-256 or whose kid is not the key's thumbprint: such a
 * card would fail at every kiosk, and the mistake is easier to see here.
 */
export function checkSigner(signer: CardSigner): KeyObject {
  let key: KeyObject;
  try {
    key = toKeyObject(signer.privateKey);
  } catch (err) {
    throw new AppError('ISSUE_SIGNER_INVALID', 'signing key is not a usable key', undefined, { cause: err });
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AppError('ISSUE_SIGNER_INVALID', 'signing key must be a P-256 private key');
  }
  const pub = createPublicKey(key).export({ format: 'jwk' });
  if (typeof pub.x !== 'string' || typeof pub.y !== 'string' || ecThumbprint({ crv: 'P-256', x: pub.x, y: pub.y }) !== signer.kid) {
    throw new AppError('ISSUE_SIGNER_INVALID', "signer kid is not the key's RFC 7638 thumbprint");
  }
  return key;
}

/**
 * Signs any payload object with the card framing (no card-content checks). issueCard uses it;
 * tests use it to make deliberately odd but validly signed cards.
 */
export async function signCardPayload(payload: object, signer: CardSigner): Promise<{ jws: string; qrText: string }> {
  const key = checkSigner(signer);
  const json = JSON.stringify(payload); // JSON.stringify without spacing is already minified
  const compressed = deflateRawSync(Buffer.from(json, 'utf8'), { level: 9 });
  const jws = await new CompactSign(compressed).setProtectedHeader({ alg: 'ES256', zip: 'DEF', kid: signer.kid }).sign(key);
  if (jws.length > MAX_JWS_CHARS) {
    throw new AppError('ISSUE_CARD_TOO_LARGE', `signed card is ${jws.length} characters; at most ${MAX_JWS_CHARS} fit one QR code`, {
      jwsChars: jws.length,
      maxChars: MAX_JWS_CHARS,
    });
  }
  return { jws, qrText: encodeShcNumeric(jws) };
}

/** Checks the card fields, builds the payload (nbf = now, exp = nbf + lifetime) and signs it. */
export async function issueCard(input: IssueCardInput, signer: CardSigner, opts: IssueOptions): Promise<IssuedCard> {
  const card = normaliseIssueInput(input);
  const lifetime = opts.lifetimeSec ?? DEFAULT_LIFETIME_SEC;
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) {
    throw new AppError('ISSUE_INPUT_INVALID', 'lifetimeSec must be a positive whole number of seconds', {
      problems: ['lifetimeSec must be a positive whole number of seconds'],
    });
  }
  if (!Number.isFinite(opts.now)) {
    throw new AppError('ISSUE_INPUT_INVALID', 'now must be ms since epoch', { problems: ['now must be ms since epoch'] });
  }
  const nbf = Math.floor(opts.now / 1000);
  const claims = { iss: signer.iss, nbf, exp: nbf + lifetime, ...(opts.rid !== undefined ? { rid: opts.rid } : {}) };
  const payload = buildPayload(card, claims);
  const { jws, qrText } = await signCardPayload(payload, signer);
  return { jws, qrText, payload };
}
