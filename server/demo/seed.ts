/**
 * The demo folder's contents (layout.ts), made and kept in step on every `npm run demo`:
 * the portal's facility account (random password in a 0600 file the kiosk reads) with the
 * kiosk's demo receptionist registered as its staff, the store's API key for the kiosk's sync
 * (0600), a DEMO facility key and certificate for the check-in records (registered with the
 * portal on every start), the demo issuer's working copy in the kiosk's data folder (its trust renewed by the kiosk), a demo
 * legacy person and a demo signed card, both known to the portal, and their QR PNGs.
 * Re-running reuses the password and the key; a person is replaced by its mã số BHXH.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { issueCard } from '../card/issue.js';
import { systemRandom } from '../clock.js';
import { ConfigError } from '../errors.js';
import { demoCardInput } from '../issuer/demo-card.js';
import { demoLegacyPerson, idCardQrText, legacyPortalPerson, legacyQrText } from '../issuer/demo-legacy.js';
import { loadSigner } from '../issuer/issuer-dir.js';
import { DEFAULT_ISSUER_DIR } from '../issuer/layout.js';
import { qrPng, textQrPng } from '../issuer/qr-png.js';
import { randomRid } from '../issuer/crl.js';
import { seedDemoIssuerState } from '../issuer/demo-state.js';
import { makeDemoFacilityCert } from '../issuer/facility-cert.js';
import { addAccount, addFacilityCert, addPerson, md5Hex, personFromCard } from '../reference-portal/dataset.js';
import { DEMO_ACCOUNTS } from '../users/demo-accounts.js';
import type { DemoPaths } from './layout.js';

/** The kiosk's facility in the demo, and the portal account that speaks for it. */
export const DEMO_FACILITY = '12001';
export const DEMO_PORTAL_USER = '12001_demo';
const LOCK_FILE = 'kiosk.lock';

export interface DemoState {
  version: 1;
  /** When this demo folder was made (the kiosk printed its demo accounts' passwords then). */
  createdAt: string;
}

export interface DemoSeed {
  state: DemoState;
  /** The kiosk's data folder did not exist yet: it creates (and prints) its demo accounts. */
  kioskFresh: boolean;
  storeKey: string;
  /** The signed card, with its revocation id (for `issuer revoke`). */
  signed: { qr: string; png: string; rid: string };
  legacy: { qr: string; png: string };
  idCard: { qr: string; png: string };
  /** The legacy person's mã số BHXH (for the store's patient book). */
  legacyMaSoBhxh: string;
}

/** Whether every entry of the folder is one the demo makes (so deleting or reusing it harms nothing else). */
function looksLikeDemoFolder(paths: DemoPaths): boolean {
  if (!existsSync(paths.root)) return true;
  const ours = new Set(
    [
      paths.portal,
      paths.store,
      paths.storeKeys,
      paths.kiosk,
      paths.trustFile,
      paths.portalPassword,
      paths.facility,
      paths.state,
      paths.qr,
      paths.logs,
    ].map((p) => basename(p)),
  );
  ours.add(LOCK_FILE);
  ours.add(`${LOCK_FILE}-journal`); // SQLite's, while the lock is held (data-dir-lock.ts)
  return readdirSync(paths.root).every((e) => ours.has(e) || e.endsWith('.tmp'));
}

/**
 * Refuses a folder that holds anything the demo did not make (never delete or reuse someone's
 * real kiosk data), then with `fresh` empties it (keeping the lock file, held by this process).
 */
export function prepareDemoFolder(paths: DemoPaths, fresh: boolean): void {
  if (!looksLikeDemoFolder(paths))
    throw new ConfigError([
      `--data-dir ${paths.root}: holds files the demo did not make; refusing to use it (give an empty or a demo folder)`,
    ]);
  if (!fresh || !existsSync(paths.root)) return;
  for (const e of readdirSync(paths.root)) if (!e.startsWith(LOCK_FILE)) rmSync(join(paths.root, e), { recursive: true, force: true });
}

