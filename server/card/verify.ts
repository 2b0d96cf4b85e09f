import type { TrustSnapshot, TrustedIssuer, TrustedKey } from '../trust/types.js';
import { applyCardNumberRules } from './card-number.js';
import { checkCoveragePeriod } from './coverage-period.js';
import { checkCredentialBody, checkEnvelope } from './credential.js';
import { readCard } from './fhir-read.js';
import { parseIdCardQr } from './id-card-qr.js';
import { parseJws, type JwsParts } from './jws.js';
import { parseLegacyQr } from './legacy-qr.js';
import { decodePayload } from './payload.js';
import { classifyQr } from './qr-text.js';
import { reason } from './reasons.js';
import { verifyEs256, verifyEs256Async } from './signature.js';
import type { VerifyPolicy } from './types.js';
import type { CardFields, Check, CheckName, Reason, VerifyResult } from '../wire/verification.js';

/**
 * The card verifier (spec §3): a pure, synchronous function of (QR text, trust snapshot, clock,
 * policy). It never touches the network or the disk and lists every check that ran, in order.
 *
 * Ordering decisions:
 * - Framing and crypto failures (qr, header, key, signature, payload decoding) stop the run:
 *   nothing is inflated or parsed from the payload before the signature holds.
 * - ISSUER_MISMATCH and KEY_INACTIVE also stop it: the content is not vouched for by an
 *   issuer we trust for it, so it is neither shown nor judged further.
 * - After that every step runs and every finding is kept (an expired AND revoked card reports
 *   both); a credential that is not a BHYT card (CREDENTIAL_INVALID) still gets the time and
 *   revocation checks, but no card step.
 * - A future `nbf` is NOT_YET_VALID (error) plus CLOCK_SUSPECT (warning): the spec names both
 *   the trust store's last update and the card's issue time as evidence of a clock running
 *   behind. The card is still rejected; the warning tells the desk to have the clock checked.
 * - DIGITAL_CARD_NOT_ACCEPTED (policy) is recorded first so that it is the primary code, but the
 *   card is still verified so the receptionist can see whose card it is.
 * - A check's `ok` is false when that step produced an error; warnings and info leave it true.
 * - `source` is the kind of QR scanned (`signed` even when the signature fails); `card` is set
 *   only when the signature held (or for the unsigned kinds, when the QR could be read).
 */

export interface VerifyContext {
  trust: TrustSnapshot;
  /** ms since epoch */
  now: number;
  policy: VerifyPolicy;
}

/** verifyQr's result plus the inflated payload: for tests and diagnostics only. */
export interface VerifyDebugResult {
  result: VerifyResult;
  payload?: Record<string, unknown>;
  payloadJson?: string;
}

class Run {
  readonly reasons: Reason[] = [];
  readonly checks: Check[] = [];
  readonly out: Omit<VerifyResult, 'verdict' | 'code' | 'reasons' | 'checks' | 'checkedAt'> = {};
  payload?: Record<string, unknown>;
  payloadJson?: string;

  /** Records a step; `ok` is false when any finding in `found` is an error. */
  step(name: CheckName, found: Reason[]): boolean {
    let ok = true;
    for (const r of found) {
      this.reasons.push(r);
      if (r.severity === 'error') ok = false;
    }
    this.checks.push({ name, ok });
    return ok;
  }

  fail(name: CheckName, r: Reason): void {
    this.reasons.push(r);
    this.checks.push({ name, ok: false });
  }

  pass(name: CheckName): void {
    this.checks.push({ name, ok: true });
  }

  finish(nowMs: number): VerifyResult {
    let primary: Reason | undefined;
    let firstWarning: Reason | undefined;
    let firstInfo: Reason | undefined;
    for (const r of this.reasons) {
      if (r.severity === 'error') {
        primary = r;
        break;
      }
      if (r.severity === 'warning') firstWarning ??= r;
      else firstInfo ??= r;
    }
    const verdict = primary ? 'rejected' : firstWarning ? 'needs_review' : 'accepted';
    primary ??= firstWarning ?? firstInfo;
    const result: VerifyResult = {
      verdict,
      code: primary ? primary.code : 'OK',
      reasons: this.reasons,
      checks: this.checks,
      ...this.out,
      checkedAt: new Date(nowMs).toISOString(),
    };
    const portal = primary ? primary.portalCode : '000';
    if (portal !== undefined) result.portalCode = portal;
    return result;
  }
}

