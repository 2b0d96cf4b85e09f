/** The verifier's policy. The result it produces is the wire contract: server/wire/verification.ts. */

/** Kiosk rules the verifier applies; all have defaults (see DEFAULT_POLICY). */
export interface VerifyPolicy {
  /** This kiosk's 5-char facility code; when set, other registered facilities give OFF_ROUTE. */
  facility?: string;
  /** Clock tolerance for nbf/exp and clock sanity, seconds (default 300). */
  clockToleranceSec: number;
  /** Max age of the trust store / revocation lists before TRUST_STALE, seconds (default 7 days). */
  maxTrustAgeSec: number;
  /** Whether signed digital cards are accepted at this deployment (default true). */
  acceptDigitalCards: boolean;
  /** Hard limit on QR text length in characters (default 4096; a JWS is at most 1195). */
  maxQrChars: number;
}

export const DEFAULT_POLICY: VerifyPolicy = Object.freeze({
  clockToleranceSec: 300,
  maxTrustAgeSec: 7 * 24 * 3600,
  acceptDigitalCards: true,
  maxQrChars: 4096,
});
