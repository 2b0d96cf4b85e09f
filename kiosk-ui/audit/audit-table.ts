import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditVisit } from '../../server/wire/audit.js';
import { getAuditVisits } from '../api/client.js';
import { EMPTY_FILTERS, filterParams, vnTime, type AuditFilters } from './filter-params.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import { bareCodes, type CodeLabel } from './visit-code-labels.js';
import { problemText } from './problem-text.js';
import { reasonWords, reviewNoteText } from './reason-label.js';

const PAGE = 50;

/** The visits matching the filters, newest first, with cursor paging ("load more"). */
@customElement('audit-table')
export class AuditTable extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;
  @property({ attribute: false }) codeLabel: CodeLabel = bareCodes;
  @property() locale: Locale = 'vi';
  /** Whether the kiosk syncs to the medical-history store (GET /api/status `sync.enabled`); false: nothing is sent, so nothing waits. */
  @property({ type: Boolean }) syncEnabled = true;
  @state() private items: AuditVisit[] = [];
  @state() private next: string | null = null;
  @state() private loading = false;
  @state() private error: string | undefined;
  #generation = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('filters')) void this.load(false);
  }

  async load(more: boolean): Promise<void> {
    const gen = more ? this.#generation : ++this.#generation;
    const p = filterParams(this.filters);
    p.set('limit', String(PAGE));
    if (more && this.next) p.set('cursor', this.next);
    this.loading = true;
    this.error = undefined;
    const r = await getAuditVisits(p);
    if (gen !== this.#generation) return; // a newer filter won
    this.loading = false;
    if (!r.ok) {
      // Never leave the previous filter's rows under the error: they would read as its answer.
      this.error = problemText(this.t, r.code);
      this.items = [];
      this.next = null;
      return;
    }
    this.items = more ? [...this.items, ...r.body.items] : r.body.items;
    this.next = r.body.nextCursor;
  }

  private row(v: AuditVisit) {
    const t = this.t;
    const state = v.sync?.state ?? 'none';
    // With sync off there is nowhere to send: "waiting" would be untrue on every row.
    const sync = !this.syncEnabled && state === 'pending' ? 'off' : state;
    const reasons = v.reasonCodes.filter((c) => c !== 'OK');
    return html`<tr data-visit-id=${v.id} data-seq=${v.seq} title=${v.hash}>
      <td class="num" data-label=${t('audit.table.seq')}>${v.seq}</td>
      <td data-label=${t('audit.table.time')}>${vnTime(v.recordedAt)}</td>
      <td data-label=${t('audit.table.verdict')}>
        <span><span class="verdict ${v.verdict}">${t(`audit.verdict.${v.verdict}` as MessageKey)}</span></span>
      </td>
      <td class="mono" data-label=${t('audit.table.card')}>${v.card?.cardNumber ?? v.card?.maSoBhxh ?? '—'}</td>
      <td data-label=${t('audit.table.name')}>${v.card?.fullName ?? '—'}</td>
      <td data-label=${t('audit.table.operator')}>
        <span>${v.operator.displayName} <span class="muted">(${v.operator.username})</span></span>
      </td>
      <td data-label=${t('audit.table.desk')}>${v.deskId}</td>
      <td data-label=${t('audit.table.visitType')}>${this.codeLabel('type', v.visitType)}</td>
      <td data-label=${t('verdict.reasons')}>
        ${
          reasons.length === 0
            ? '—'
            : html`<ul class="reasons">
                ${reasons.map((c) => html`<li data-code=${c}>${reasonWords(c, this.locale)} <span class="mono small muted">${c}</span></li>`)}
              </ul>`
        }
      </td>
      <td data-label=${t('audit.table.note')}>${v.reviewNote ? reviewNoteText(v.reviewNote, t) : ''}</td>
      <td class="sync ${sync}" data-label=${t('audit.table.sync')} data-sync=${sync} title=${v.sync?.lastError ?? ''}>
        ${sync === 'off' ? t('audit.sync.off') : syncLabel(t, v.sync)}
      </td>
    </tr>`;
  }

  protected override render() {
    const t = this.t;
    return html`<section class="card" aria-labelledby="table-heading">
      <h2 id="table-heading">${t('audit.table.heading')}</h2>
      ${this.error ? html`<p class="error" role="alert" id="audit-table-error">${t('audit.table.loadError', { reason: this.error })}</p>` : nothing}
      <div class="table-wrap">
        <table id="audit-table" class="cards-on-narrow" data-loading=${this.loading ? 'true' : 'false'}>
          <thead>
            <tr>
              <th scope="col">${t('audit.table.seq')}</th>
              <th scope="col">${t('audit.table.time')}</th>
              <th scope="col">${t('audit.table.verdict')}</th>
              <th scope="col">${t('audit.table.card')}</th>
              <th scope="col">${t('audit.table.name')}</th>
              <th scope="col">${t('audit.table.operator')}</th>
              <th scope="col">${t('audit.table.desk')}</th>
              <th scope="col">${t('audit.table.visitType')}</th>
              <th scope="col">${t('verdict.reasons')}</th>
              <th scope="col">${t('audit.table.note')}</th>
              <th scope="col">${t('audit.table.sync')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.items.map((v) => this.row(v))}
          </tbody>
        </table>
      </div>
      ${!this.loading && this.items.length === 0 && !this.error ? html`<p class="muted" id="audit-empty">${t('audit.table.empty')}</p>` : nothing}
      <p class="muted">${t('audit.table.count', { n: this.items.length })}</p>
      ${this.next ? html`<button type="button" id="audit-more" ?disabled=${this.loading} @click=${() => this.load(true)}>${t('audit.table.more')}</button>` : nothing}
    </section>`;
  }
}

/** One visit's sync state in the auditor's words; a parked visit names the store's reason. */
function syncLabel(t: Translate, sync: AuditVisit['sync']): string {
  switch (sync?.state) {
    case 'pending':
      return t('audit.sync.pending');
    case 'sent':
      return t('audit.sync.sent');
    case 'parked':
      return t('audit.sync.parked', { reason: sync.parkedReason ?? '?' });
    default:
      return t('audit.sync.none');
  }
}