function secretFile(file: string, make: () => string): string {
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

/** A demo certificate about to expire (or unreadable) is made again rather than left to fail. */
function expiresWithinMonth(certFile: string, now: number): boolean {
  try {
    return Date.parse(new X509Certificate(readFileSync(certFile)).validTo) - now < 30 * 86_400_000;
  } catch {
    return true;
  }
}

export async function seedDemo(paths: DemoPaths, opts: { projectRoot: string; now: number }): Promise<DemoSeed> {
  const { now } = opts;
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  chmodSync(paths.root, 0o700);
  mkdirSync(paths.qr, { recursive: true, mode: 0o700 });
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });

  const state: DemoState = existsSync(paths.state)
    ? (JSON.parse(readFileSync(paths.state, 'utf8')) as DemoState)
    : { version: 1, createdAt: new Date(now).toISOString() };
  writeFileSync(paths.state, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  const kioskFresh = !existsSync(paths.kiosk);

  // The demo issuer's state lives in the kiosk's data folder, as for `npm start` on the default
  // trust file (server/issuer/demo-state.ts): the kiosk is started on keys/trust.json and trusts
  // that copy through its demo-trust.json (renewed while it runs), so `npm run -s issuer --
  // revoke --data-dir <kiosk folder>` reaches the running demo and the tracked keys/ stay as committed.
  mkdirSync(paths.kiosk, { recursive: true, mode: 0o700 });
  const issuerDir = seedDemoIssuerState(join(opts.projectRoot, DEFAULT_ISSUER_DIR), paths.kiosk);

  // Portal: the facility account (its password only in the 0600 file and as MD5 in portal.json),
  // with every demo operator who has an ID-card number on file as its staff.
  const portalPassword = secretFile(paths.portalPassword, () => randomBytes(18).toString('base64url'));
  addAccount(paths.portal, {
    username: DEMO_PORTAL_USER,
    passwordMd5: md5Hex(portalPassword),
    facility: DEMO_FACILITY,
    staff: DEMO_ACCOUNTS.flatMap((a) => (a.cccd === null ? [] : [{ hoTen: a.displayName, cccd: a.cccd }])),
  });

  // The facility's signing key for check-in records: a DEMO pair made once (ten years), its
  // certificate registered with the portal on every start (so the portal checks the signatures).
  const certDays = 3650;
  mkdirSync(paths.facility, { recursive: true, mode: 0o700 });
  if (!existsSync(paths.facilityKey) || !existsSync(paths.facilityCert) || expiresWithinMonth(paths.facilityCert, now)) {
    const pair = makeDemoFacilityCert({ facility: DEMO_FACILITY, days: certDays, now });
    writeFileSync(paths.facilityKey, pair.keyPem, { mode: 0o600 });
    writeFileSync(paths.facilityCert, pair.certPem, { mode: 0o600 });
  }
  addFacilityCert(paths.portal, DEMO_FACILITY, readFileSync(paths.facilityCert, 'utf8'));

  // Store: one API key for this facility.
  const storeKey = secretFile(paths.storeKeys, () => JSON.stringify({ [randomBytes(24).toString('base64url')]: DEMO_FACILITY }));
  const key = Object.keys(JSON.parse(storeKey) as Record<string, string>)[0]!;

  // The people: a paper-card / ID-card holder and the signed card's holder, both known to the portal.
  const person = demoLegacyPerson(now);
  addPerson(paths.portal, legacyPortalPerson(person));
  const input = demoCardInput(now);
  const { signer } = await loadSigner(issuerDir, { now });
  const rid = randomRid(systemRandom);
  const card = await issueCard(input, signer, { now, rid });
  addPerson(paths.portal, personFromCard(input));

  const signed = { qr: card.qrText, png: join(paths.qr, 'signed-card.png'), rid };
  const legacy = { qr: legacyQrText(person), png: join(paths.qr, 'paper-card.png') };
  const idCard = { qr: idCardQrText(person), png: join(paths.qr, 'id-card.png') };
  writeFileSync(signed.png, (await qrPng(signed.qr)).png);
  writeFileSync(legacy.png, (await textQrPng(legacy.qr)).png);
  writeFileSync(idCard.png, (await textQrPng(idCard.qr)).png);
  return { state, kioskFresh, storeKey: key, signed, legacy, idCard, legacyMaSoBhxh: person.maSoBhxh };
}
