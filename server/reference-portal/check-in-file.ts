/**
 * Reading a submitted check-in file, step by step, each step's refusal a message naming what is
 * wrong (the 205's thongDiep, in the portal's Vietnamese with the field's own name):
 *
 *   fileHSB64 → strict base64 (the standard alphabet, padded, nothing else: no spaces, no line
 *   breaks, no URL-safe letters; it must re-encode to itself) → bytes within the size limit →
 *   strict UTF-8 (a leading BOM is allowed) → no DOCTYPE (entities could change what is read)
 *   → the XSD's first error, naming its element → records read from the SIGNED content only.
 *
 * No HTTP, no clock. Messages never quote a field's value (the file carries personal data; a
 * message ends up in the facility's parked-record list and may be logged by a sender).
 */
import { DOMParser } from '@xmldom/xmldom';
import { CHECKIN_FIELD_NAMES, type CheckInField, type CheckInRecord } from '../check-in-record/fields.js';
import { CHECKIN_ITEM, CHECKIN_LIST, CHECKIN_ROOT } from '../check-in-record/xml.js';
import { CHECKIN_MAX_FILE_BYTES, CHECKIN_MAX_RECORDS } from '../wire/portal.js';

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ELEMENT_NODE = 1;
const FIELDS = new Set<string>(CHECKIN_FIELD_NAMES);

/** fileHSB64 → the XML text. */
export function decodeCheckInFile(b64: string): Read<string> {
  if (b64.length === 0) return { ok: false, problem: 'fileHSB64 rỗng (empty)' };
  // The length bound comes first: the pattern and the decoder never see more than the limit allows.
  if (b64.length > Math.ceil(CHECKIN_MAX_FILE_BYTES / 3) * 4)
    return { ok: false, problem: `fileHSB64 quá lớn (file over ${CHECKIN_MAX_FILE_BYTES} bytes)` };
  if (!BASE64.test(b64)) return { ok: false, problem: 'fileHSB64 không phải base64 hợp lệ (not strict base64)' };
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.toString('base64') !== b64) return { ok: false, problem: 'fileHSB64 không phải base64 hợp lệ (not canonical base64)' };
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'fileHSB64 không phải văn bản UTF-8 (not UTF-8)' };
  }
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, problem: 'Hồ sơ không được chứa DOCTYPE (DOCTYPE not allowed)' };
  return { ok: true, value: xml };
}

/**
 * The XSD's first error as the 205's message: the element it names (the field), and libxml2's
 * reason with any quoted value taken out. `line 14: Schemas validity error : Element 'MA_CSKCB':
 * [facet 'pattern'] The value 'x' is not accepted …` → `Trường MA_CSKCB không hợp lệ: [facet
 * 'pattern'] The value is not accepted …`.
 */
export function xsdProblem(errors: readonly string[]): string {
  const first = errors[0] ?? 'the file does not match the check-in table';
  const field = /Element '([A-Za-z_][\w.-]{0,60})'/.exec(first)?.[1];
  // "Element 'NGAY_SINH': This element is not expected. Expected is ( HO_TEN )": the field at fault
  // is the one expected (missing, or out of order), not the one libxml2 stopped at.
  const expected = /Expected is \( ([A-Z_][A-Z0-9_]{0,60}) \)/.exec(first)?.[1];
  if (expected !== undefined && /not expected|Missing child/i.test(first))
    return `Trường ${expected} thiếu hoặc sai thứ tự (missing or out of order${field ? ` at ${field}` : ''})`;
  const reason = first
    .replace(/^line \d+:\s*/, '')
    .replace(/^(?:Schemas validity error|parser error)\s*:\s*/i, '')
    .replace(/^Element '[^']*':\s*/, '')
    .replace(/The value '[^']*'/g, 'The value')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
  return field ? `Trường ${field} không hợp lệ: ${reason}` : `Hồ sơ không đúng cấu trúc (XML): ${reason}`;
}

function childElements(node: Node): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === ELEMENT_NODE) out.push(c as Element);
  return out;
}

/**
 * The records of the content a signature covers (verifyCheckInSignature's `signedXml`): never the
 * raw upload, so nothing outside the signed part can be read as a record. The XSD already checked
 * the shape; this reads it and bounds the count.
 */
export function recordsOfSignedXml(signedXml: string): Read<CheckInRecord[]> {
  let broken = false;
  const quiet = () => {
    broken = true;
  };
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: quiet, fatalError: quiet } }).parseFromString(
    signedXml,
    'text/xml',
  );
  const root = doc.documentElement;
  if (broken || !root || root.tagName !== CHECKIN_ROOT) return { ok: false, problem: `Hồ sơ không có ${CHECKIN_ROOT} đã ký` };
  const list = childElements(root).find((e) => e.tagName === CHECKIN_LIST);
  const items = list ? childElements(list).filter((e) => e.tagName === CHECKIN_ITEM) : [];
  if (items.length === 0) return { ok: false, problem: `${CHECKIN_LIST} không có ${CHECKIN_ITEM} (no record)` };
  if (items.length > CHECKIN_MAX_RECORDS)
    return { ok: false, problem: `Hồ sơ có ${items.length} ${CHECKIN_ITEM}, tối đa ${CHECKIN_MAX_RECORDS} (too many records)` };
  const records = items.map((item) => {
    const record: CheckInRecord = {};
    for (const el of childElements(item)) if (FIELDS.has(el.tagName)) record[el.tagName as CheckInField] = el.textContent ?? '';
    return record;
  });
  return { ok: true, value: records };
}
