import { resolve } from 'node:path';
import { OPTIONS } from '../config.js';

/**
 * The data folder for the operator CLIs: `--data DIR`, else the service's own setting
 * (KIOSK_DATA_DIR, else its default), resolved the same way the service resolves it.
 */
export function dataDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (flag !== undefined) return resolve(cwd, flag);
  const spec = OPTIONS.find((o) => o.key === 'dataDir')!;
  const fromEnv = env[spec.env];
  return resolve(cwd, fromEnv && fromEnv !== '' ? fromEnv : spec.default!);
}
