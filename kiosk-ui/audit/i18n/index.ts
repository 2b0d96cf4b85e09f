import { en } from './en.js';
import { vi, type AuditMessageKey } from './vi.js';

export type { AuditMessageKey } from './vi.js';
export type AuditLocale = 'vi' | 'en';
export type Translate = (key: AuditMessageKey, params?: Readonly<Record<string, string | number>>) => string;

const CATALOGS: Readonly<Record<AuditLocale, Readonly<Record<AuditMessageKey, string>>>> = { vi, en };
const STORAGE_KEY = 'bhyt-audit-locale';

export function translator(locale: AuditLocale): Translate {
  const cat = CATALOGS[locale];
  return (key, params) => {
    const text = cat[key] ?? vi[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

/** Vietnamese first; the English switch is remembered on this browser. */
export function initialLocale(): AuditLocale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function saveLocale(l: AuditLocale): void {
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // private mode: the switch lasts for this page only
  }
}
