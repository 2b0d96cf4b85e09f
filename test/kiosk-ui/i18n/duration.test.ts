/** #13: durations read as people say them ("1 giờ", not "3600 giây"), one formatter for every screen. */
import { describe, expect, it } from 'vitest';
import { ageText } from '../../../kiosk-ui/admin/age.js';
import { formatDuration } from '../../../kiosk-ui/i18n/duration.js';
import { formatAge, translator } from '../../../kiosk-ui/i18n/index.js';

const vi = translator('vi');
const en = translator('en');

describe('formatDuration', () => {
  it('seconds, minutes, hours (with minutes under ten hours), days — in Vietnamese and English', () => {
    const cases: Array<[number, string, string]> = [
      [0, '0 giây', '0 s'],
      [45, '45 giây', '45 s'],
      [60, '1 phút', '1 min'],
      [3599, '59 phút', '59 min'],
      [3600, '1 giờ', '1 h'],
      [5400, '1 giờ 30 phút', '1 h 30 min'],
      [11 * 3600 + 60, '11 giờ', '11 h'],
      [86_400 * 3 + 5, '3 ngày', '3 d'],
    ];
    for (const [sec, v, e] of cases) {
      expect(formatDuration(sec, vi), String(sec)).toBe(v);
      expect(formatDuration(sec, en), String(sec)).toBe(e);
    }
    expect(formatDuration(-5, vi)).toBe('0 giây');
  });

  it('a live countdown: seconds under a minute, m:ss under ten minutes, then words; it rounds up', () => {
    const c = (sec: number, t = vi) => formatDuration(sec, t, { countdown: true });
    expect(c(45)).toBe('45 giây');
    expect(c(0.2)).toBe('1 giây');
    expect(c(60)).toBe('1:00');
    expect(c(119)).toBe('1:59');
    expect(c(599)).toBe('9:59');
    expect(c(600)).toBe('10 phút');
    expect(c(3599)).toBe('1 giờ');
    expect(c(3600)).toBe('1 giờ');
    expect(c(3600, en)).toBe('1 h');
    expect(c(3601)).toBe('1 giờ 1 phút');
  });

  it('the status bar and the admin page use it', () => {
    expect(formatAge(3600, vi)).toBe('1 giờ');
    expect(ageText(vi, 300)).toBe('5 phút trước');
    expect(ageText(en, 7200)).toBe('2 h ago');
  });
});
