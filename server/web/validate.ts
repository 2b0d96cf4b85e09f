import { AppError } from '../errors.js';

/** Request-body validation helpers: each failure is a 400/422 with a stable code, never a 500. */

export function requireJsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('BODY_INVALID', 'The request body must be a JSON object (Content-Type: application/json).');
  }
  return body as Record<string, unknown>;
}

export function requireString(obj: Record<string, unknown>, field: string, opts: { max: number; min?: number }): string {
  const v = obj[field];
  if (v === undefined || v === null) throw new AppError('FIELD_MISSING', `"${field}" is required.`, { field });
  if (typeof v !== 'string') throw new AppError('FIELD_INVALID', `"${field}" must be a string.`, { field });
  if (v.length > opts.max) throw new AppError('FIELD_TOO_LONG', `"${field}" is longer than ${opts.max} characters.`, { field });
  if (opts.min !== undefined && v.length < opts.min) throw new AppError('FIELD_INVALID', `"${field}" is too short.`, { field });
  return v;
}

export function optionalString(obj: Record<string, unknown>, field: string, opts: { max: number }): string | undefined {
  if (obj[field] === undefined || obj[field] === null) return undefined;
  return requireString(obj, field, opts);
}

export function optionalBoolean(obj: Record<string, unknown>, field: string): boolean | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new AppError('FIELD_INVALID', `"${field}" must be true or false.`, { field });
  return v;
}

/** Rejects members the endpoint does not know, so typos are not silently ignored. */
export function rejectUnknownFields(obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new AppError('FIELD_UNKNOWN', `Unknown field "${k.slice(0, 40)}".`, { field: k.slice(0, 40) });
  }
}

/**
 * One string member of a body and its rule, in the order they are checked: the domain owns the
 * table (e.g. server/users/user-admin.ts), the route reads the body with it.
 */
export interface StringFieldRule<K extends string = string> {
  readonly name: K;
  readonly max: number;
  readonly min?: number;
  readonly optional?: boolean;
  /** The domain's rule: the problem (sent as `detail` of FIELD_INVALID) or undefined. */
  readonly problem?: (value: string) => string | undefined;
}

/**
 * Reads the members `rules` name, in order: each must be a string within its length (or absent
 * when optional) and pass its rule; the first failure is thrown (FIELD_MISSING, FIELD_INVALID,
 * FIELD_TOO_LONG with `field`).
 */
export function readStringFields<K extends string>(
  obj: Record<string, unknown>,
  rules: readonly StringFieldRule<K>[],
): { [k in K]?: string } {
  const out: { [k in K]?: string } = {};
  for (const rule of rules) {
    const v = rule.optional ? optionalString(obj, rule.name, rule) : requireString(obj, rule.name, rule);
    if (v === undefined) continue;
    const problem = rule.problem?.(v);
    if (problem) throw new AppError('FIELD_INVALID', problem, { field: rule.name });
    out[rule.name] = v;
  }
  return out;
}
