/**
 * The demo issuer's working state lives in the data folder, not in the tracked `keys/`:
 * `keys/demo-issuer` (committed: the demo key, its published JWKS and empty revocation list) is
 * the seed, copied once to `<data>/demo-issuer`; `issuer revoke`, `rotate`, `issue`… work on the
 * copy, and `<data>/demo-trust.json` trusts the copy. So a fresh clone's `git status` stays clean
 * however much the demo is played with, and the kiosk started on the default trust file
 * (`keys/trust.json`, the demo issuer) uses the data folder's demo trust, renewed at every start
 * and daily while it runs (server/trust/demo-trust-renewer.ts): a clone opened weeks later, or a
 * service left running for weeks, is not TRUST_STALE.
 */
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_ISSUER_DIR } from './layout.js';
import { trustIssuerDir } from './trust-file.js';

/** The committed demo trust file, relative to the project root. */
export const DEFAULT_DEMO_TRUST_FILE = 'keys/trust.json';
export const DEMO_ISSUER_STATE_DIR = 'demo-issuer';
export const DEMO_TRUST_FILE_NAME = 'demo-trust.json';
/** Files in the kiosk's data folder are private to its user (README, "Data folder"). */
const DATA_FILE_MODE = 0o600;

export function demoIssuerStateDir(dataDir: string): string {
  return join(dataDir, DEMO_ISSUER_STATE_DIR);
}

export function demoTrustFile(dataDir: string): string {
  return join(dataDir, DEMO_TRUST_FILE_NAME);
}

/** Copies the tracked demo issuer to the data folder once (never over an existing copy). Returns the copy's path. */
export function seedDemoIssuerState(trackedIssuerDir: string, dataDir: string): string {
  const dir = demoIssuerStateDir(dataDir);
  if (!existsSync(join(dir, 'issuer.json'))) cpSync(trackedIssuerDir, dir, { recursive: true, errorOnExist: false, force: false });
  return dir;
}

/**
 * The trust file the kiosk should load: the configured one, unless it is the project's demo
 * trust file, in which case the demo issuer is seeded into the data folder and a trust file for
 * it written there with `updatedAt` = now (current at start).
 */
export async function resolveTrustFile(opts: { trustFile: string; dataDir: string; root: string; now: number }): Promise<string> {
  if (resolve(opts.trustFile) !== resolve(opts.root, DEFAULT_DEMO_TRUST_FILE)) return opts.trustFile;
  const dir = seedDemoIssuerState(resolve(opts.root, DEFAULT_ISSUER_DIR), opts.dataDir);
  const file = demoTrustFile(opts.dataDir);
  await trustIssuerDir(file, dir, opts.now, { mode: DATA_FILE_MODE });
  return file;
}

/** Rewrites the data folder's demo trust as of `now` (the running service's renewal: server/trust/demo-trust-renewer.ts). */
export async function renewDemoTrust(dataDir: string, now: number): Promise<void> {
  await trustIssuerDir(demoTrustFile(dataDir), demoIssuerStateDir(dataDir), now, { mode: DATA_FILE_MODE });
}

/** Whether `trustFile` is the data folder's demo trust (what resolveTrustFile gives on the default trust file). */
export function isDemoTrustFile(trustFile: string, dataDir: string): boolean {
  return resolve(trustFile) === resolve(demoTrustFile(dataDir));
}
