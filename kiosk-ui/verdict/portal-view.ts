/**
 * What the screen shows about the online card check (the `portal` summary beside a result):
 * pure, like view-model.ts, so every state is tested in node. A configuration problem (the
 * portal refused the facility's account or the staff member's ID: state `config`) is worded as
 * the facility's problem, never the patient's.
 */
import type { Locale, Translate } from '../i18n/index.js';
import type { PortalMismatch, PortalSummary, PortalVisit } from '../card-check/types.js';
import { formatDate } from './format.js';
import type { FieldView } from './view-model.js';

export type PortalTone = 'pending' | 'ok' | 'review' | 'stop' | 'config';

export interface MismatchView {
  field: PortalMismatch['field'];
  label: string;
  portal: string;
  card: string;
}

export interface PortalView {
  state: PortalSummary['state'];
  tone: PortalTone;
  /** One line: what the portal said (or that it is being asked, or did not answer). */
  title: string;
  /** The portal's result number (maKetQua), when it answered one. */
  code?: string;
  /** The portal's own message. */
  message?: string;
  /** Under the title: who should act (IT for config, the receptionist when unavailable). */
  hint?: string;
  /** Already checked in (or checked) today, elsewhere or here. */
  today?: string;
  mismatch?: MismatchView;
  fields: FieldView[];
  /** "Answered in 3.2 s". */
  latency?: string;
}

/** ISO instant with offset (2026-11-25T08:10+07:00) → `25/11/2026 08:10` as written (Vietnam time). */
export function formatInstant(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : iso;
}

function visitText(v: PortalVisit, t: Translate): string | undefined {
  const from = formatInstant(v.from);
  if (!from) return undefined;
  const when = v.to ? t('portal.visitRange', { from, to: formatInstant(v.to)! }) : from;
  return v.facility ? t('portal.visitAt', { when, facility: v.facility }) : when;
}

function validity(from: string | undefined, to: string | undefined, t: Translate): string | undefined {
  if (!from && !to) return undefined;
  if (!to) return t('validity.openEnded', { from: formatDate(from)! });
  return t('validity.range', { from: formatDate(from) ?? '…', to: formatDate(to)! });
}

const TONE_BY_CODE: Readonly<Record<string, PortalTone>> = { '000': 'ok', '004': 'ok' };

export function buildPortalView(p: PortalSummary, locale: Locale, t: Translate): PortalView {
  const view: PortalView = { state: p.state, tone: 'review', title: '', fields: [] };
  if (p.code !== undefined && p.state === 'done') view.code = p.code;
  if (p.message) view.message = p.message;
  if (p.latencyMs !== undefined && p.latencyMs >= 100 && p.state !== 'pending')
    view.latency = t('portal.latency', { sec: (Math.round(p.latencyMs / 100) / 10).toLocaleString(locale === 'vi' ? 'vi-VN' : 'en-GB') });

  switch (p.state) {
    case 'pending':
      view.tone = 'pending';
      view.title = t('portal.pendingTitle');
      view.hint = t('portal.pendingHint');
      return view;
    case 'config':
      view.tone = 'config';
      view.title = t('portal.configTitle');
      view.hint = t('portal.configHint');
      // The code (054/055/401 or the kiosk's own) is for IT: shown, never as the card's result.
      if (p.code !== undefined) view.code = p.code;
      return view;
    case 'unavailable':
      view.title = t('portal.unavailableTitle');
      view.hint = t('portal.unavailableHint');
      return view;
    case 'not_needed':
    case 'off':
      view.tone = 'ok';
      view.title = t('portal.notNeeded');
      return view;
    default:
      break;
  }

  view.tone =
    p.code !== undefined ? (TONE_BY_CODE[p.code] ?? (p.code === '003' || /^(01|05|11|12)/.test(p.code) ? 'stop' : 'review')) : 'review';
  view.title = t('portal.doneTitle');
  const a = p.alreadyCheckedInToday;
  if (a) {
    const key = a.via === 'check' ? 'portal.checkedToday' : 'portal.alreadyToday';
    const where = a.facility ?? a.account;
    view.today = where ? t(key, { at: a.at, facility: where }) : t(`${key}NoFacility`, { at: a.at });
  }
  if (p.mismatch) {
    view.mismatch = {
      field: p.mismatch.field,
      label: t(`portal.mismatch.${p.mismatch.field}`),
      portal: (p.mismatch.field === 'birthDate' ? formatDate(p.mismatch.portal) : p.mismatch.portal) ?? '—',
      card: (p.mismatch.field === 'birthDate' ? formatDate(p.mismatch.card) : p.mismatch.card) ?? '—',
    };
  }
  const add = (id: string, label: string, value: string | undefined, emphasis?: FieldView['emphasis']) => {
    if (value === undefined || value === '') return;
    view.fields.push(emphasis ? { id, label, value, emphasis } : { id, label, value });
  };
  const n = p.newCard;
  if (n) {
    add('newCardNumber', t('portal.newCard'), n.cardNumber, 'notice');
    add('newCardValidity', t('portal.newCardValidity'), validity(n.validFrom, n.validTo, t), 'notice');
    add(
      'newCardFacility',
      t('portal.newCardFacility'),
      n.registeredFacility && n.registeredFacilityName
        ? `${n.registeredFacility} — ${n.registeredFacilityName}`
        : (n.registeredFacility ?? n.registeredFacilityName),
    );
  }
  add('portalValidity', t('portal.validity'), validity(p.validFrom, p.validTo, t));
  add('portalFacility', t('portal.registeredFacility'), p.registeredFacility);
  add('portalFiveYear', t('field.fiveYearDate'), formatDate(p.fiveYearDate));
  const visits = p.lastVisits?.length ? p.lastVisits : p.lastVisit ? [p.lastVisit] : [];
  const visitLines = visits.map((v) => visitText(v, t)).filter((x): x is string => x !== undefined);
  add('portalLastVisit', visitLines.length > 1 ? t('portal.lastVisits') : t('portal.lastVisit'), visitLines.join('; ') || undefined);
  add('portalAddress', t('field.address'), p.address);
  return view;
}
