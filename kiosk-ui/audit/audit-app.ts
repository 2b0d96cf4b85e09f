import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import { getStatus, getVisitCodes } from '../api/client.js';
import { EMPTY_FILTERS, type AuditFilters } from './filter-params.js';
import type { Translate } from '../i18n/index.js';
import { RolePage } from './role-page.js';
import { codeLabeller } from './visit-code-labels.js';
import './audit-charts.js';
import './audit-check-in-records.js';
import './audit-filters.js';
import './audit-integrity.js';
import './audit-table.js';

/** The page's two views: the visit log, and the check-in records sent to the agency's portal. */
type AuditTab = 'visits' | 'check-in';

/**
 * The auditor page (/audit): integrity badge, filters with CSV download, charts and the visit
 * table, and the check-in records, in the role pages' shell (sign-in, header, "not your page").
 */
@customElement('audit-app')
export class AuditApp extends RolePage {
  @state() private filters: AuditFilters = EMPTY_FILTERS;
  @state() private tab: AuditTab = 'visits';
  @state() private codes: VisitCodeTable | undefined;
  /** From GET /api/status: whether visits are synced to the medical-history store at all. */
  @state() private syncEnabled = true;

  constructor() {
    super({
      id: 'audit',
      role: 'auditor',
      title: 'audit.title',
      otherRole: 'audit.notAuditor',
      // The auditor page remembers its language on this browser.
      locale: { storageKey: 'bhyt-audit-locale' },
    });
  }

  /** The visit codes' labels; bare codes until they come. */
  protected override userArrived(): void {
    void this.loadCodes();
  }

  protected override userLeft(): void {
    this.filters = EMPTY_FILTERS;
    this.tab = 'visits';
  }

  private async loadCodes(): Promise<void> {
    if (this.codes) return;
    const [r, status] = await Promise.all([getVisitCodes(), getStatus()]);
    if (r.ok) this.codes = r.body;
    if (status.ok) this.syncEnabled = status.body.sync?.enabled ?? false;
  }

  private tabs(t: Translate) {
    const tab = (id: AuditTab, label: string) =>
      html`<button
        type="button"
        role="tab"
        id="tab-${id}"
        aria-controls="panel-${id}"
        aria-selected=${this.tab === id ? 'true' : 'false'}
        tabindex=${this.tab === id ? 0 : -1}
        @click=${() => (this.tab = id)}
        @keydown=${(e: KeyboardEvent) => this.tabKey(e)}
      >
        ${label}
      </button>`;
    return html`<div class="tabs" role="tablist" aria-label=${t('audit.tabs.label')}>
      ${tab('visits', t('audit.tabs.visits'))} ${tab('check-in', t('audit.tabs.checkIn'))}
    </div>`;
  }

  /** Arrow keys move between the tabs (the WAI-ARIA tabs pattern). */
  private tabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    this.tab = this.tab === 'visits' ? 'check-in' : 'visits';
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus());
  }

  protected renderContent(t: Translate) {
    const codeLabel = codeLabeller(this.codes, this.locale);
    return html`<audit-integrity .t=${t}></audit-integrity> ${this.tabs(t)}
      ${
        this.tab === 'visits'
          ? html`<div role="tabpanel" id="panel-visits" aria-labelledby="tab-visits">
              <audit-filters
                .t=${t}
                .filters=${this.filters}
                @audit-filters=${(e: CustomEvent<AuditFilters>) => (this.filters = e.detail)}
              ></audit-filters>
              <audit-charts .t=${t} .locale=${this.locale} .filters=${this.filters}></audit-charts>
              <audit-table
                .t=${t}
                .locale=${this.locale}
                .filters=${this.filters}
                .codeLabel=${codeLabel}
                .syncEnabled=${this.syncEnabled}
              ></audit-table>
            </div>`
          : html`<div role="tabpanel" id="panel-check-in" aria-labelledby="tab-check-in">
              <audit-check-in-records .t=${t} .codeLabel=${codeLabel}></audit-check-in-records>
            </div>`
      }`;
  }
}
