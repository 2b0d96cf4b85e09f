import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditVisit } from '../../server/wire/audit.js';
import { getAuditVisits } from '../api/client.js';
import { EMPTY_FILTERS, filterParams, vnTime, type AuditFilters } from './filter-params.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import { bareCodes, type CodeLabel } from './visit-code-labels.js';

const PAGE = 50;

/** The visits matching the filters, newest first, with cursor paging ("load more"). */
@customElement('audit-table')
export class AuditTable extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;
  @property({ attribute: false }) codeLabel: CodeLabel = bareCodes;
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
      this.error = r.code;
      return;
    }
    this.items = more ? [...this.items, ...r.body.items] : r.body.items;
    this.next = r.body.nextCursor;
  }

  protected override render() {
    const t = this.t;
    return html`<section class="card" aria-labelledby="table-heading">
      <h2 id="table-heading">${t('audit.table.heading')}</h2>
      ${this.error ? html`<p class="error" role="alert">${t('audit.table.error', { code: this.error })}</p>` : nothing}
      <div class="table-wrap">
        <table id="audit-table" data-loading=${this.loading ? 'true' : 'false'}>
          <thead>
            <tr>
              <th>${t('audit.table.seq')}</th>
              <th>${t('audit.table.time')}</th>
              <th>${t('audit.table.verdict')}</th>
              <th>${t('audit.table.card')}</th>
              <th>${t('audit.table.name')}</th>
              <th>${t('audit.table.operator')}</th>
              <th>${t('audit.table.desk')}</th>
              <th>${t('audit.table.visitType')}</th>
              <th>${t('verdict.reasons')}</th>
              <th>${t('audit.table.note')}</th>
              <th>${t('audit.table.sync')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.items.map(
              (v) =>
                html`<tr data-visit-id=${v.id} data-seq=${v.seq} title=${v.hash}>
                  <td class="num">${v.seq}</td>
                  <td>${vnTime(v.recordedAt)}</td>
                  <td><span class="verdict ${v.verdict}">${t(`audit.verdict.${v.verdict}` as MessageKey)}</span></td>
                  <td class="mono">${v.card?.cardNumber ?? v.card?.maSoBhxh ?? '—'}</td>
                  <td>${v.card?.fullName ?? '—'}</td>
                  <td>${v.operator.displayName} <span class="muted">(${v.operator.username})</span></td>
                  <td>${v.deskId}</td>
                  <td>${this.codeLabel('type', v.visitType)}</td>
                  <td class="mono small">${v.reasonCodes.join(', ')}</td>
                  <td>${v.reviewNote ?? ''}</td>
                  <td class="sync ${v.sync?.state ?? 'none'}" data-sync=${v.sync?.state ?? 'none'} title=${v.sync?.lastError ?? ''}>
                    ${syncLabel(t, v.sync)}
                  </td>
                </tr>`,
            )}
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
