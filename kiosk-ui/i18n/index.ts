import { en } from './en.js';
import { vi, type MessageKey } from './vi.js';

export type { MessageKey } from './vi.js';
export type Locale = 'vi' | 'en';
export type Params = Readonly<Record<string, string | number>>;
/** A translate function bound to one locale; elements receive it so they never hold strings. */
export type Translate = (key: MessageKey, params?: Params) => string;

const CATALOGS: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { vi, en };

export function translator(locale: Locale): Translate {
  const cat = CATALOGS[locale];
  return (key, params) => {
    const text = cat[key] ?? vi[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

/** Human age like "3 giờ" / "3 h" from seconds. */
export function formatAge(sec: number, t: Translate): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return t('age.seconds', { n: s });
  if (s < 3600) return t('age.minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('age.hours', { n: Math.floor(s / 3600) });
  return t('age.days', { n: Math.floor(s / 86400) });
}
