import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { CHECKIN_FIELD_NAMES, CHECKIN_FIELDS, type CheckInRecord } from '../../../server/check-in-record/fields.js';
import { checkInXml } from '../../../server/check-in-record/xml.js';
import { checkInXsdPath, validateCheckInXml } from '../../../server/check-in-record/xsd.js';
import { checkInTestRecord } from '../../helpers/check-in-record.js';
import { xmllintSchema } from '../../helpers/xml-tools.js';

const XS = 'http://www.w3.org/2001/XMLSchema';

/** Every required field, plausible values. */
const MINIMAL: CheckInRecord = checkInTestRecord('019ac0de-0000-7000-8000-000000000001', {
  NGAY_VAO: '202611250930',
  NGAY_YL: '202611250930',
});

/** Every field of the table. */
const FULL: CheckInRecord = {
  ...MINIMAL,
  SO_CCCD: '012090001234',
  MA_THE_BHYT: 'HC4121201234567',
  MA_DKBD: '12001',
  GT_THE_TU: '20260101',
  GT_THE_DEN: '20261231',
  NGAY_VAO_NOI_TRU: '202611251000',
  LY_DO_VNT: 'Sốt cao <39°C> & mệt',
  MA_LY_DO_VNT: 'R50',
  MA_DICH_VU: '01.0001.1778',
  TEN_DICH_VU: 'Khám Nội',
  MA_THUOC: '40.17',
  TEN_THUOC: 'Paracetamol',
  MA_VAT_TU: 'N03.02',
  TEN_VAT_TU: 'Bơm tiêm',
  DU_PHONG: 'x',
};

async function bothValidators(xml: string) {
  const [lib, cli] = await Promise.all([validateCheckInXml(xml), xmllintSchema(checkInXsdPath(), xml)]);
  return { lib, cli };
}

