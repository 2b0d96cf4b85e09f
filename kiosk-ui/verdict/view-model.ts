import { reasonMessages } from '../../server/wire/reason-messages.js';
import type { CardFields, ReasonCode, Severity, Verdict, VerifyResult } from '../../server/wire/verification.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { formatDate } from './format.js';

/**
 * Turns a VerifyResult into exactly what the verdict panel shows: pure, so its states are tested
 * in node without a browser. All text comes from the catalogs: the screen's (kiosk-ui/i18n/) and,
 * for reasons, the shared one (server/wire/reason-messages.ts) or the server's message_vi.
 */

export type Tone = 'ok' | 'review' | 'stop';

export interface ReasonView {
  code: ReasonCode;
  severity: Severity;
  text: string;
  /** The portal number (maKetQua) receptionists know, when one maps. */
  portalCode?: string;
}

export interface FieldView {
  /** Stable id for tests and styling, e.g. "fullName". */
  id: string;
  label: string;
  value: string;
  /** Rendered larger (the name) or highlighted (off-route). */
  emphasis?: 'primary' | 'notice';
  /** Where the value comes from, when not the card itself (the name from the portal). */
  note?: string;
}

export interface VerdictView {
  verdict: Verdict;
  code: ReasonCode;
  tone: Tone;
  title: string;
  hint: string;
  /** Legacy paper card: "unsigned — check online" banner. */
  unsignedBanner?: string;
  demoCard: boolean;
  issuer?: string;
  reasons: ReasonView[];
  fields: FieldView[];
}

const TONES: Readonly<Record<Verdict, Tone>> = { accepted: 'ok', needs_review: 'review', rejected: 'stop' };

export function verdictTitle(verdict: Verdict, t: Translate): string {
  return t(`verdict.${verdict}` as MessageKey);
}

/**
 * A reason's text. Vietnamese: the server's message (it may be more specific than the catalog's),
 * else the catalog's by code. English: the catalog's screen text by code (the server's
 * message_en is written for logs), else the server's. A code this build does not know still reads.
 */
export function reasonText(r: { code: string; message_vi?: string; message_en?: string }, locale: Locale, t: Translate): string {
  const known = reasonMessages(r.code);
  const text = locale === 'vi' ? r.message_vi || known?.message_vi : (known?.screen_en ?? r.message_en);
  return text || t('reason.unknown', { code: r.code });
}

export function buildVerdictView(result: VerifyResult, locale: Locale, t: Translate): VerdictView {
  const reasons: ReasonView[] = (result.reasons ?? [])
    // "OK" is the verdict itself; listing it as a reason adds nothing.
    .filter((r) => r.code !== 'OK')
    .map((r) => {
      const v: ReasonView = { code: r.code, severity: r.severity, text: reasonText(r, locale, t) };
      if (r.portalCode) v.portalCode = r.portalCode;
      return v;
    });
  // Errors first, then warnings, then info: the reason that decided comes first.
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  reasons.sort((a, b) => rank[a.severity] - rank[b.severity]);

  const view: VerdictView = {
    verdict: result.verdict,
    code: result.code,
    tone: TONES[result.verdict] ?? 'stop',
    title: verdictTitle(result.verdict, t),
    hint: t(`verdict.${result.verdict}Hint` as MessageKey),
    demoCard: result.demo === true,
    reasons,
    fields: result.card ? cardFields(result.card, t) : [],
  };
  if (result.source === 'legacy-unsigned' || result.reasons?.some((r) => r.code === 'UNSIGNED_LEGACY')) {
    view.unsignedBanner = t('verdict.legacyBanner');
  } else if (result.source === 'id-card') {
    view.unsignedBanner = t('verdict.idCardBanner');
  }
  const issuer = result.issuerName ?? result.card?.issuedBy;
  if (issuer) view.issuer = t('verdict.issuedBy', { name: issuer });
  return view;
}

export function cardFields(card: CardFields, t: Translate): FieldView[] {
  const out: FieldView[] = [];
  const add = (id: string, label: MessageKey, value: string | undefined, emphasis?: FieldView['emphasis']) => {
    if (value === undefined || value === '') return;
    const f: FieldView = { id, label: t(label), value };
    if (emphasis) f.emphasis = emphasis;
    out.push(f);
  };
  if (card.nameFrom === 'unreadable' && card.fullName === undefined) add('fullName', 'field.fullName', t('name.unreadable'), 'primary');
  else add('fullName', 'field.fullName', card.fullName, 'primary');
  if (card.nameFrom === 'portal' && card.fullName !== undefined) out[out.length - 1]!.note = t('name.fromPortal');
  add('birthDate', 'field.birthDate', formatDate(card.birthDate));
  add('gender', 'field.gender', card.gender ? t(`gender.${card.gender}` as MessageKey) : undefined);
  add('cardNumber', 'field.cardNumber', card.cardNumber);
  add('maSoBhxh', 'field.maSoBhxh', card.maSoBhxh);
  add('idNumber', 'field.idNumber', card.idNumber);
  add(
    'registeredFacility',
    'field.registeredFacility',
    card.registeredFacility && card.provinceName
      ? t('facility.withProvince', { code: card.registeredFacility, province: card.provinceName })
      : card.registeredFacility,
  );
  if (card.validFrom) {
    const from = formatDate(card.validFrom)!;
    add(
      'validity',
      'field.validity',
      card.validTo ? t('validity.range', { from, to: formatDate(card.validTo)! }) : t('validity.openEnded', { from }),
    );
  } else if (card.validTo) {
    add('validity', 'field.validity', t('validity.range', { from: '…', to: formatDate(card.validTo)! }));
  }
  if (card.benefitLevel !== undefined) {
    add(
      'benefit',
      'field.benefit',
      card.benefitPercent !== undefined
        ? t('benefit.value', { level: card.benefitLevel, percent: card.benefitPercent })
        : t('benefit.levelOnly', { level: card.benefitLevel }),
    );
  }
  add('objectCode', 'field.objectCode', card.objectCode);
  add('fiveYearDate', 'field.fiveYearDate', formatDate(card.fiveYearDate));
  add('areaCode', 'field.areaCode', card.areaCode);
  if (card.offRoute !== undefined) {
    add('offRoute', 'field.offRoute', card.offRoute ? t('offRoute.yes') : t('offRoute.no'), card.offRoute ? 'notice' : undefined);
  }
  return out;
}

/** The short line the ARIA live region announces (no name: the queue can hear it). */
export function announcement(result: VerifyResult, locale: Locale, t: Translate): string {
  const primary = result.reasons?.find((r) => r.code === result.code);
  const known = reasonMessages(result.code);
  const reason = primary ? reasonText(primary, locale, t) : known ? (locale === 'vi' ? known.message_vi : known.screen_en) : '';
  return t('verdict.announce', { verdict: verdictTitle(result.verdict, t), reason });
}
