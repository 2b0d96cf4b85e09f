/** Test helper: a demo facility key and certificate written as PEM files (mode 0600), as `issuer facility-cert` writes them. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDemoFacilityCert } from '../../server/issuer/facility-cert.js';

export interface FacilityKeyFiles {
  keyFile: string;
  certFile: string;
  certPem: string;
}

export function writeFacilityKeyFiles(dir: string, opts: { facility?: string; now?: number; days?: number } = {}): FacilityKeyFiles {
  const { keyPem, certPem } = makeDemoFacilityCert({
    facility: opts.facility ?? '12001',
    days: opts.days ?? 365,
    now: opts.now ?? Date.now(),
  });
  const keyFile = join(dir, 'facility-key.pem');
  const certFile = join(dir, 'facility-cert.pem');
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(certFile, certPem, { mode: 0o600 });
  return { keyFile, certFile, certPem };
}