describe('checkInXml', () => {
  it('root › list › one record per entry, fields in table order, STT renumbered 1..n, then an empty CHUKYDONVI', () => {
    const xml = checkInXml([MINIMAL, { ...FULL, STT: '1' }]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<CHI_TIEU_TRANG_THAI_KCB>\n  <DSACH_TRANG_THAI_KCB>\n')).toBe(true);
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const root = doc.documentElement;
    const kids = Array.from(root.childNodes).filter((n) => n.nodeType === 1) as Element[];
    expect(kids.map((k) => k.tagName)).toStrictEqual(['DSACH_TRANG_THAI_KCB', 'CHUKYDONVI']);
    expect(kids[1]!.childNodes.length).toBe(0);
    const records = Array.from(doc.getElementsByTagName('TRANG_THAI_KCB'));
    expect(records).toHaveLength(2);
    const names = (r: Element) =>
      Array.from(r.childNodes)
        .filter((n) => n.nodeType === 1)
        .map((n) => (n as Element).tagName);
    expect(names(records[0]!)).toStrictEqual(CHECKIN_FIELD_NAMES.filter((f) => MINIMAL[f] !== undefined));
    expect(names(records[1]!)).toStrictEqual([...CHECKIN_FIELD_NAMES]);
    expect(records.map((r) => r.getElementsByTagName('STT')[0]!.textContent)).toStrictEqual(['1', '2']);
    // Escaped text reads back exactly.
    expect(records[1]!.getElementsByTagName('LY_DO_VNT')[0]!.textContent).toBe('Sốt cao <39°C> & mệt');
  });

  it('escapes &, <, > and carriage returns', () => {
    const xml = checkInXml([{ ...MINIMAL, HO_TEN: 'A & <B>\r\nC' }]);
    expect(xml).toContain('<HO_TEN>A &amp; &lt;B&gt;&#13;\nC</HO_TEN>');
  });
});

describe('checkin-table.xsd', () => {
  it('is found by absolute path under the project root', () => {
    expect(isAbsolute(checkInXsdPath())).toBe(true);
    expect(checkInXsdPath().endsWith('server/check-in-record/checkin-table.xsd')).toBe(true);
  });

  it('agrees with the field table (fields.ts): order, required, length, pattern', () => {
    const doc = new DOMParser().parseFromString(readFileSync(checkInXsdPath(), 'utf8'), 'text/xml');
    const type = Array.from(doc.getElementsByTagNameNS(XS, 'complexType')).find((t) => t.getAttribute('name') === 'TrangThaiKcb')!;
    const fields = Array.from(type.getElementsByTagNameNS(XS, 'element')).map((e) => {
      const facet = (name: string) => e.getElementsByTagNameNS(XS, name)[0]?.getAttribute('value') ?? undefined;
      const max = facet('maxLength');
      return {
        name: e.getAttribute('name'),
        required: e.getAttribute('minOccurs') !== '0',
        maxLength: max === undefined ? undefined : Number(max),
        pattern: facet('pattern'),
      };
    });
    expect(fields).toStrictEqual(
      CHECKIN_FIELD_NAMES.map((name) => ({
        name,
        required: CHECKIN_FIELDS[name].required,
        maxLength: CHECKIN_FIELDS[name].maxLength,
        pattern: CHECKIN_FIELDS[name].pattern,
      })),
    );
  });

  it('every generated file validates with the library and with the xmllint CLI (minimal, full, several records)', async () => {
    for (const records of [[MINIMAL], [FULL], [MINIMAL, FULL, { ...MINIMAL, MA_LK: 'other' }]]) {
      const { lib, cli } = await bothValidators(checkInXml(records));
      expect(lib).toStrictEqual({ valid: true, errors: [] });
      expect(cli.code, cli.stderr).toBe(0);
    }
  });

  it.each([
    ['HO_TEN missing', () => checkInXml([{ ...MINIMAL, HO_TEN: undefined }]), 'NGAY_SINH', 'Expected is ( HO_TEN )'],
    ['GIOI_TINH 4', () => checkInXml([{ ...MINIMAL, GIOI_TINH: '4' }]), 'GIOI_TINH', "pattern '[123]'"],
    ['MA_LK over 100 characters', () => checkInXml([{ ...MINIMAL, MA_LK: 'x'.repeat(101) }]), 'MA_LK', 'maxLength'],
    ['MA_CSKCB not a facility code', () => checkInXml([{ ...MINIMAL, MA_CSKCB: '1200' }]), 'MA_CSKCB', 'pattern'],
    ['NGAY_VAO with a dash', () => checkInXml([{ ...MINIMAL, NGAY_VAO: '2026-1125093' }]), 'NGAY_VAO', 'pattern'],
    ['MA_DOITUONG_KCB 1.12x', () => checkInXml([{ ...MINIMAL, MA_DOITUONG_KCB: '1.12x' }]), 'MA_DOITUONG_KCB', 'pattern'],
    [
      'CHUKYDONVI missing',
      () => checkInXml([MINIMAL]).replace('  <CHUKYDONVI></CHUKYDONVI>\n', ''),
      'CHI_TIEU_TRANG_THAI_KCB',
      'CHUKYDONVI',
    ],
    [
      'a foreign element in CHUKYDONVI',
      () => checkInXml([MINIMAL]).replace('<CHUKYDONVI></CHUKYDONVI>', '<CHUKYDONVI><X/></CHUKYDONVI>'),
      'X',
      'not expected',
    ],
  ])('%s: refused by both, naming the field', async (_name, make, field, words) => {
    const { lib, cli } = await bothValidators(make());
    expect(lib.valid).toBe(false);
    expect(lib.errors.join('\n')).toContain(`Element '${field}'`);
    expect(lib.errors.join('\n')).toContain(words);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(`Element '${field}'`);
  });

  it('a file that is not XML is invalid, with a short error line', async () => {
    const r = await validateCheckInXml('<CHI_TIEU_TRANG_THAI_KCB>');
    expect(r.valid).toBe(false);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((e) => !e.includes('\n'))).toBe(true);
  });
});
