import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { EMPTY_FILTERS, filterParams, type AuditFilters } from './filter-params.js';
import { formText } from '../form-data.js';
import type { Translate } from '../i18n/index.js';
import { parseDay } from './dates.js';
import { LightElement } from './light-element.js';
import './audit-date-input.js';

/**
 * The filter form; dispatches `audit-filters` with the values on submit. Forgiving: names with or
 * without diacritics, part of a card number, reason codes in any case (the server matches);
 * dates typed dd/mm/yyyy. A date that is not a real day stops the submit and says so here.
 */
@customElement('audit-filters')
export class AuditFiltersForm extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;
  @state() private error: string | undefined;

  private emit(f: AuditFilters): void {
    this.dispatchEvent(new CustomEvent<AuditFilters>('audit-filters', { detail: f, bubbles: true }));
  }

  private submit(e: Event): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const f = { ...EMPTY_FILTERS };
    for (const k of Object.keys(EMPTY_FILTERS) as Array<keyof AuditFilters>) f[k] = formText(data, k).trim();
    for (const k of ['from', 'to'] as const) {
      if (f[k] === '') continue;
      const iso = parseDay(f[k]);
      if (iso === undefined) {
        this.error = this.t('audit.filters.badDate', { field: this.t(k === 'from' ? 'audit.filters.from' : 'audit.filters.to') });
        return;
      }
      f[k] = iso;
    }
    this.error = undefined;
    this.emit(f);
  }

  private reset(): void {
    this.error = undefined;
    this.emit({ ...EMPTY_FILTERS });
  }

  protected override render() {
    const t = this.t;
    const f = this.filters;
    const text = (name: keyof AuditFilters, label: string, attrs: { maxlength?: number; hint?: string } = {}) =>
      html`<label
        >${label}<input name=${name} id="filter-${name}" .value=${f[name]} maxlength=${attrs.maxlength ?? 64} autocomplete="off" />${
          attrs.hint ? html`<span class="muted small">${attrs.hint}</span>` : nothing
        }</label
      >`;
    const csv = (lang: 'vi' | 'en') => {
      const p = filterParams(f);
      if (lang === 'en') p.set('lang', 'en');
      return `/api/audit/visits.csv?${p}`;
    };
    return html`<form class="filters card" id="audit-filters-form" novalidate @submit=${(e: Event) => this.submit(e)}>
      <h2>${t('audit.filters.heading')}</h2>
      <div class="grid">
        <audit-date-input .t=${t} id="filter-from" name="from" .label=${t('audit.filters.from')} .value=${f.from}></audit-date-input>
        <audit-date-input .t=${t} id="filter-to" name="to" .label=${t('audit.filters.to')} .value=${f.to}></audit-date-input>
        ${text('name', t('audit.filters.name'), { hint: t('audit.filters.nameHint') })}
        ${text('cardNumber', t('field.cardNumber'), { maxlength: 15, hint: t('audit.filters.cardHint') })}
        ${text('maSoBhxh', t('field.maSoBhxh'), { maxlength: 10 })}
        <label
          >${t('audit.filters.verdict')}
          <select name="verdict" id="filter-verdict" .value=${f.verdict}>
            <option value="">${t('audit.filters.any')}</option>
            <option value="accepted">${t('audit.verdict.accepted')}</option>
            <option value="needs_review">${t('audit.verdict.needs_review')}</option>
            <option value="rejected">${t('audit.verdict.rejected')}</option>
          </select></label
        >
        ${text('reasonCode', t('audit.filters.reasonCode'), { maxlength: 40, hint: t('audit.filters.reasonHint') })}
        ${text('operator', t('audit.filters.operator'), { hint: t('audit.filters.operatorHint') })} ${text('desk', t('audit.filters.desk'))}
      </div>
      ${this.error ? html`<p class="error" role="alert" id="filter-error">${this.error}</p>` : nothing}
      <div class="actions">
        <button type="submit" id="filter-apply">${t('audit.filters.apply')}</button>
        <button type="button" class="secondary" id="filter-reset" @click=${() => this.reset()}>${t('audit.filters.reset')}</button>
        <a class="button secondary" id="audit-csv" download href=${csv('vi')}>${t('audit.filters.csv')}</a>
        <a class="button secondary" id="audit-csv-en" download href=${csv('en')}>${t('audit.filters.csvEn')}</a>
      </div>
    </form>`;
  }
}
