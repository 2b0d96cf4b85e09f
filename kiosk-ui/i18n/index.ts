import { formatDuration } from './duration.js';
import { en } from './en.js';
import { vi, type MessageKey } from './vi.js';

/**
 * The one i18n convention of both pages (the kiosk screen and the auditor page): one catalog per
 * language (vi.ts, en.ts; the auditor page's keys start with `audit.`), `t(key, params)` with
 * {name} placeholders, Vietnamese first, and one language switch.
 */

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

/** Where a page takes its language from at load; both sources are optional. */
export interface LocaleSource {
  /** `location.search`: `?lang=vi|en` chooses the language (the kiosk screen, tests, demos). */
  search?: string;
  /** localStorage key under which this browser remembers the last switch (the auditor page). */
  storageKey?: string;
}

/** The language at load: `?lang=`, else the remembered switch, else `fallback` (Vietnamese). */
export function initialLocale(source: LocaleSource, fallback: Locale = 'vi'): Locale {
  const lang = source.search === undefined ? null : new URLSearchParams(source.search).get('lang');
  if (lang === 'en' || lang === 'vi') return lang;
  if (source.storageKey !== undefined) {
    try {
      return localStorage.getItem(source.storageKey) === 'en' ? 'en' : 'vi';
    } catch {
      // storage blocked: the default
    }
  }
  return fallback;
}

/** The language switch: the other language, set on <html lang> and remembered where the page keeps it. */
export function switchLocale(current: Locale, source: LocaleSource = {}): Locale {
  const next: Locale = current === 'vi' ? 'en' : 'vi';
  document.documentElement.lang = next;
  if (source.storageKey !== undefined) {
    try {
      localStorage.setItem(source.storageKey, next);
    } catch {
      // private mode: the switch lasts for this page only
    }
  }
  return next;
}

/** Human age like "3 giờ" / "3 h" from seconds (the one formatter: ./duration.ts). */
export function formatAge(sec: number, t: Translate): string {
  return formatDuration(sec, t);
}
