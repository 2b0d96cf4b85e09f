/**
 * The request of POST /api/card-checks and the `?wait=S` of both card-check routes, parsed into
 * what CardCheckService takes. Refusals are CardCheckError CARD_CHECK_INPUT_INVALID naming the
 * member (`qr`, `manual.name`, `wait` …), never its value.
 *
 *   {"qr": "...", "typedBy"?: "wedge"}   (wedge: a keyboard-wedge scanner typed it; see wedge-name.ts)
 *   {"manual": {"cardNumber": "..." | "cccd": "...", "name": "...", "birthDate": "YYYY-MM-DD" | "YYYY"}}
 */
import type { ManualEntry } from '../portal/request.js';
import { CardCheckError } from './errors.js';
import type { CardCheckInput } from './service.js';

export const MAX_WAIT_SECONDS = 60;

function invalid(field: string, detail: string): CardCheckError {
  return new CardCheckError('CARD_CHECK_INPUT_INVALID', detail, field);
}

function optionalText(o: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw invalid(`manual.${key}`, `manual.${key} must be text of at most ${max} characters`);
  return v;
}

/** The body as the service's input: exactly one of `qr` and `manual` (the entry's fields are checked by the service). */
export function parseCardCheckBody(body: unknown): CardCheckInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'the body must be a JSON object');
  const o = body as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => k !== 'qr' && k !== 'manual' && k !== 'typedBy');
  if (unknown !== undefined) throw invalid(unknown.slice(0, 40), 'unknown member: send {"qr"} or {"manual"}');
  if ((o.qr === undefined) === (o.manual === undefined)) throw invalid('qr', 'send exactly one of "qr" and "manual"');
  if (o.qr !== undefined) {
    if (typeof o.qr !== 'string') throw invalid('qr', 'qr must be the scanned text');
    if (o.typedBy === undefined) return { qr: o.qr };
    if (o.typedBy !== 'wedge') throw invalid('typedBy', 'typedBy must be "wedge" (a keyboard-wedge scanner typed the text) or absent');
    return { qr: o.qr, typedBy: 'wedge' };
  }
  if (o.typedBy !== undefined) throw invalid('typedBy', 'typedBy goes with "qr"');
  const m = o.manual;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw invalid('manual', 'manual must be an object');
  const e = m as Record<string, unknown>;
  const extra = Object.keys(e).find((k) => !['cardNumber', 'cccd', 'name', 'birthDate'].includes(k));
  if (extra !== undefined) throw invalid(`manual.${extra.slice(0, 40)}`, 'unknown member of manual');
  const entry: ManualEntry = { name: optionalText(e, 'name', 300) ?? '', birthDate: optionalText(e, 'birthDate', 10) ?? '' };
  const cardNumber = optionalText(e, 'cardNumber', 30);
  const cccd = optionalText(e, 'cccd', 30);
  if (cardNumber !== undefined) entry.cardNumber = cardNumber;
  if (cccd !== undefined) entry.cccd = cccd;
  return { manual: entry };
}

/** `?wait=S`: whole seconds 0–60 (absent: 0) → milliseconds. */
export function parseWaitMs(query: Record<string, unknown>): number {
  const v = query.wait;
  if (v === undefined || v === '') return 0;
  if (typeof v !== 'string' || !/^\d{1,2}$/.test(v) || Number(v) > MAX_WAIT_SECONDS)
    throw invalid('wait', `wait must be whole seconds 0–${MAX_WAIT_SECONDS}`);
  return Number(v) * 1000;
}
