import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { EMPTY_FILTERS, filterParams, type AuditFilters } from './filter-params.js';
import { formText } from '../form-data.js';
import type { Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';

/** The filter form; dispatches `audit-filters` with the values on submit. */
@customElement('audit-filters')
export class AuditFiltersForm extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;

  private emit(f: AuditFilters): void {
    this.dispatchEvent(new CustomEvent<AuditFilters>('audit-filters', { detail: f, bubbles: true }));
  }

  private submit(e: Event): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const f = { ...EMPTY_FILTERS };
    for (const k of Object.keys(EMPTY_FILTERS) as Array<keyof AuditFilters>) f[k] = formText(data, k).trim();
    this.emit(f);
  }

  protected override render() {
    const t = this.t;
    const f = this.filters;
    const text = (name: keyof AuditFilters, label: string, attrs: { pattern?: string; maxlength?: number } = {}) =>
      html`<label
        >${label}<input
          name=${name}
          id="filter-${name}"
          .value=${f[name]}
          pattern=${attrs.pattern ?? '.*'}
          maxlength=${attrs.maxlength ?? 64}
      /></label>`;
    return html`<form class="filters card" id="audit-filters-form" @submit=${(e: Event) => this.submit(e)}>
      <h2>${t('audit.filters.heading')}</h2>
      <div class="grid">
        <label>${t('audit.filters.from')}<input type="date" name="from" id="filter-from" .value=${f.from} /></label>
        <label>${t('audit.filters.to')}<input type="date" name="to" id="filter-to" .value=${f.to} /></label>
        ${text('cardNumber', t('field.cardNumber'), { pattern: '[A-Za-z0-9]{10,15}', maxlength: 15 })}
        ${text('maSoBhxh', t('field.maSoBhxh'), { pattern: '[0-9]{10}', maxlength: 10 })}
        <label
          >${t('audit.filters.verdict')}
          <select name="verdict" id="filter-verdict" .value=${f.verdict}>
            <option value="">${t('audit.filters.any')}</option>
            <option value="accepted">${t('audit.verdict.accepted')}</option>
            <option value="needs_review">${t('audit.verdict.needs_review')}</option>
            <option value="rejected">${t('audit.verdict.rejected')}</option>
          </select></label
        >
        ${text('reasonCode', t('audit.filters.reasonCode'), { pattern: '[A-Z_]{2,40}', maxlength: 40 })}
        ${text('operator', t('audit.filters.operator'), { maxlength: 32 })} ${text('desk', t('audit.filters.desk'))}
      </div>
      <div class="actions">
        <button type="submit" id="filter-apply">${t('audit.filters.apply')}</button>
        <button type="button" class="secondary" @click=${() => this.emit({ ...EMPTY_FILTERS })}>${t('audit.filters.reset')}</button>
        <a class="button secondary" id="audit-csv" download href=${`/api/audit/visits.csv?${filterParams(f)}`}>${t('audit.filters.csv')}</a>
      </div>
    </form>`;
  }
}
