import { verifyQr, verifyQrAsync } from '../card/verify.js';
import type { VerifyPolicy } from '../card/types.js';
import type { VerifyResult } from '../wire/verification.js';
import { DEFAULT_POLICY } from '../card/types.js';
import type { Clock } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { TrustHolder } from '../trust/trust-holder.js';

/** The kiosk's policy, derived once from configuration. */
export function policyFromConfig(config: KioskConfig): VerifyPolicy {
  return Object.freeze({
    ...DEFAULT_POLICY,
    facility: config.facility,
    clockToleranceSec: config.clockToleranceSec,
    maxTrustAgeSec: config.maxTrustAgeSec,
    acceptDigitalCards: config.acceptDigitalCards,
  });
}

/**
 * Binds the pure verifier to the live trust store and the clock. Used by /api/verify and by
 * check-in (which re-verifies on the server, never trusting the browser's verdict).
 */
export class VerifyService {
  constructor(
    private readonly trust: TrustHolder,
    private readonly clock: Clock,
    readonly policy: VerifyPolicy,
  ) {}

  verify(qrText: string): VerifyResult {
    return verifyQr(qrText, { trust: this.trust.current, now: this.clock.now(), policy: this.policy });
  }

  /** The same result with the ECDSA step off the event loop: what request handlers use. */
  verifyAsync(qrText: string): Promise<VerifyResult> {
    return verifyQrAsync(qrText, { trust: this.trust.current, now: this.clock.now(), policy: this.policy });
  }
}
