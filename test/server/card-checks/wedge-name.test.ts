/**
 * #13 item 3: a chip ID-card QR typed by a keyboard-wedge scanner. The desk says so
 * (`typedBy: "wedge"`); the check never uses the typed name as the name: it relies on the ID
 * number and birth date, and on the portal's record (its name, marked as the portal's).
 */
import { describe, expect, it } from 'vitest';
import { parseCardCheckBody } from '../../../server/card-checks/request.js';
import {
  askWithUnreadableName,
  namedByPortal,
  portalNameToAskWith,
  typedNameOf,
  wedgeLocal,
} from '../../../server/card-checks/wedge-name.js';
import type { CheckSubject } from '../../../server/portal/request.js';
import { CCCD } from '../../helpers/legacy-samples.js';
import type { PortalCheckedResult } from '../../../server/portal/merge.js';
import type { PortalOutcome } from '../../../server/portal/outcome.js';
import type { VerifyResult } from '../../../server/wire/verification.js';

const local: VerifyResult = {
  verdict: 'needs_review',
  code: 'ID_CARD_PRESENTED',
  source: 'id-card',
  reasons: [],
  checks: [],
  card: { idNumber: '012188007777', fullName: 'ng Th Xun', birthDate: '1988-09-09' },
} as unknown as VerifyResult;

const answer = (code: string, hoTen: string | null): PortalOutcome =>
  ({ kind: 'answer', code, reply: { hoTen }, attempts: 1, latencyMs: 5 }) as unknown as PortalOutcome;

describe('wedge-typed chip ID card', () => {
  it('the request says typedBy wedge (only with qr; nothing else accepted)', () => {
    expect(parseCardCheckBody({ qr: 'x', typedBy: 'wedge' })).toStrictEqual({ qr: 'x', typedBy: 'wedge' });
    expect(parseCardCheckBody({ qr: 'x' })).toStrictEqual({ qr: 'x' });
    expect(() => parseCardCheckBody({ qr: 'x', typedBy: 'camera' })).toThrow(/typedBy/);
    expect(() => parseCardCheckBody({ manual: { name: 'A', birthDate: '1990' }, typedBy: 'wedge' })).toThrow(/typedBy/);
  });

  it('the local result keeps the ID number and birth date, not the typed name', () => {
    const w = wedgeLocal(local)!;
    expect(w.typedName).toBe('ng Th Xun');
    expect(w.local.card).toStrictEqual({ idNumber: '012188007777', birthDate: '1988-09-09', nameFrom: 'unreadable' });
    expect(wedgeLocal({ ...local, source: 'legacy-unsigned' })).toBeUndefined();
  });

  it("a name mismatch carrying the portal's record is asked again with the portal's name; its name is the patient's once the birth date matched", () => {
    expect(portalNameToAskWith(answer('060', 'Đặng Thị Xuân'))).toBe('Đặng Thị Xuân');
    expect(portalNameToAskWith(answer('061', 'Đặng Thị Xuân'))).toBe('Đặng Thị Xuân');
    expect(portalNameToAskWith(answer('000', 'Đặng Thị Xuân'))).toBeUndefined();
    expect(portalNameToAskWith(answer('060', null))).toBeUndefined();
    const merged = { ...wedgeLocal(local)!.local, portal: { state: 'done', code: '000' } } as PortalCheckedResult;
    expect(namedByPortal(merged, answer('000', 'Đặng Thị Xuân')).card).toMatchObject({ fullName: 'Đặng Thị Xuân', nameFrom: 'portal' });
    expect(namedByPortal(merged, answer('010', 'Đặng Thị Xuân')).card).toMatchObject({ fullName: 'Đặng Thị Xuân', nameFrom: 'portal' });
    // The birth date differs (070), or the name still does: not the patient's name.
    expect(namedByPortal(merged, answer('070', 'Đặng Thị Xuân')).card).toStrictEqual(merged.card);
    expect(namedByPortal(merged, answer('060', 'Đặng Thị Xuân')).card).toStrictEqual(merged.card);
  });

  it("asks once more only with the portal's name from a name mismatch (the desk and the re-check alike)", async () => {
    const subject: CheckSubject = {
      source: 'id-card',
      number: '012188007777',
      numberKind: 'id-card',
      fullName: 'ng Th Xun',
      birthDate: '1988-09-09',
    };
    const asked: string[] = [];
    const portal = (answers: PortalOutcome[]) => async (s: CheckSubject) => {
      asked.push(s.fullName);
      return answers.shift()!;
    };
    expect(await askWithUnreadableName(portal([answer('060', 'Đặng Thị Xuân'), answer('000', 'Đặng Thị Xuân')]), subject)).toMatchObject({
      code: '000',
    });
    expect(asked).toEqual(['ng Th Xun', 'Đặng Thị Xuân']);
    asked.length = 0;
    expect(await askWithUnreadableName(portal([answer('000', 'Đặng Thị Xuân')]), subject)).toMatchObject({ code: '000' });
    expect(asked).toEqual(['ng Th Xun']);
  });

  it('reads the typed name back from the scanned ID-card text, and nothing from anything else', () => {
    expect(typedNameOf(CCCD.replace(/[^\x20-\x7e]/g, ''))).toBe('Nguyn c Thin');
    expect(typedNameOf('seeded')).toBeUndefined();
    expect(typedNameOf(undefined)).toBeUndefined();
  });
});
