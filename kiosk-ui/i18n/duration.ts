import type { Translate } from './index.js';

/**
 * The one duration formatter of the screens: seconds as people say them, in the screen's
 * language — "45 giây", "12 phút", "1 giờ", "1 giờ 30 phút", "3 ngày" (English "45 s", "12 min",
 * "1 h", "1 h 30 min", "3 d"). A live `countdown` under 10 minutes reads as a clock, "1:59"
 * (under a minute still "45 giây"), and rounds up (it never says 0 while time is left); an age
 * rounds down. Pure.
 */
export function formatDuration(sec: number, t: Translate, opts: { countdown?: boolean } = {}): string {
  const countdown = opts.countdown === true;
  const s = Math.max(0, countdown ? Math.ceil(sec) : Math.floor(sec));
  if (s < 60) return t('age.seconds', { n: s });
  if (countdown && s < 600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  const minutes = countdown ? Math.ceil(s / 60) : Math.floor(s / 60);
  if (minutes < 60) return t('age.minutes', { n: minutes });
  if (s < 86_400) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    const hours = t('age.hours', { n: h });
    return m === 0 || h >= 10 ? hours : `${hours} ${t('age.minutes', { n: m })}`;
  }
  return t('age.days', { n: Math.floor(s / 86_400) });
}
