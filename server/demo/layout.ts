/**
 * The demo folder (`npm run demo`; default `data/demo/`, never tracked files): where each of the
 * three services keeps its data and where the demo keeps what it seeded. `issuer demo-card` and
 * `issuer demo-legacy` write their person into `portal/` by default, so a card issued while the
 * demo runs is known to its portal at once.
 */
import { join } from 'node:path';
import { demoIssuerStateDir, demoTrustFile } from '../issuer/demo-state.js';

export const DEFAULT_DEMO_DIR = 'data/demo';
/** The reference portal's data folder in the default demo folder (the issuer's `--portal-data` default). */
export const DEFAULT_DEMO_PORTAL_DATA = `${DEFAULT_DEMO_DIR}/portal`;

export interface DemoPaths {
  root: string;
  /** The reference portal's --data-dir (portal.json). */
  portal: string;
  /** The reference store's --data-dir. */
  store: string;
  /** The store's API keys (0600). */
  storeKeys: string;
  /** The kiosk's --data-dir (visit log, trust cache, the demo issuer's working copy `demo-issuer/` and its `demo-trust.json`). */
  kiosk: string;
  /** The demo issuer's working copy the kiosk trusts (`issuer revoke --data-dir <kiosk>` changes it). */
  issuerDir: string;
  /** Its trust file, written and renewed by the kiosk (started on keys/trust.json). */
  kioskTrustFile: string;
  /** Where demos before the issuer's copy moved to the kiosk's folder kept their trust file (no longer written). */
  trustFile: string;
  /** The portal facility account's password, for the kiosk (0600). */
  portalPassword: string;
  /** The DEMO facility key and certificate that sign the kiosk's check-in records (0600; the certificate is registered with the portal). */
  facility: string;
  facilityKey: string;
  facilityCert: string;
  /** What the demo seeded: URLs, usernames, QR texts (no secrets). */
  state: string;
  /** The QR PNGs to scan. */
  qr: string;
  /** The three services' JSON logs. */
  logs: string;
}

export function demoPaths(root: string): DemoPaths {
  return {
    root,
    portal: join(root, 'portal'),
    store: join(root, 'store'),
    storeKeys: join(root, 'store-keys.json'),
    kiosk: join(root, 'kiosk'),
    issuerDir: demoIssuerStateDir(join(root, 'kiosk')),
    kioskTrustFile: demoTrustFile(join(root, 'kiosk')),
    trustFile: join(root, 'trust.json'),
    portalPassword: join(root, 'portal-password'),
    facility: join(root, 'facility'),
    facilityKey: join(root, 'facility', 'facility-key.pem'),
    facilityCert: join(root, 'facility', 'facility-cert.pem'),
    state: join(root, 'demo.json'),
    qr: join(root, 'qr'),
    logs: join(root, 'logs'),
  };
}
