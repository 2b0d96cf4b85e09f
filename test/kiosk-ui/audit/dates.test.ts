import { describe, expect, it } from 'vitest';
import { addDays, formatDay, parseDay, portalTime, todayVn } from '../../../kiosk-ui/audit/dates.js';

describe("the auditor page's dates (dd/mm/yyyy whatever the browser's locale)", () => {
  it('formats a day as dd/mm/yyyy and reads it back, with or without leading zeros, with / . or -', () => {
    expect(formatDay('2026-11-03')).toBe('03/11/2026');
    expect(parseDay('03/11/2026')).toBe('2026-11-03');
    expect(parseDay('3/11/2026')).toBe('2026-11-03');
    expect(parseDay(' 03.11.2026 ')).toBe('2026-11-03');
    expect(parseDay('03-11-2026')).toBe('2026-11-03');
    expect(parseDay('2026-11-03')).toBe('2026-11-03');
  });

  it('refuses what is not a real day', () => {
    for (const bad of ['31/02/2026', '00/01/2026', '01/13/2026', '11/03', 'hôm qua', '', '2026-02-30'])
      expect(parseDay(bad)).toBeUndefined();
  });

  it("counts days in Vietnam time: 17:30 UTC on 31 December is already the new year's day", () => {
    expect(todayVn(Date.parse('2026-12-31T17:30:00Z'))).toBe('2027-01-01');
    expect(todayVn(Date.parse('2026-12-31T16:59:00Z'))).toBe('2026-12-31');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it("shows the portal's receipt time whatever its form", () => {
    const vn = (iso: string) => `vn:${iso}`;
    expect(portalTime('202611251405', vn)).toBe('25/11/2026 14:05');
    expect(portalTime('20261125140509', vn)).toBe('25/11/2026 14:05:09');
    expect(portalTime('2026-11-25T07:05:09Z', vn)).toBe('vn:2026-11-25T07:05:09Z');
    expect(portalTime('soon', vn)).toBe('soon');
  });
});
