import { Router } from 'express';
import type { Clock } from '../../clock.js';
import { plainLan, type KioskConfig } from '../../config.js';
import type { TrustHolder } from '../../trust/trust-holder.js';
import type { KioskStatus, KioskStatusSections } from '../../wire/status.js';

/**
 * A member a feature adds to /api/status (e.g. `sync`), typed by its name in the wire contract.
 * The composition root (server/app/) collects them from the feature modules.
 */
export type StatusSection = {
  [K in keyof KioskStatusSections]: {
    /** Name of the member in /api/status. */
    name: K;
    /** May answer asynchronously (a count from the database). */
    get(): KioskStatusSections[K] | Promise<KioskStatusSections[K]>;
    /** Codes this section adds to `warnings` (e.g. SYNC_BEHIND), checked on every request. */
    warnings?(): string[];
  };
}[keyof KioskStatusSections];

/**
 * GET /api/status: what the kiosk screen's status bar and a hospital's monitoring need. It
 * carries no personal data, so it needs no session. `demo: true` means the bundled demo issuer
 * is trusted: never acceptable at a real front desk.
 */
export function statusRoutes(deps: {
  config: KioskConfig;
  clock: Clock;
  trust: TrustHolder;
  version: string;
  startedAt: number;
  sections: StatusSection[];
}): Router {
  const r = Router();
  r.get('/api/status', async (_req, res) => {
    const now = deps.clock.now();
    const snap = deps.trust.current;
    const ageSec = Math.max(0, Math.round((now - snap.updatedAt) / 1000));
    const crlAgeSec = Math.max(0, Math.round((now - snap.crlCheckedAt) / 1000));
    const warnings: string[] = [];
    if (snap.demo) warnings.push('DEMO_KEYS');
    if (crlAgeSec > deps.config.maxTrustAgeSec) warnings.push('TRUST_STALE');
    if (now + deps.config.clockToleranceSec * 1000 < snap.updatedAt) warnings.push('CLOCK_SUSPECT');
    if (deps.trust.state.lastError) warnings.push('TRUST_REFRESH_FAILED');
    // Listening on the network in plain HTTP, allowed by KIOSK_ALLOW_PLAIN_LAN (docs/deploy.md).
    if (plainLan(deps.config)) warnings.push('PLAIN_LAN');
    const body: KioskStatus = {
      service: 'bhyt-kiosk',
      version: deps.version,
      now: new Date(now).toISOString(),
      uptimeSec: Math.round((now - deps.startedAt) / 1000),
      facility: deps.config.facility,
      deskId: deps.config.deskId,
      demo: snap.demo,
      warnings,
      ui: { resultClearSec: deps.config.resultClearSec },
      trust: {
        updatedAt: new Date(snap.updatedAt).toISOString(),
        ageSec,
        crlCheckedAt: new Date(snap.crlCheckedAt).toISOString(),
        crlAgeSec,
        maxAgeSec: deps.config.maxTrustAgeSec,
        stale: crlAgeSec > deps.config.maxTrustAgeSec,
        demo: snap.demo,
        issuers: [...snap.issuers.values()].map((i) => ({
          iss: i.iss,
          name: i.name,
          demo: i.demo,
          keys: i.keys.map((k) => ({ kid: k.kid, nbf: k.nbf, exp: k.exp, revoked: k.revoked })),
          revocationLists: [...i.crl.values()].map((l) => ({ kid: l.kid, ctr: l.ctr, entries: l.rids.size })),
        })),
        refresh: {
          lastAttemptAt: iso(deps.trust.state.lastAttemptAt),
          lastSuccessAt: iso(deps.trust.state.lastSuccessAt),
          lastError: deps.trust.state.lastError
            ? {
                at: iso(deps.trust.state.lastError.at),
                code: deps.trust.state.lastError.code,
                problems: deps.trust.state.lastError.problems,
              }
            : undefined,
        },
      },
    };
    for (const s of deps.sections) {
      Object.assign(body, { [s.name]: await s.get() } as Partial<KioskStatusSections>);
      warnings.push(...(s.warnings?.() ?? []));
    }
    res.set('Cache-Control', 'no-store').json(body);
  });
  return r;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
