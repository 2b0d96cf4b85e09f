/**
 * A problem code in the auditor's words: `audit.error.<CODE>` when the catalog has it, else the
 * generic message with the code beside it (an auditor can quote it to IT). Shared by the
 * auditor and admin pages.
 */
import type { MessageKey, Translate } from '../i18n/index.js';

export function problemText(t: Translate, code: string): string {
  const key = `audit.error.${code}` as MessageKey;
  const text = t(key);
  return text === key ? t('audit.error.unknown', { code }) : text;
}
