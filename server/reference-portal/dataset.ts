/**
 * The reference portal's own data on disk: reads and validates DIR/portal.json (creating it empty
 * when missing), replaces it atomically, and the helpers tools use to add to it (the demo issuer
 * adds its demo person with `addPerson`, the demo seeds accounts with `addAccount`, a facility's
 * certificate for check-in signatures is registered with `addFacilityCert`). Its shape and
 * validator are in ./dataset-schema.ts. Importable by tools, so it knows nothing of HTTP.
 *
 * Writers replace the file atomically (temporary file in the same folder, then rename), so the
 * running portal, which re-reads the file when it changes, never sees half a file. Two tools
 * writing at the same moment may lose one update (read-modify-write, no lock): the file is demo
 * and test data.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IssueCardInput } from '../card/fhir-build.js';
import { ConfigError } from '../errors.js';
import { DATASET_VERSION, validateDataset, type PortalAccount, type PortalDataset, type PortalPerson } from './dataset-schema.js';

export const DATASET_FILE = 'portal.json';
/** The data file is demo/test data: refuse anything absurdly large. */
export const MAX_DATASET_BYTES = 16 * 1024 * 1024;

export function emptyDataset(): PortalDataset {
  return { version: DATASET_VERSION, persons: [], accounts: [] };
}

/** Lowercase hex MD5 of a password's UTF-8 bytes: the portal's password on the wire. */
export function md5Hex(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex');
}

/** The account's password as the wire carries it. */
export function accountPasswordMd5(a: PortalAccount): string {
  return a.passwordMd5 ?? md5Hex(a.password ?? '');
}

export function datasetPath(dataDir: string): string {
  return join(dataDir, DATASET_FILE);
}

/** Reads and validates DIR/portal.json; creates it (empty, folder 0700, file 0600) when missing. */
export function readDataset(dataDir: string): PortalDataset {
  const file = datasetPath(dataDir);
  let text: string;
  try {
    if (statSync(file).size > MAX_DATASET_BYTES) throw new ConfigError([`portal data ${file}: larger than 16 MiB`]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const empty = emptyDataset();
      writeDataset(dataDir, empty);
      return empty;
    }
    throw new ConfigError([`portal data ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`portal data ${file}: not valid JSON`]);
  }
  return validateDataset(json);
}

let tmpSeq = 0;

/** Validates, then replaces DIR/portal.json atomically (temporary file + rename). */
export function writeDataset(dataDir: string, data: PortalDataset): void {
  const valid = validateDataset(data);
  const file = datasetPath(dataDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  writeFileSync(tmp, JSON.stringify(valid, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Adds a person, or replaces the one with the same maSoBhxh (so a demo tool can run twice). */
export function addPerson(dataDir: string, person: PortalPerson): void {
  const data = readDataset(dataDir);
  const rest = data.persons.filter((p) => p.maSoBhxh !== person.maSoBhxh);
  writeDataset(dataDir, { ...data, persons: [...rest, person] });
}

/** Adds an account, or replaces the one with the same username. */
export function addAccount(dataDir: string, account: PortalAccount): void {
  const data = readDataset(dataDir);
  const rest = data.accounts.filter((a) => a.username !== account.username);
  writeDataset(dataDir, { ...data, accounts: [...rest, account] });
}

/**
 * Registers (or replaces) a facility's certificate: the portal verifies that facility's check-in
 * files with it from its next call on (it re-reads the file when it changes).
 */
export function addFacilityCert(dataDir: string, facility: string, certPem: string): void {
  const data = readDataset(dataDir);
  writeDataset(dataDir, { ...data, facilityCerts: { ...data.facilityCerts, [facility]: certPem } });
}

/**
 * The portal's record of a card the demo issuer issued (`IssueCardInput`, the same input that
 * signs the card), so `issuer demo-card` / `demo-legacy` can make the portal know its holder:
 *
 *   addPerson(portalDataDir, personFromCard(demoCardInput(now), { cccd: '012090001234' }));
 *
 * A gender other than male/female is taken from `extra.gioiTinh` (required then): the
 * portal's wire knows only Nam / Nữ. Anything in `extra` wins.
 */
export function personFromCard(card: IssueCardInput, extra: Partial<PortalPerson> = {}): PortalPerson {
  const fifteen = card.cardNumber.length === 15;
  const gioiTinh = card.gender === 'male' ? 'Nam' : card.gender === 'female' ? 'Nữ' : extra.gioiTinh;
  if (gioiTinh === undefined) throw new ConfigError(['personFromCard: the portal records gender as Nam or Nữ: pass extra.gioiTinh']);
  return {
    maSoBhxh: card.maSoBhxh ?? (fifteen ? card.cardNumber.slice(5) : card.cardNumber),
    ...(fifteen ? { maThe: card.cardNumber } : {}),
    hoTen: card.fullName,
    ngaySinh: card.birthDate,
    gioiTinh,
    maDKBD: card.registeredFacility,
    gtTheTu: card.validFrom,
    gtTheDen: card.validTo ?? null,
    ...(card.fiveYearDate ? { ngayDu5Nam: card.fiveYearDate } : {}),
    ...(card.areaCode ? { maKV: card.areaCode } : {}),
    ...(card.issuedBy ? { cqBHXH: card.issuedBy } : {}),
    status: 'normal',
    ...extra,
  };
}