/** OFF_ROUTE when the card is registered at another facility than this kiosk's. */
function facilityFindings(card: CardFields, policy: VerifyPolicy): Reason[] {
  if (!policy.facility || card.registeredFacility === undefined) return [];
  card.offRoute = card.registeredFacility !== policy.facility.toUpperCase();
  return card.offRoute ? [reason('OFF_ROUTE')] : [];
}

/** The card rules shared by signed and legacy cards (spec §3 step 8). Mutates `card`. */
function cardRuleFindings(card: CardFields, ctx: VerifyContext, found: Reason[]): Reason[] {
  for (const r of applyCardNumberRules(card)) found.push(r);
  for (const r of checkCoveragePeriod(card, ctx.now)) found.push(r);
  for (const r of facilityFindings(card, ctx.policy)) found.push(r);
  return found;
}

function keyInactive(key: TrustedKey, nbf: number): boolean {
  return key.revoked || (key.nbf !== undefined && nbf < key.nbf) || (key.exp !== undefined && nbf > key.exp);
}

/** What the steps before the signature found: enough to check it, synchronously or not. */
interface SignedCandidate {
  parts: JwsParts;
  key: TrustedKey;
  issuer: TrustedIssuer | undefined;
  kid: string;
}

/** Steps 2–3: framing, pinned header, key by kid. Undefined when the run already failed. */
function signedFraming(run: Run, jws: string, ctx: VerifyContext): SignedCandidate | undefined {
  const { trust, policy } = ctx;
  run.out.source = 'signed';
  if (!policy.acceptDigitalCards) run.reasons.push(reason('DIGITAL_CARD_NOT_ACCEPTED'));
  run.pass('qr');

  // 2. JWS framing and the pinned header.
  const parsed = parseJws(jws);
  if (!parsed.ok) return void run.fail('header', reason(parsed.code));
  run.pass('header');
  const parts = parsed.parts;
  const kid = parsed.header.kid;
  run.out.keyId = kid;

  // 3. Key by kid, from the trust snapshot only.
  const key = trust.keysByKid.get(kid);
  if (key === undefined) return void run.fail('key', reason('KEY_UNKNOWN'));
  const issuer = trust.issuers.get(key.iss);
  run.out.issuer = key.iss;
  if (issuer) {
    run.out.issuerName = issuer.name;
    if (issuer.demo) run.out.demo = true;
  }
  run.pass('key');
  return { parts, key, issuer, kid };
}

/** Steps 5–8, once the signature (step 4) is known to hold or not. */
function afterSignature(run: Run, c: SignedCandidate, signatureOk: boolean, ctx: VerifyContext, keepPayload: boolean): void {
  const { trust, now, policy } = ctx;
  const tolMs = policy.clockToleranceSec * 1000;
  const { parts, key, issuer, kid } = c;
  // 4. Signature over the ASCII `header.payload` as sent.
  if (!signatureOk) return run.fail('signature', reason('SIGNATURE_INVALID'));
  run.pass('signature');

  // 5. Inflate with the cap, parse, issuer and key window.
  const decoded = decodePayload(parts.payload);
  if (!decoded.ok) return run.fail('payload', reason('PAYLOAD_INVALID'));
  if (keepPayload) {
    run.payload = decoded.payload;
    run.payloadJson = decoded.json;
  }
  const envelope = checkEnvelope(decoded.payload);
  if (!envelope.ok) return run.fail('payload', envelope.reason);
  const claims = envelope.claims;
  run.out.nbf = claims.nbf;
  if (claims.iss !== key.iss) return run.fail('payload', reason('ISSUER_MISMATCH'));
  if (keyInactive(key, claims.nbf)) return run.fail('payload', reason('KEY_INACTIVE'));
  const body = checkCredentialBody(decoded.payload, claims);
  if (claims.exp !== undefined) run.out.exp = claims.exp;
  if (claims.rid !== undefined) run.out.rid = claims.rid;
  run.step('payload', body.reasons);

  // 6. Time, and this machine's clock against the trust store.
  const time: Reason[] = [];
  // A card issued "in the future" is either not yet valid or this machine's clock is behind:
  // report both so the receptionist is not left blaming the card alone (spec §4).
  if (claims.nbf * 1000 > now + tolMs) time.push(reason('NOT_YET_VALID'), reason('CLOCK_SUSPECT'));
  if (claims.exp !== undefined && claims.exp * 1000 < now - tolMs) time.push(reason('EXPIRED'));
  if (now < trust.updatedAt - tolMs) time.push(reason('CLOCK_SUSPECT'));
  run.step('time', time);

  // 7. Revocation on the signing key's list, and the list's freshness.
  const revocation: Reason[] = [];
  if (claims.rid !== undefined) {
    const list = issuer?.crl.get(kid);
    if (list !== undefined && list.rids.has(claims.rid)) {
      const cutoff = list.rids.get(claims.rid);
      if (cutoff === null || cutoff === undefined || claims.nbf < cutoff) revocation.push(reason('REVOKED'));
    }
  }
  if (now - trust.crlCheckedAt > policy.maxTrustAgeSec * 1000) revocation.push(reason('TRUST_STALE'));
  run.step('revocation', revocation);

  // 8. Card rules, when the credential is a BHYT card.
  if (body.patient === undefined || body.coverage === undefined) return;
  const read = readCard(body.patient, body.coverage);
  run.out.card = read.card;
  run.step('card', cardRuleFindings(read.card, ctx, read.reasons));
}

