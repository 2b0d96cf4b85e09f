/** An age in seconds as the admin reads it: "5 phút", "3 giờ", "2 ngày". Pure. */
import type { Translate } from '../i18n/index.js';

export function ageText(t: Translate, sec: number): string {
  if (sec < 90) return t('admin.age.seconds', { n: Math.max(0, Math.round(sec)) });
  if (sec < 90 * 60) return t('admin.age.minutes', { n: Math.round(sec / 60) });
  if (sec < 36 * 3600) return t('admin.age.hours', { n: Math.round(sec / 3600) });
  return t('admin.age.days', { n: Math.round(sec / 86400) });
}
