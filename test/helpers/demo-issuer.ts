/**
 * Test helper: a throw-away issuer (own temp directory, key, trust file) that issues real signed
 * cards, for anyone's tests (verifier, check-in API, kiosk screen).
 *
 *   const issuer = await makeTestIssuer({ now: Date.parse('2026-11-25T02:00:00Z') });
 *   const card = await issuer.issue({ registeredFacility: '12002' });   // overrides the sample
 *   verifyQr(card.qrText, { trust: issuer.trust, now, policy });
 *   await issuer.revoke(card.payload.vc.rid!);                           // issuer.trust reloads
 *   await issuer.cleanup();
 *
 * It goes through the same files and code as `npm run issuer` (issuer directory, trust file
 * with relative paths, loadTrustFile), so what passes here passes with the real tool.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { CompactSign } from 'jose';
import type { IssueCardInput } from '../../server/card/fhir-build.js';
import { issueCard, signCardPayload, type CardSigner, type IssuedCard } from '../../server/card/issue.js';
import { encodeShcNumeric } from '../../server/card/qr-text.js';
import { addIssuerKey, createIssuerDir, loadSigner, revokeRid } from '../../server/issuer/issuer-dir.js';
import { demoCardInput } from '../../server/issuer/demo-card.js';
import { trustIssuerDir } from '../../server/issuer/trust-file.js';
import { loadTrustFile } from '../../server/trust/load-file.js';
import type { TrustSnapshot } from '../../server/trust/types.js';

export const TEST_ISSUER_ISS = 'https://test-issuer.bhyt-kiosk.invalid';

export interface TestIssuerOptions {
  /** The test's frozen time (ms): trust updatedAt, default issue time, the sample card's year. */
  now: number;
  iss?: string;
  name?: string;
  /** Mark the issuer as demo in the trust file (default false). */
  demo?: boolean;
  /** Key window, seconds (default: a year before `now` to ten years after). */
  keyNbf?: number;
  keyExp?: number;
}

export interface TestIssueOptions {
  /** Issue time, ms (default: the issuer's `now`). */
  now?: number;
  lifetimeSec?: number;
  /** Revocation id; default a fresh `rid<n>`; null for a card without rid. */
  rid?: string | null;
  /** Sign with this key (from addKey) instead of the first one. */
  kid?: string;
}

export interface TestIssuer {
  /** Temp root: holds `issuer/` and `trust.json`. */
  root: string;
  issuerDir: string;
  trustFile: string;
  iss: string;
  /** The first key's kid. */
  kid: string;
  signer: CardSigner;
  /** The current trust snapshot (reloaded by revoke/addKey/reload). */
  readonly trust: TrustSnapshot;
  /** The sample card input (valid through the Vietnam calendar year of `now`). */
  sampleInput(): IssueCardInput;
  /** Issues a card: the sample input with `overrides` applied (a key set to undefined is removed). */
  issue(overrides?: Partial<IssueCardInput>, opts?: TestIssueOptions): Promise<IssuedCard>;
  /** Signs any payload with the card framing (for odd-but-signed cards); no content checks. */
  sign(payload: object, opts?: { kid?: string }): Promise<{ jws: string; qrText: string }>;
  /**
   * Signs with any protected header and payload bytes (for header tests): the payload object is
   * minified and raw-deflated unless bytes are given. The JWS length limit is not enforced.
   */
  signRaw(header: Record<string, unknown>, payload: object | Uint8Array, opts?: { kid?: string }): Promise<{ jws: string; qrText: string }>;
  /** Revokes `rid` (cards issued before `beforeSec`, or all); reloads `trust`. */
  revoke(rid: string, opts?: { beforeSec?: number; kid?: string; now?: number }): Promise<TrustSnapshot>;
  /** Adds another key (e.g. rotation tests); reloads `trust`. */
  addKey(window?: { nbf?: number; exp?: number }): Promise<string>;
  reload(): Promise<TrustSnapshot>;
  cleanup(): Promise<void>;
}

export async function makeTestIssuer(options: TestIssuerOptions): Promise<TestIssuer> {
  const now = options.now;
  const nowSec = Math.floor(now / 1000);
  const root = await mkdtemp(join(tmpdir(), 'bhyt-test-issuer-'));
  const issuerDir = join(root, 'issuer');
  const trustFile = join(root, 'trust.json');
  const iss = options.iss ?? TEST_ISSUER_ISS;
  await createIssuerDir(issuerDir, { iss, name: options.name ?? 'Test issuer', demo: options.demo ?? false });
  const { kid } = await addIssuerKey(issuerDir, {
    nbf: options.keyNbf ?? nowSec - 365 * 86_400,
    exp: options.keyExp ?? nowSec + 10 * 365 * 86_400,
  });
  let trust = await trustIssuerDir(trustFile, issuerDir, now);
  const signers = new Map<string, CardSigner>();
  const signerFor = async (k: string = kid): Promise<CardSigner> => {
    let s = signers.get(k);
    if (!s) {
      s = (await loadSigner(issuerDir, { now, kid: k })).signer;
      signers.set(k, s);
    }
    return s;
  };
  const signer = await signerFor();
  let ridCounter = 0;

  const issuer: TestIssuer = {
    root,
    issuerDir,
    trustFile,
    iss,
    kid,
    signer,
    get trust() {
      return trust;
    },
    sampleInput: () => demoCardInput(now),
    async issue(overrides = {}, opts = {}) {
      const input = { ...demoCardInput(now), ...overrides } as Record<string, unknown>;
      for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete input[k];
      const rid = opts.rid === null ? undefined : (opts.rid ?? `rid${++ridCounter}`);
      return issueCard(input as unknown as IssueCardInput, await signerFor(opts.kid), {
        now: opts.now ?? now,
        ...(opts.lifetimeSec !== undefined ? { lifetimeSec: opts.lifetimeSec } : {}),
        ...(rid !== undefined ? { rid } : {}),
      });
    },
    async sign(payload, opts = {}) {
      return signCardPayload(payload, await signerFor(opts.kid));
    },
    async signRaw(header, payload, opts = {}) {
      const s = await signerFor(opts.kid);
      const bytes = payload instanceof Uint8Array ? payload : deflateRawSync(Buffer.from(JSON.stringify(payload), 'utf8'), { level: 9 });
      const jws = await new CompactSign(bytes).setProtectedHeader(header as { alg: string }).sign(s.privateKey);
      return { jws, qrText: encodeShcNumeric(jws) };
    },
    async revoke(rid, opts = {}) {
      await revokeRid(issuerDir, {
        rid,
        now: opts.now ?? now,
        kid: opts.kid ?? kid,
        ...(opts.beforeSec !== undefined ? { beforeSec: opts.beforeSec } : {}),
      });
      trust = await trustIssuerDir(trustFile, issuerDir, opts.now ?? now);
      return trust;
    },
    async addKey(window = {}) {
      const added = await addIssuerKey(issuerDir, {
        nbf: window.nbf ?? nowSec - 365 * 86_400,
        exp: window.exp ?? nowSec + 10 * 365 * 86_400,
      });
      trust = await trustIssuerDir(trustFile, issuerDir, now);
      return added.kid;
    },
    async reload() {
      trust = await loadTrustFile(trustFile);
      return trust;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  return issuer;
}
