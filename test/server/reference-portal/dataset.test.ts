/** The portal's data file: validation, creation when missing, atomic writes, addPerson / addAccount. */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../server/errors.js';
import {
  accountPasswordMd5,
  addAccount,
  addPerson,
  datasetPath,
  md5Hex,
  personFromCard,
  readDataset,
} from '../../../server/reference-portal/dataset.js';
import { validateDataset } from '../../../server/reference-portal/dataset-schema.js';
import { demoCardInput } from '../../../server/issuer/demo-card.js';
import { dataset, person } from './fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'portal-data-'));

function problemsOf(json: unknown): string[] {
  try {
    validateDataset(json);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('portal data file', () => {
  it('is created empty (file 0600) when missing', () => {
    const dir = join(tmp(), 'nested');
    expect(readDataset(dir)).toEqual({ version: 1, persons: [], accounts: [] });
    expect(statSync(datasetPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('accepts the fixtures and lists every problem of a bad file by position, never by content', () => {
    expect(problemsOf(dataset([person(0), person(1)]))).toEqual([]);
    const bad = dataset([
      person(0, { maThe: 'DN7010100000000' }),
      person(1, { maSoBhxh: '123', ngaySinh: '20/03/1990', status: 'gone' as never }),
      person(2, { status: 'reduced' }),
      person(0, { maThe: undefined, hoTen: 'Bí Mật' }),
      person(3, { maThe: undefined, cccd: '012090001234' }),
      person(4, { maThe: undefined, cccd: '012090001234' }),
    ]);
    bad.accounts.push({ username: '12001_bv', facility: '1', staff: [{ hoTen: 'x', cccd: '1' }] });
    const problems = problemsOf(bad);
    expect(problems).toEqual([
      'persons[0].maThe: must be a 15-character card number (object code, benefit 1–5, province, 10 digits)',
      'persons[1].maSoBhxh: must be 10 digits',
      'persons[1].maThe: its last 10 digits must be maSoBhxh',
      'persons[1].ngaySinh: must be YYYY-MM-DD or YYYY',
      'persons[1].status: must be one of normal, defence-fund, police-fund, revoked, reduced, child-without-card',
      'persons[2].reducedCode: must be 120–124 for a reduced card',
      'accounts[2]: give exactly one of "password" or "passwordMd5"',
      'accounts[2].facility: must be a 5-character facility code',
      'accounts[2].staff[0]: must be { "hoTen": text, "cccd": 12 digits }',
      'persons[5].cccd: already used by persons[4]',
    ]);
    expect(problems.join('\n')).not.toContain('Bí Mật');
  });

  it('refuses a file that is not JSON', () => {
    const dir = tmp();
    writeFileSync(datasetPath(dir), '{ nope');
    expect(() => readDataset(dir)).toThrow(/not valid JSON/);
  });

  it('addPerson and addAccount write atomically and replace by mã số BHXH / username', () => {
    const dir = tmp();
    addPerson(dir, person(0));
    addPerson(dir, person(1));
    addPerson(dir, person(0, { hoTen: 'Nguyễn Văn Bình' }));
    addAccount(dir, { username: 'a', password: 'pw', facility: '12001', staff: [] });
    addAccount(dir, { username: 'a', passwordMd5: md5Hex('pw2'), facility: '12001', staff: [] });
    const data = readDataset(dir);
    expect(data.persons.map((p) => [p.maSoBhxh, p.hoTen])).toEqual([
      ['0100000001', 'Nguyễn Văn An'],
      ['0100000000', 'Nguyễn Văn Bình'],
    ]);
    expect(data.accounts.map(accountPasswordMd5)).toEqual([md5Hex('pw2')]);
    // No temporary files left behind; the file is pretty JSON a person can edit.
    expect(readdirSync(dir)).toEqual(['portal.json']);
    expect(readFileSync(datasetPath(dir), 'utf8')).toMatch(/^\{\n {2}"version": 1,/);
  });

  it('addPerson refuses an invalid person and leaves the file unchanged', () => {
    const dir = tmp();
    addPerson(dir, person(0));
    const before = readFileSync(datasetPath(dir), 'utf8');
    expect(() => addPerson(dir, person(1, { maDKBD: 'nope' }))).toThrow(ConfigError);
    expect(readFileSync(datasetPath(dir), 'utf8')).toBe(before);
  });

  it("personFromCard records the demo issuer's card as the portal holds it", () => {
    const dir = tmp();
    const p = personFromCard(demoCardInput(Date.parse('2026-11-25T02:00:00Z')), { cccd: '012090001234' });
    expect(p).toEqual({
      maSoBhxh: '1201234567',
      maThe: 'DN4121201234567',
      cccd: '012090001234',
      hoTen: 'Nguyễn Đức Thiện',
      ngaySinh: '1990-03-20',
      gioiTinh: 'Nam',
      maDKBD: '12001',
      gtTheTu: '2026-01-01',
      gtTheDen: '2026-12-31',
      ngayDu5Nam: '2028-01-01',
      maKV: 'K1',
      cqBHXH: 'BHXH tỉnh Lai Châu',
      status: 'normal',
    });
    addPerson(dir, p);
    expect(readDataset(dir).persons).toEqual([p]);
    expect(() => personFromCard({ ...demoCardInput(0), gender: 'other' })).toThrow(ConfigError);
  });
});
