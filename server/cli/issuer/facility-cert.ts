/**
 * `issuer facility-cert`: a DEMO facility key and self-signed certificate for signing check-in
 * records (server/issuer/facility-cert.ts), written owner-only (0600) as facility-key.pem and
 * facility-cert.pem; prints the two paths and the kiosk's environment lines. Refuses to replace
 * an existing pair without --force: a new key means re-registering the certificate at the portal.
 */
import { constants } from 'node:fs';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OPTIONS } from '../../config.js';
import { FACILITY_CERT_ENV, FACILITY_KEY_ENV } from '../../check-in-record/facility-key.js';
import { makeDemoFacilityCert } from '../../issuer/facility-cert.js';
import { isFacilityCode } from '../../lib/facility-code.js';
import { bool, nowOf, str, text, UsageError, type Command } from './shared.js';

/** Under the kiosk's default data folder (KIOSK_DATA_DIR's default, `data`). */
export const DEFAULT_FACILITY_CERT_DIR = 'data/facility';
export const FACILITY_KEY_FILE = 'facility-key.pem';
export const FACILITY_CERT_FILE = 'facility-cert.pem';
const DEFAULT_DAYS = 365;
const MAX_DAYS = 3650;
/** The kiosk's own default facility (server/config.ts), so the demo pair fits a default kiosk. */
const DEFAULT_FACILITY = OPTIONS.find((o) => o.key === 'facility')?.default ?? '12001';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

export const facilityCert: Command = {
  summary: 'make a DEMO facility key and self-signed certificate (check-in record signing); prints the env lines',
  synopsis: '[--facility CODE] [--out-dir DIR] [--days N] [--force] [--at ISO]',
  flags: [
    text('facility', 'CODE', `facility code in the certificate's subject (default ${DEFAULT_FACILITY})`),
    text('out-dir', 'DIR', `where to write ${FACILITY_KEY_FILE} and ${FACILITY_CERT_FILE} (default ${DEFAULT_FACILITY_CERT_DIR})`),
    text('days', 'N', `validity in days (default ${DEFAULT_DAYS})`),
    bool('force', 'replace an existing key and certificate'),
    text('at', 'ISO', 'act as if it were this time (default: now)'),
  ],
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const facility = (str(values, 'facility') ?? DEFAULT_FACILITY).trim().toUpperCase();
    if (!isFacilityCode(facility))
      throw new UsageError('--facility must be 5 characters: 2-digit province + 3 digits or capitals, e.g. 12001');
    const daysText = str(values, 'days') ?? String(DEFAULT_DAYS);
    const days = /^\d{1,4}$/.test(daysText) ? Number(daysText) : NaN;
    if (!(days >= 1 && days <= MAX_DAYS)) throw new UsageError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
    const outText = str(values, 'out-dir');
    const dir = outText === undefined ? resolve(ctx.root, DEFAULT_FACILITY_CERT_DIR) : resolve(ctx.cwd, outText);
    const keyFile = join(dir, FACILITY_KEY_FILE);
    const certFile = join(dir, FACILITY_CERT_FILE);
    if (values.force !== true && ((await exists(keyFile)) || (await exists(certFile))))
      throw new UsageError(`${dir} already holds a facility key or certificate: pass --force to replace them`);

    const { keyPem, certPem } = makeDemoFacilityCert({ facility, days, now });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [file, pem] of [
      [keyFile, keyPem],
      [certFile, certPem],
    ] as const) {
      await writeFile(file, pem, { mode: 0o600 });
      // writeFile's mode applies to new files only: a replaced (--force) file keeps its old mode otherwise.
      await chmod(file, 0o600);
    }
    ctx.err(`wrote ${keyFile} and ${certFile} (mode 0600)`);
    ctx.err(`DEMO facility key and self-signed certificate for ${facility}, valid ${days} days: never use them at a real facility`);
    ctx.out(`${FACILITY_KEY_ENV}=${keyFile}`);
    ctx.out(`${FACILITY_CERT_ENV}=${certFile}`);
  },
};
