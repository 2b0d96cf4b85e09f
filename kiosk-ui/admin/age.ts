/** An age in seconds as the admin reads it: "5 phút trước", "3 giờ trước", "2 ngày trước". Pure. */
import { formatDuration } from '../i18n/duration.js';
import type { Translate } from '../i18n/index.js';

export function ageText(t: Translate, sec: number): string {
  return t('admin.age.ago', { time: formatDuration(sec, t) });
}
