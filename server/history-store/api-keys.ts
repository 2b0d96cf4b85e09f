/**
 * Facility API keys. The keys file is a JSON object mapping each bearer key to the facility code
 * it speaks for, e.g. `{ "k3y-for-12001-…": "12001" }`. The value `"*"` marks a read-only agency
 * key (the patient app's back end): it may read every book and listing but never write.
 *
 * Only a SHA-256 of each key is kept in memory, and a presented key is compared against every
 * entry with a constant-time comparison, so timing reveals neither which key nor how much of it
 * matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { isFacilityCode } from '../lib/facility-code.js';

export type Principal = { kind: 'facility'; facility: string } | { kind: 'agency' };

export const AGENCY_READER = '*';
const KEY = /^[\x21-\x7e]{16,256}$/;
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
      if (value === AGENCY_READER) entries.push({ hash: digest(key), principal: { kind: 'agency' } });
      else if (isFacilityCode(value)) entries.push({ hash: digest(key), principal: { kind: 'facility', facility: value } });
      else problems.push(`keys file: entry ${n}: value must be a 5-character facility code or "*"`);
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
