/**
 * The unsigned check-in file: `<?xml …?>`, `CHI_TIEU_TRANG_THAI_KCB` › `DSACH_TRANG_THAI_KCB` › one
 * `TRANG_THAI_KCB` per record (fields in the table's order, absent optional fields left out), then
 * an empty `CHUKYDONVI` as the root's last child, where sign.ts puts the facility's signature.
 *
 * Built as text with a small escape: the values are plain strings (record.ts already dropped what
 * XML cannot carry) and there are no attributes or namespaces, so a DOM would add nothing here.
 * Canonicalisation for signing is xml-crypto's, never this file's.
 */
import { CHECKIN_FIELD_NAMES, type CheckInRecord } from './fields.js';

export const CHECKIN_ROOT = 'CHI_TIEU_TRANG_THAI_KCB';
export const CHECKIN_LIST = 'DSACH_TRANG_THAI_KCB';
export const CHECKIN_ITEM = 'TRANG_THAI_KCB';
export const CHECKIN_SIGNATURE_ELEMENT = 'CHUKYDONVI';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Text content escaped (`\r` as a reference, or a parser would turn it into `\n`). */
export function escapeXmlText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => ESCAPES[c]!);
}

/**
 * The unsigned file. STT is each record's position in this file (1..n), whatever the record
 * says: a day's file gathers records built one visit at a time, each with STT 1. The table
 * needs at least one record: a file of none is written (the caller may want to show it) but the
 * XSD refuses it, so it is never a file to send.
 */
export function checkInXml(records: readonly CheckInRecord[]): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', `<${CHECKIN_ROOT}>`, `  <${CHECKIN_LIST}>`];
  records.forEach((record, i) => {
    lines.push(`    <${CHECKIN_ITEM}>`);
    for (const field of CHECKIN_FIELD_NAMES) {
      const value = field === 'STT' ? String(i + 1) : record[field];
      if (value !== undefined) lines.push(`      <${field}>${escapeXmlText(value)}</${field}>`);
    }
    lines.push(`    </${CHECKIN_ITEM}>`);
  });
  lines.push(`  </${CHECKIN_LIST}>`, `  <${CHECKIN_SIGNATURE_ELEMENT}></${CHECKIN_SIGNATURE_ELEMENT}>`, `</${CHECKIN_ROOT}>`, '');
  return lines.join('\n');
}
