/**
 * Facility API keys. The keys file is a JSON object mapping each bearer key to the facility code
 * it speaks for, e.g. `{ "k3y-for-12001-…": "12001" }`. The value `"*"` marks a read-only agency
 * key (the patient app's back end): it may read every book and listing but never write.
 *
 * Each facility key is one kiosk's: its checkpoints (checkpoint-ledger.ts) are kept under the
 * key's `slot` (a digest of the key, so the key itself is never stored). The value may instead
 * be `{ "facility": "12001", "kioskKey": "<thumbprint>" }`: the kiosk's checkpoint key registered
 * beforehand (its RFC 7638 thumbprint, printed by the kiosk at first start and by
 * `npm run -s audit -- kiosk-key`), so even the first checkpoint must be signed by it; without
 * it the store pins the first key it hears from (trust on first use).
 *
 * Only a SHA-256 of each key is kept in memory, and a presented key is compared against every
 * entry with a constant-time comparison, so timing reveals neither which key nor how much of it
 * matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { isFacilityCode } from '../lib/facility-code.js';

export type Principal = { kind: 'facility'; facility: string; slot: string; kioskKey?: string } | { kind: 'agency' };

export const AGENCY_READER = '*';
const KEY = /^[\x21-\x7e]{16,256}$/;
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const MAX_KEYS_FILE_BYTES = 1024 * 1024;

interface Entry {
  hash: Buffer;
  principal: Principal;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export class ApiKeys {
  private constructor(private readonly entries: readonly Entry[]) {}

  get size(): number {
    return this.entries.length;
  }

  /** Builds the key ring from the parsed file; throws ConfigError listing every problem. */
  static fromJson(json: unknown): ApiKeys {
    const problems: string[] = [];
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new ConfigError(['keys file: must be a JSON object { "<key>": "<facility code>" }']);
    const entries: Entry[] = [];
    let n = 0;
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      n++;
      // Never echo a key in a message: name the entry by position.
      if (!KEY.test(key)) problems.push(`keys file: entry ${n}: key must be 16–256 printable characters without spaces`);
      const hash = digest(key);
      const slot = hash.toString('hex').slice(0, 32);
      if (value === AGENCY_READER) entries.push({ hash, principal: { kind: 'agency' } });
      else if (isFacilityCode(value)) entries.push({ hash, principal: { kind: 'facility', facility: value, slot } });
      else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const v = value as Record<string, unknown>;
        if (Object.keys(v).some((k) => k !== 'facility' && k !== 'kioskKey'))
          problems.push(`keys file: entry ${n}: only "facility" and "kioskKey" may be given`);
        else if (!isFacilityCode(v.facility)) problems.push(`keys file: entry ${n}: "facility" must be a 5-character facility code`);
        else if (v.kioskKey !== undefined && (typeof v.kioskKey !== 'string' || !THUMBPRINT.test(v.kioskKey)))
          problems.push(`keys file: entry ${n}: "kioskKey" must be the kiosk key's thumbprint (43 base64url characters)`);
        else
          entries.push({
            hash,
            principal: {
              kind: 'facility',
              facility: v.facility,
              slot,
              ...(typeof v.kioskKey === 'string' ? { kioskKey: v.kioskKey } : {}),
            },
          });
      } else problems.push(`keys file: entry ${n}: value must be a 5-character facility code, "*" or { "facility", "kioskKey" }`);
    }
    if (n === 0) problems.push('keys file: no keys');
    if (problems.length > 0) throw new ConfigError(problems);
    return new ApiKeys(entries);
  }

  static loadFile(path: string): ApiKeys {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError([`keys file ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
    if (text.length > MAX_KEYS_FILE_BYTES) throw new ConfigError([`keys file ${path}: larger than 1 MiB`]);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConfigError([`keys file ${path}: not valid JSON`]);
    }
    return ApiKeys.fromJson(json);
  }

  /** The principal a presented key speaks for, or undefined. Touches every entry every time. */
  lookup(presented: string): Principal | undefined {
    const h = digest(presented);
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(e.hash, h) && found === undefined) found = e.principal;
    }
    return found;
  }
}
