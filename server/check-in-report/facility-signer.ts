/**
 * The facility's key as the check-in report uses it: loaded from KIOSK_FACILITY_KEY_FILE /
 * KIOSK_FACILITY_CERT_FILE, and loaded again when either file changes, so an IT person who
 * installs a renewed certificate (or fixes a wrong one) does not have to restart the kiosk. While
 * there is no usable key the report holds its records (nothing is lost) and says why.
 */
import { statSync } from 'node:fs';
import type { Clock } from '../clock.js';
import { loadFacilityKey, type FacilityKey } from '../check-in-record/facility-key.js';

export interface SignerProblem {
  /** A stable code: CHECKIN_KEY_NOT_CONFIGURED, or the loader's (e.g. FACILITY_CERT_EXPIRED). */
  code: string;
  /** One line for the log and the status (names files and variables, never key material). */
  detail: string;
}

type Loaded = { key: FacilityKey; problem?: undefined } | { key?: undefined; problem: SignerProblem };

export class FacilitySigner {
  #loaded: Loaded | undefined;
  #stamp = '';

  constructor(
    private readonly files: { keyFile: string | undefined; certFile: string | undefined },
    private readonly clock: Clock,
    private readonly load: typeof loadFacilityKey = loadFacilityKey,
  ) {}

  /** The key, or why there is none; re-read when a file changed (or the certificate's time ran out). */
  current(): Loaded {
    const { keyFile, certFile } = this.files;
    if (keyFile === undefined || certFile === undefined) {
      return {
        problem: {
          code: 'CHECKIN_KEY_NOT_CONFIGURED',
          detail: 'KIOSK_FACILITY_KEY_FILE and KIOSK_FACILITY_CERT_FILE are not set: check-in records wait until they are',
        },
      };
    }
    const stamp = `${fileStamp(keyFile)}|${fileStamp(certFile)}`;
    const expired = this.#loaded?.key !== undefined && Date.parse(this.#loaded.key.notAfter) <= this.clock.now();
    if (this.#loaded === undefined || stamp !== this.#stamp || expired) {
      this.#stamp = stamp;
      try {
        this.#loaded = { key: this.load(keyFile, certFile, this.clock.now()) };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        this.#loaded = {
          problem: {
            code: typeof code === 'string' ? code : 'FACILITY_KEY_INVALID',
            detail: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : 'the facility key cannot be used',
          },
        };
      }
    }
    return this.#loaded;
  }
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.mode}`;
  } catch {
    return 'missing';
  }
}
