/**
 * A reason code and a review note in the auditor's words. Reasons: the first sentence of what the
 * desk read (server/wire/reason-messages.ts, the one home of those words), the code beside it.
 * Review notes are stored as "Kiểm tra: ID_SEEN: Đã xem …; PORTAL_LOOKUP: …" (codes for
 * machines, Vietnamese for people): shown as the words, in the page's language.
 */
import { REASON_MESSAGES } from '../../server/wire/reason-messages.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';

type Messages = Record<string, { message_vi: string; screen_en: string } | undefined>;

/** The reason's words without the code (first sentence, no final full stop); the code when unknown. */
export function reasonWords(code: string, locale: Locale): string {
  const m = (REASON_MESSAGES as Messages)[code];
  if (!m) return code;
  const text = locale === 'en' ? m.screen_en : m.message_vi;
  return (text.split(/(?<=\.)\s/)[0] ?? text).replace(/\.$/, '');
}

/** What each ticked check's code means (the desk's own labels). */
const CHECK_LABELS: Record<string, MessageKey> = {
  ID_SEEN: 'checkin.checkIdSeen',
  PORTAL_LOOKUP: 'checkin.checkPortal',
  PAPER_CARD: 'checkin.checkPaperCard',
};

/** A stored review note for reading: each `CODE: words` as the words in this page's language. */
export function reviewNoteText(note: string, t: Translate): string {
  return note
    .replace(/^Kiểm tra: /, `${t('audit.note.checked')} `)
    .replace(/\b([A-Z][A-Z_]{2,}): ([^;]*)/g, (_m, code: string, words: string) => {
      const key = CHECK_LABELS[code];
      return key ? t(key) : words;
    });
}