function verifyLegacy(run: Run, text: string, ctx: VerifyContext): void {
  const parsed = parseLegacyQr(text);
  if (!parsed.ok) return run.fail('qr', reason('QR_MALFORMED'));
  run.out.source = 'legacy-unsigned';
  run.out.card = parsed.card;
  run.step('qr', [reason('UNSIGNED_LEGACY')]);
  run.step('card', cardRuleFindings(parsed.card, ctx, []));
}

function verifyIdCard(run: Run, text: string): void {
  const parsed = parseIdCardQr(text);
  if (!parsed.ok) return run.fail('qr', reason('QR_MALFORMED'));
  run.out.source = 'id-card';
  run.out.card = parsed.card;
  run.step('qr', [reason('ID_CARD_PRESENTED')]);
}

/**
 * Runs every step but the signature of a signed card, which `checkSignature` decides: sync for
 * verifyQr, on the thread pool for verifyQrAsync. Both share all other code.
 */
function run(text: string, ctx: VerifyContext, keepPayload: boolean): Run {
  const r = new Run();
  const candidate = start(r, text, ctx);
  if (candidate)
    afterSignature(r, candidate, verifyEs256(candidate.parts.signingInput, candidate.parts.signature, candidate.key), ctx, keepPayload);
  return r;
}

async function runAsync(text: string, ctx: VerifyContext): Promise<Run> {
  const r = new Run();
  const candidate = start(r, text, ctx);
  if (candidate)
    afterSignature(
      r,
      candidate,
      await verifyEs256Async(candidate.parts.signingInput, candidate.parts.signature, candidate.key),
      ctx,
      false,
    );
  return r;
}

/** Step 1 and, for a signed card, steps 2–3; a signed candidate is returned for step 4. */
function start(r: Run, text: string, ctx: VerifyContext): SignedCandidate | undefined {
  const qr = classifyQr(text, ctx.policy.maxQrChars);
  switch (qr.kind) {
    case 'error':
      r.fail('qr', reason(qr.code));
      break;
    case 'jws':
      return signedFraming(r, qr.jws, ctx);
    case 'legacy':
      verifyLegacy(r, qr.text, ctx);
      break;
    case 'id-card':
      verifyIdCard(r, qr.text);
      break;
  }
  return undefined;
}

/** Verifies one scanned QR text. Synchronous and pure; never throws for any input text. */
export function verifyQr(text: string, ctx: VerifyContext): VerifyResult {
  return run(text, ctx, false).finish(ctx.now);
}

/**
 * verifyQr with the ECDSA step on libuv's thread pool instead of the calling thread: the same
 * checks and result, but a busy HTTP server keeps its event loop free while the signature is
 * checked (the one expensive step), so a second core can do it.
 */
export async function verifyQrAsync(text: string, ctx: VerifyContext): Promise<VerifyResult> {
  return (await runAsync(text, ctx)).finish(ctx.now);
}

/** verifyQr plus the inflated payload (when the signature held): tests and diagnostics only. */
export function verifyQrDebug(text: string, ctx: VerifyContext): VerifyDebugResult {
  const r = run(text, ctx, true);
  const out: VerifyDebugResult = { result: r.finish(ctx.now) };
  if (r.payload !== undefined) out.payload = r.payload;
  if (r.payloadJson !== undefined) out.payloadJson = r.payloadJson;
  return out;
}
